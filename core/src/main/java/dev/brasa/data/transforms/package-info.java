/**
 * Image transforms ({@code torchvision.transforms}): {@link dev.brasa.data.transforms.Normalize}
 * and {@link dev.brasa.data.transforms.Compose}, applied to a dataset's images by
 * {@link dev.brasa.data.TensorDataset#withTransform}. Brasa's image datasets already give what
 * {@code ToTensor()} gives (FLOAT32 [C, H, W] in [0, 1]).
 */
package dev.brasa.data.transforms;
