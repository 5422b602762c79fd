package dev.brasa.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.backend.Backend;
import dev.brasa.backend.Backends;
import dev.brasa.backend.Kind;
import dev.brasa.backend.View;
import dev.brasa.internal.TensorAccess;
import dev.brasa.nn.Linear;
import dev.brasa.optim.SGD;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@code zero_()} of a whole float storage of at least {@link CpuStorage#ZERO_LATER_MIN} elements writes its zeros on
 * first use, and a GEMM that overwrites the whole storage (the weight gradient after {@code zero_grad()}) never
 * writes them: whatever reads or partly writes such a storage must find exactly what an eager fill leaves. The
 * oracle is the same reader on a storage zeroed at once (a fresh {@code zeros}). Runs on whichever CPU backend
 * this surefire execution uses, and both backends' {@code matmul} directly.
 */
class ZeroLaterTest {
    private static final int ROWS = 200, COLS = 100;         // 20,000 floats: above ZERO_LATER_MIN

    private static CpuStorage storage(Tensor t) { return (CpuStorage) TensorAccess.get().storage(t); }

    /** A tensor of nonzero values, then zero_(): its fill still pending. */
    private static Tensor pendingZeros() {
        Tensor t = Brasa.rand(ROWS, COLS).add(1);
        t.zero_();
        assertTrue(storage(t).zeroPending(), "zero_() of " + ROWS * COLS + " floats should wait for a use");
        return t;
    }

    @Test
    void everyReadOfAZeroedStorageFindsZeros() {
        Tensor w = Brasa.rand(COLS, 7);
        Map<String, Function<Tensor, float[]>> readers = new LinkedHashMap<>();
        readers.put("toFloatArray", Tensor::toFloatArray);
        readers.put("sum", t -> new float[] {t.sum().item()});
        readers.put("add", t -> t.add(1).toFloatArray());
        readers.put("a row slice", t -> t.slice(0, 150, 151).toFloatArray());
        readers.put("transposed copy", t -> t.t().contiguous().toFloatArray());
        readers.put("matmul's A", t -> t.matmul(w).toFloatArray());
        readers.put("matmul's B", t -> w.t().matmul(t.slice(0, 0, COLS)).toFloatArray());
        readers.put("copy_ into another", t -> Brasa.ones(ROWS, COLS).copy_(t).toFloatArray());
        readers.put("an element", t -> new float[] {t.select(0, ROWS - 1).select(0, COLS - 1).item()});
        readers.put("in-place add", t -> t.add_(Brasa.ones(ROWS, COLS)).toFloatArray());
        readers.put("max", t -> new float[] {t.max().item()});
        for (var e : readers.entrySet()) {
            float[] expected = e.getValue().apply(Brasa.zeros(ROWS, COLS));
            assertArrayEquals(expected, e.getValue().apply(pendingZeros()), e.getKey());
        }
    }

    @Test
    void aPartialWriteKeepsTheOtherZeros() {
        Tensor t = pendingZeros();
        t.slice(0, 0, 1).fill_(5);
        t.slice(0, 1, 2).add_(3);
        float[] got = t.toFloatArray();
        for (int i = 0; i < got.length; i++) assertEquals(i < COLS ? 5f : i < 2 * COLS ? 3f : 0f, got[i], "element " + i);
        assertFalse(storage(t).zeroPending());
        Tensor u = Brasa.rand(ROWS, COLS).add(1);
        float[] before = u.toFloatArray();
        u.slice(0, 0, 1).zero_();                              // the first elements only: no whole-storage fill
        float[] after = u.toFloatArray();
        for (int i = 0; i < after.length; i++) assertEquals(i < COLS ? 0f : before[i], after[i], "element " + i);
    }

    @Test
    void anArrayTakenOverIsZeroedAtOnce() {
        float[] data = new float[ROWS * COLS];
        java.util.Arrays.fill(data, 7f);
        Tensor t = Brasa.fromArray(data, ROWS, COLS);
        t.zero_();
        assertFalse(storage(t).zeroPending());
        for (float v : data) assertEquals(0f, v, "the caller's own array holds the zeros right after zero_()");
    }

    /** C over a whole pending storage, or over its first half (the other half must stay zero), with beta 0 and 1. */
    @Test
    void matmulOverAPendingStorageOnBothBackends() {
        int m = 100, k = 30, n = COLS;
        float[] a = Brasa.rand(m, k).toFloatArray(), b = Brasa.rand(k, n).toFloatArray();
        List<Backend> backends = new ArrayList<>(List.of(Backends.scalar()));
        if (Backends.simdOrNull() != null) backends.add(Backends.simdOrNull());
        for (Backend be : backends) {
            for (int rows : new int[] {ROWS, ROWS / 2}) {
                for (double beta : new double[] {0, 1}) {
                    String what = be.name() + ", C of " + rows + " rows, beta " + beta;
                    CpuStorage c = (CpuStorage) be.allocate(Kind.F32, ROWS * COLS);
                    be.fill(View.contiguous(c, new int[] {ROWS * COLS}), 9);
                    c.zero();
                    assertTrue(c.zeroPending(), what);
                    View av = View.contiguous(be.wrap(stacked(a, rows / m)), new int[] {1, rows, k});
                    View bv = View.contiguous(be.wrap(b.clone()), new int[] {1, k, n});
                    be.matmul(av, bv, View.contiguous(c, new int[] {1, rows, n}), 1, rows, n, k, 1.0, beta);
                    float[] got = (float[]) be.toArray(View.contiguous(c, new int[] {ROWS * COLS}));
                    for (int i = 0; i < ROWS; i++) {
                        for (int j = 0; j < n; j++) {
                            float want = 0;
                            if (i < rows) for (int p = 0; p < k; p++) want += a[(i % m) * k + p] * b[p * n + j];
                            assertEquals(want, got[i * n + j], 1e-4f * k, what + ", C[" + i + ", " + j + "]");
                        }
                    }
                }
            }
        }
    }

    private static float[] stacked(float[] a, int times) {
        float[] r = new float[a.length * times];
        for (int t = 0; t < times; t++) System.arraycopy(a, 0, r, t * a.length, a.length);
        return r;
    }

    /** Training with zero_grad(): the weight gradient written over the pending zeros, the same bits as into a fresh buffer. */
    @Test
    void zeroGradThenBackwardGivesTheSameGradientsAsSetToNone() {
        float[][] grads = new float[2][];
        for (int variant = 0; variant < 2; variant++) {
            Brasa.manualSeed(3);
            Linear lin = new Linear(COLS, ROWS);                // weight [200, 100]
            SGD opt = new SGD(lin.parameters(), 0.1);
            Tensor x = Brasa.rand(64, COLS);
            for (int step = 0; step < 3; step++) {
                if (variant == 0) opt.zeroGrad();
                else opt.zeroGradToNone();
                if (variant == 0 && step > 0) assertTrue(storage(lin.weight().grad()).zeroPending(), "step " + step);
                lin.forward(x).pow(2).sum().backward();
                opt.step();
            }
            grads[variant] = lin.weight().grad().toFloatArray();
            assertEquals(ROWS * COLS, grads[variant].length);
        }
        assertArrayEquals(grads[1], grads[0]);
    }
}
