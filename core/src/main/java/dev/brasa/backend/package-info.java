/**
 * The backend SPI: a few primitive kernels (elementwise unary and binary with broadcasting,
 * reductions, softmax, GEMM, gather/scatter, copies) over {@link dev.brasa.backend.View}s of
 * {@link dev.brasa.backend.Storage}. Internal: not exported by the {@code dev.brasa} module.
 * Backends validate nothing; the public surface in {@code dev.brasa} checks arguments once.
 */
package dev.brasa.backend;
