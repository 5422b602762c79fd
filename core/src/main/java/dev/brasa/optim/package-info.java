/**
 * Optimizers ({@code torch.optim}): {@link dev.brasa.optim.SGD}, {@link dev.brasa.optim.Adam},
 * {@link dev.brasa.optim.AdamW} keep param groups and state; {@link dev.brasa.optim.Functional} holds
 * the update rules. Learning-rate schedulers are in {@code dev.brasa.optim.lr}.
 */
package dev.brasa.optim;
