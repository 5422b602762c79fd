/** Learning-rate schedulers ({@code torch.optim.lr_scheduler}): {@link dev.brasa.optim.lr.StepLR}, {@link dev.brasa.optim.lr.CosineAnnealingLR}. */
package dev.brasa.optim.lr;
