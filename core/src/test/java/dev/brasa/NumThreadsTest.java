package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@code torch.set_num_threads} / {@code get_num_threads}: the count is kept, more threads than cores work, results agree. */
class NumThreadsTest {
    @Test
    void setNumThreadsChangesTheCountAndNotTheResult() {
        int before = Brasa.getNumThreads();
        try {
            Brasa.manualSeed(5);
            Tensor a = Brasa.randn(300, 257), b = Brasa.randn(257, 190);
            Brasa.setNumThreads(1);
            assertEquals(1, Brasa.getNumThreads());
            float[] one = a.matmul(b).toFloatArray();
            Brasa.setNumThreads(5);   // more than this machine's cores: the pool grows
            assertEquals(5, Brasa.getNumThreads());
            float[] five = a.matmul(b).toFloatArray();
            for (int i = 0; i < one.length; i++) assertEquals(one[i], five[i], 1e-4f * Math.max(1, Math.abs(one[i])), "element " + i);
            assertEquals("set_num_threads expects a positive integer, got 0",
                    assertThrows(IllegalArgumentException.class, () -> Brasa.setNumThreads(0)).getMessage());
            assertEquals(5, Brasa.getNumThreads(), "a refused count changes nothing");
        } finally {
            Brasa.setNumThreads(before);
        }
    }
}
