package dev.brasa.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The kernel thread pool: every task once, nested calls, failures rethrown, the pool usable afterwards. */
class CpuThreadsTest {

    @Test
    void everyTaskRunsOnceAlsoWhenNestedAndAfterAFailure() {
        for (int round = 0; round < 200; round++) {
            int tasks = 1 + round % 7;
            AtomicIntegerArray runs = new AtomicIntegerArray(tasks * 3);
            CpuThreads.parallelFor(tasks, t -> CpuThreads.parallelFor(3, u -> runs.incrementAndGet(t * 3 + u)));
            for (int i = 0; i < runs.length(); i++) assertEquals(1, runs.get(i), "round " + round + " task " + i);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CpuThreads.parallelFor(4, t -> {
            if (t == 3) throw new IllegalStateException("task 3 failed");
        }));
        assertEquals("task 3 failed", e.getMessage());
        AtomicIntegerArray after = new AtomicIntegerArray(5);
        CpuThreads.parallelFor(5, after::incrementAndGet);
        for (int i = 0; i < 5; i++) assertEquals(1, after.get(i));
    }
}
