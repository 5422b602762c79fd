/**
 * Data loading ({@code torch.utils.data}): {@link dev.brasa.data.Dataset}, {@link dev.brasa.data.Sample},
 * {@link dev.brasa.data.TensorDataset}, {@link dev.brasa.data.Subset}, {@link dev.brasa.data.Datasets#randomSplit},
 * and the shuffling, prefetching {@link dev.brasa.data.DataLoader}. File-backed datasets are in
 * {@code dev.brasa.data.datasets}.
 */
package dev.brasa.data;
