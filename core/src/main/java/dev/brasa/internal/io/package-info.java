/**
 * Not exported: the provider of {@link dev.brasa.internal.StateDictFiles}, which joins
 * {@code Brasa.save}/{@code Brasa.load} to the formats in {@code dev.brasa.io} without
 * {@code dev.brasa} depending on {@code io} (that edge made one package cycle of the public packages).
 */
package dev.brasa.internal.io;
