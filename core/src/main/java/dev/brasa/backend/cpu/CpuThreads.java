package dev.brasa.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The worker threads of the CPU kernels: {@code -Dbrasa.threads} (default: available processors).
 * The pool is created on first parallel use; its threads are daemons.
 */
public final class CpuThreads {
    private static volatile ForkJoinPool pool;
    private static final int MAX_THREADS = threadsFromProperty();
    private static volatile int threads = MAX_THREADS;

    private CpuThreads() {}

    private static int threadsFromProperty() {
        String s = System.getProperty("brasa.threads");
        if (s == null || s.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int t = Integer.parseInt(s.trim());
            if (t < 1) throw new NumberFormatException();
            return t;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("brasa.threads must be a positive integer, got '" + s + "'");
        }
    }

    /** The number of worker threads kernels may use. */
    public static int threads() { return threads; }

    /**
     * Uses at most n threads from now on (1 <= n <= the pool size set by {@code brasa.threads});
     * benchmarks use it to measure 1 and 2 threads in one JVM.
     */
    public static void setThreads(int n) {
        if (n < 1 || n > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got " + n);
        }
        threads = n;
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (CpuThreads.class) {
                p = pool;
                if (p == null) {
                    pool = p = new ForkJoinPool(MAX_THREADS, f -> {
                        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(f);
                        t.setName("brasa-cpu-" + t.getPoolIndex());
                        t.setDaemon(true);
                        return t;
                    }, null, false);
                }
            }
        }
        return p;
    }

    /** Runs body(0..tasks-1), in parallel when there are several threads and tasks. */
    public static void parallelFor(int tasks, IntConsumer body) {
        if (tasks <= 1 || threads == 1) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        RecursiveAction[] actions = new RecursiveAction[tasks];
        for (int i = 0; i < tasks; i++) {
            int t = i;
            actions[i] = new RecursiveAction() {
                @Override protected void compute() { body.accept(t); }
            };
        }
        ForkJoinPool p = pool();
        if (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == p) {
            ForkJoinTask.invokeAll(actions);
        } else {
            p.invoke(new RecursiveAction() {
                @Override protected void compute() { invokeAll(actions); }
            });
        }
    }
}
