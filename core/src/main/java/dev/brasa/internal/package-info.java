/**
 * Brasa's engine room, not exported by the module: code the public packages need from each other
 * without making it public API. {@link dev.brasa.internal.TensorAccess} is the one typed door into
 * {@code Tensor}'s fields for code outside package {@code dev.brasa}.
 */
package dev.brasa.internal;
