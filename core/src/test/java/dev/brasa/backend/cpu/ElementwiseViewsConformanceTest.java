package dev.brasa.backend.cpu;

import static dev.brasa.backend.cpu.BackendConformanceTest.SCALAR;
import static dev.brasa.backend.cpu.BackendConformanceTest.TESTED;
import static dev.brasa.backend.cpu.BackendConformanceTest.out;
import static dev.brasa.backend.cpu.BackendConformanceTest.random;
import static dev.brasa.backend.cpu.BackendConformanceTest.same;

import dev.brasa.backend.Backend;
import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.Kind;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.View;
import org.junit.jupiter.api.Test;

/**
 * The elementwise kernels on the inputs their vector loops must leave to the specification: transposed
 * (non-contiguous) views, float64 storages, a strided bias gradient, an empty batch, strided and broadcast
 * operands; each against the scalar backend over the whole storage (so elements a view skips must stay
 * untouched).
 */
class ElementwiseViewsConformanceTest {
    static final int M = 8, N = 300;

    /** A [M, N] view of a; transposed: the transpose of a contiguous [N, M]. */
    static View matrix(Backend b, Object a, boolean transposed) {
        return transposed ? new View(b.wrap(a), new int[] {M, N}, new int[] {1, M}, 0) : View.contiguous(b.wrap(a), new int[] {M, N});
    }

    static Object data(float[] f, boolean f64) {
        if (!f64) return f.clone();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** tanh, sigmoid and relu backward from y, with each of grad, y and out transposed in turn, and in float64. */
    @Test
    void activationBackwardOfTransposedViewsAndDoubles() {
        float[] x = random(M * N, 21, -3, 3), g = random(M * N, 22, -1, 1);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.RELU}) {
            for (int variant = 0; variant < 4; variant++) {        // 0-2: grad, y, out transposed; 3: all float64
                boolean f64 = variant == 3;
                View[] outs = new View[2];
                Backend[] bs = {SCALAR, TESTED};
                for (int i = 0; i < 2; i++) {
                    Backend b = bs[i];
                    View xv = matrix(b, data(x, f64), variant == 1), yv = matrix(b, data(new float[M * N], f64), variant == 1);
                    b.unary(op, xv, yv, 0, 0);
                    outs[i] = matrix(b, data(new float[M * N], f64), variant == 2);
                    b.unaryBackward(op, matrix(b, data(g, f64), variant == 0), xv, yv, outs[i], 0, 0);
                }
                same(outs[0], outs[1], 1e-6, 1e-7, op + " backward, variant " + variant);
            }
        }
    }

    /** The fused linear-activation backward with a bias gradient every other element of a longer vector, and on an empty batch. */
    @Test
    void linearActivationBackwardIntoAStridedBiasAndOnAnEmptyBatch() {
        float[] y = random(M * N, 23, -1, 1), g = random(M * N, 24, -1, 1);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.TANH, UnaryOp.RELU}) {
            for (int m : new int[] {M, 0}) {
                View[] gp = new View[2], gb = new View[2];
                Backend[] bs = {SCALAR, TESTED};
                for (int i = 0; i < 2; i++) {
                    Backend b = bs[i];
                    gp[i] = out(b, Kind.F32, m, N);
                    gb[i] = new View(b.allocate(Kind.F32, 2 * N + 1), new int[] {N}, new int[] {2}, 1);
                    b.fill(new View(gb[i].storage(), new int[] {2 * N + 1}, new int[] {1}, 0), 7);   // skipped elements stay 7
                    b.linearActBackward(op, View.contiguous(b.wrap(java.util.Arrays.copyOf(g, m * N)), new int[] {m, N}),
                            View.contiguous(b.wrap(java.util.Arrays.copyOf(y, m * N)), new int[] {m, N}), gp[i], gb[i], m, N);
                }
                same(gp[0], gp[1], 1e-6, 1e-7, op + " gp, m=" + m);
                same(gb[0], gb[1], 1e-5, 1e-6, op + " strided bias gradient, m=" + m);
            }
        }
    }

    /** Binary ops into a transposed or strided output, from strided, broadcast and float64 operands, at and around one vector's length. */
    @Test
    void binaryOpsOfStridedBroadcastAndDoubleViews() {
        int l = SimdBackend.L;
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.MUL, BinaryOp.SUB}) {
            for (int n : new int[] {l - 1, l, l + 1, 3 * l + 2}) {
                float[] a = random(2 * n * 3, 25, -2, 2), c = random(2 * n * 3, 26, -2, 2);
                for (int variant = 0; variant < 6; variant++) {
                    View[] outs = new View[2];
                    Backend[] bs = {SCALAR, TESTED};
                    for (int i = 0; i < 2; i++) {
                        Backend b = bs[i];
                        boolean f64 = variant == 4;
                        View av = switch (variant) {
                            case 1 -> new View(b.wrap(data(a, false)), new int[] {3, n}, new int[] {2 * n, 2}, 0);   // every other element
                            case 2 -> new View(b.wrap(data(a, false)), new int[] {3, n}, new int[] {0, 0}, 5);       // one broadcast scalar
                            default -> new View(b.wrap(data(a, f64)), new int[] {3, n}, new int[] {n, 1}, 0);
                        };
                        View cv = variant == 2 ? new View(b.wrap(data(c, false)), new int[] {3, n}, new int[] {0, 0}, 2)
                                : new View(b.wrap(data(c, f64)), new int[] {3, n}, new int[] {n, 1}, 0);
                        // variant 3: the output transposed ([3, n] as the transpose of a contiguous [n, 3])
                        // variant 5: every other element of a longer output, so no dimension of it has unit stride
                        outs[i] = variant == 3 ? new View(b.allocate(Kind.F32, 3 * n), new int[] {3, n}, new int[] {1, 3}, 0)
                                : variant == 5 ? new View(b.allocate(Kind.F32, 6 * n), new int[] {3, n}, new int[] {2 * n, 2}, 1)
                                : View.contiguous(b.allocate(f64 ? Kind.F64 : Kind.F32, 3 * n), new int[] {3, n});
                        b.binary(op, av, cv, outs[i]);
                    }
                    same(outs[0], outs[1], 0, 0, op + " n=" + n + " variant " + variant);
                }
            }
        }
    }
}
