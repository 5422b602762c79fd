package dev.brasa.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The worker threads of the CPU kernels: {@code -Dbrasa.threads} (default: available processors),
 * the calling thread and {@code threads - 1} daemon workers started on first parallel use. Between
 * jobs a worker spins for 0.2 ms before it parks, so the GEMMs of a training step do not each pay
 * a thread wake-up (tens of microseconds on a VM).
 */
public final class CpuThreads {
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

    // ---------------------------------------------------------------- the pool

    /** Worker threads, MAX_THREADS - 1 of them (the calling thread takes part), started on first use. */
    private static volatile Thread[] workers;
    /** One job at a time; a second caller (or a nested call) runs its tasks itself. */
    private static final ReentrantLock JOB_LOCK = new ReentrantLock();
    /** The job being run, or null; workers wait for this reference to change. */
    private static volatile Job job;
    private static final ThreadLocal<Boolean> IN_JOB = ThreadLocal.withInitial(() -> false);
    /** How long an idle worker spins for the next job before parking: GEMMs come back to back in training. */
    private static final long SPIN_NANOS = 200_000;

    /**
     * One parallelFor call with its own counters, so a worker that wakes late can only take part in
     * the job it saw (or find its tasks all claimed), never mix one job's body with another's counters.
     */
    private static final class Job {
        final IntConsumer body;
        final int tasks;
        final AtomicInteger next = new AtomicInteger(), remaining, seats;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(IntConsumer body, int tasks, int workers) {
            this.body = body;
            this.tasks = tasks;
            this.remaining = new AtomicInteger(tasks);
            this.seats = new AtomicInteger(workers);
        }

        /** Claims and runs tasks until none is left. */
        void run() {
            for (int i; (i = next.getAndIncrement()) < tasks; ) {
                try {
                    body.accept(i);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    remaining.decrementAndGet();
                }
            }
        }
    }

    private static Thread[] workers() {
        Thread[] w = workers;
        if (w == null) {
            synchronized (CpuThreads.class) {
                w = workers;
                if (w == null) {
                    w = new Thread[MAX_THREADS - 1];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = new Thread(CpuThreads::work, "brasa-cpu-" + (i + 1));
                        w[i].setDaemon(true);
                        w[i].start();
                    }
                    workers = w;
                }
            }
        }
        return w;
    }

    private static void work() {
        IN_JOB.set(true);                       // a kernel that calls parallelFor from a task runs it serially
        Job seen = job;
        while (true) {
            Job j = job;
            long spinStart = System.nanoTime();
            while (j == seen) {
                if (System.nanoTime() - spinStart < SPIN_NANOS) Thread.onSpinWait();
                else LockSupport.park();
                j = job;
            }
            seen = j;
            if (j != null && j.seats.getAndDecrement() > 0) j.run();
        }
    }

    /** body(0..tasks-1) through {@link #parallelFor} when parallel, else in order on this thread (work too small to share). */
    static void parallelFor(int tasks, boolean parallel, IntConsumer body) {
        if (parallel) parallelFor(tasks, body);
        else for (int i = 0; i < tasks; i++) body.accept(i);
    }

    /**
     * Runs body(0..tasks-1), in parallel when there are several threads and tasks: the calling
     * thread takes tasks too, and the workers, spinning briefly between jobs, start without a wake-up.
     * An exception in a task is rethrown here after every task has finished.
     */
    public static void parallelFor(int tasks, IntConsumer body) {
        if (tasks <= 1 || threads == 1 || IN_JOB.get() || !JOB_LOCK.tryLock()) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        try {
            Thread[] w = workers();
            IN_JOB.set(true);
            Job j = new Job(body, tasks, Math.min(threads, tasks) - 1);
            job = j;
            for (Thread t : w) LockSupport.unpark(t);
            j.run();
            while (j.remaining.get() > 0) Thread.onSpinWait();     // tasks are balanced: the wait is short
            job = null;                                            // nor keep the body's arrays reachable
            Throwable e = j.failure.get();
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof Error r) throw r;
            if (e != null) throw new IllegalStateException(e);
        } finally {
            IN_JOB.set(false);
            JOB_LOCK.unlock();
        }
    }
}
