/**
 * CPU backends: {@link dev.brasa.backend.cpu.ScalarBackend}, the specification and fallback, and
 * {@link dev.brasa.backend.cpu.SimdBackend}, the Vector API kernels (the only classes here that
 * import {@code jdk.incubator.vector}). Internal: not exported.
 */
package dev.brasa.backend.cpu;
