package dev.brasa.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.backend.View;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The strided iteration, against nested loops written out here: every output element visited once,
 * with the input element its index selects, when a large op is cut into slices per thread.
 */
class LoopsTest {

    @Test
    void aLargeBroadcastOpVisitsEveryOutputOnceWithItsInputAlsoWhenSliced() {
        // out [700, 3, 200] contiguous; in broadcast along dim 1 and stored transposed in dims 0 and 2
        int d0 = 700, d1 = 3, d2 = 200;
        int[] shape = {d0, d1, d2};
        int[] outStrides = {d1 * d2, d2, 1}, inStrides = {1, 0, d0};
        int inBase = 5, outBase = 11;
        AtomicIntegerArray visits = new AtomicIntegerArray(outBase + d0 * d1 * d2);
        AtomicIntegerArray source = new AtomicIntegerArray(visits.length());
        Loops.forEach(shape, new int[][] {inStrides, outStrides}, new int[] {inBase, outBase}, true, (n, off, str) -> {
            for (int i = 0; i < n; i++) {
                int o = off[1] + i * str[1];
                visits.incrementAndGet(o);
                source.set(o, off[0] + i * str[0]);
            }
        });
        for (int a = 0; a < d0; a++) {
            for (int b = 0; b < d1; b++) {
                for (int c = 0; c < d2; c++) {
                    int o = outBase + a * outStrides[0] + b * outStrides[1] + c;
                    assertEquals(1, visits.get(o), "visits of out[" + a + ", " + b + ", " + c + "]");
                    assertEquals(inBase + a * inStrides[0] + c * inStrides[2], source.get(o), "input of out[" + a + ", " + b + ", " + c + "]");
                }
            }
        }
        for (int o = 0; o < outBase; o++) assertEquals(0, visits.get(o), "offset " + o + " lies before the output");
    }

    @Test
    void aCopyBetweenOverlappingViewsOfOneStorageRunsInOrderAndMovesEveryElement() {
        // x[1:] = x[:-1] on a large tensor: slices run at once would read elements another one had written
        int n = 3 * Loops.PARALLEL_MIN + 7;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i;
        dev.brasa.backend.Backend be = new SimdBackend();
        dev.brasa.backend.Storage s = be.wrap(x);
        View src = new View(s, new int[] {n - 1}, new int[] {1}, 0), dst = new View(s, new int[] {n - 1}, new int[] {1}, 1);
        assertFalse(Loops.separable(dst, src));
        assertTrue(Loops.separable(dst, dst), "an in-place op reads exactly what it writes");
        assertTrue(Loops.separable(dst, new View(be.wrap(new float[n]), new int[] {n - 1}, new int[] {1}, 1)), "another storage");
        be.copy(src, dst);
        float[] got = new float[n];
        for (int i = 0; i < n; i++) got[i] = (float) be.get(s, i);
        for (int i = 1; i < n; i++) assertEquals(i - 1, got[i], "x[" + i + "]");
        assertEquals(0, got[0]);
    }

    @Test
    void aDenseOpIsCutIntoOneSlicePerThread() {
        int rows = 3 * Loops.PARALLEL_MIN / 5 + 1, n = rows * 5;     // just over 3 threads' worth
        AtomicIntegerArray visits = new AtomicIntegerArray(n);
        AtomicInteger calls = new AtomicInteger();
        Loops.forEach(new int[] {rows, 5}, new int[][] {{5, 1}}, new int[] {0}, true, (len, off, str) -> {
            calls.incrementAndGet();
            for (int i = 0; i < len; i++) visits.incrementAndGet(off[0] + i * str[0]);
        });
        for (int i = 0; i < n; i++) assertEquals(1, visits.get(i), "element " + i);
        assertEquals(Math.min(CpuThreads.threads(), 3), calls.get(), "row calls for " + CpuThreads.threads() + " threads");

        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        AtomicInteger ranges = new AtomicInteger();
        Loops.split(n, true, (from, to) -> {
            ranges.incrementAndGet();
            assertTrue(from % 64 == 0 && from < to && to <= n, "range [" + from + ", " + to + ")");
            for (int i = from; i < to; i++) seen.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "split element " + i);
        assertEquals(Math.min(CpuThreads.threads(), 3), ranges.get(), "ranges for " + CpuThreads.threads() + " threads");
    }
}
