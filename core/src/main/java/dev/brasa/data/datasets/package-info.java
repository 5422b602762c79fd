/**
 * Data sets from files the user has (no downloads): {@link dev.brasa.data.datasets.MNIST},
 * {@link dev.brasa.data.datasets.FashionMNIST} (IDX, raw or .gz), {@link dev.brasa.data.datasets.CIFAR10}
 * (binary batches), and the generated {@link dev.brasa.data.datasets.XORDataset} and
 * {@link dev.brasa.data.datasets.RandomBinaryDataset}.
 */
package dev.brasa.data.datasets;
