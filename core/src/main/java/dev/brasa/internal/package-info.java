/**
 * Brasa's engine room, not exported by the module: code the public packages need from each other
 * without making it public API. {@link dev.brasa.internal.TensorAccess} is the one typed door into
 * {@code Tensor}'s fields and helpers (implemented by {@code dev.brasa.TensorDoor}),
 * {@link dev.brasa.internal.AutogradAccess} the door into the backward engine; the ops themselves
 * are in {@code dev.brasa.internal.ops}.
 */
package dev.brasa.internal;
