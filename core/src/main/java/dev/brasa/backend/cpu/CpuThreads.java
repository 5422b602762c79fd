package dev.brasa.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The worker threads of the CPU kernels: {@code -Dbrasa.threads} (default: available processors)
 * or {@code Brasa.setNumThreads}, the calling thread and {@code threads - 1} daemon workers started
 * on first parallel use (and added when more threads are asked for later). Between jobs a worker
 * spins for 0.2 ms before it parks, so the GEMMs of a training step do not each pay a thread
 * wake-up (tens of microseconds on a VM).
 */
public final class CpuThreads {
    /** The thread count, or 0 until the first use reads it from {@code Config}. */
    private static volatile int threads;

    private CpuThreads() {}

    /** The number of threads kernels may use. */
    public static int threads() {
        int t = threads;
        if (t == 0) threads = t = dev.brasa.backend.Config.get().threads();
        return t;
    }

    /** Uses n threads (at least 1) from now on ({@code torch.set_num_threads}); more workers start when needed. */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("set_num_threads expects a positive integer, got " + n);
        threads = n;
    }

    // ---------------------------------------------------------------- the pool

    /** Worker threads, at least threads() - 1 of them (the calling thread takes part), started on first use. */
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

    /** At least {@code threads() - 1} started workers (the pool grows, never shrinks: extra ones stay parked). */
    private static Thread[] workers() {
        Thread[] w = workers;
        int want = threads() - 1;
        if (w == null || w.length < want) {
            synchronized (CpuThreads.class) {
                w = workers;
                int have = w == null ? 0 : w.length;
                if (have < want) {
                    Thread[] grown = w == null ? new Thread[want] : java.util.Arrays.copyOf(w, want);
                    for (int i = have; i < want; i++) {
                        grown[i] = new Thread(CpuThreads::work, "brasa-cpu-" + (i + 1));
                        grown[i].setDaemon(true);
                        grown[i].start();
                    }
                    workers = w = grown;
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
        int t = threads();
        if (tasks <= 1 || t == 1 || IN_JOB.get() || !JOB_LOCK.tryLock()) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        try {
            Thread[] w = workers();
            IN_JOB.set(true);
            Job j = new Job(body, tasks, Math.min(t, tasks) - 1);
            job = j;
            for (Thread worker : w) LockSupport.unpark(worker);
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
