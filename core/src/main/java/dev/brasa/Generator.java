package dev.brasa;

/**
 * A random number generator compatible with PyTorch's CPU generator: the same mt19937 engine,
 * seeded the same way, with PyTorch's transforms in {@link Brasa#rand}, {@link Brasa#randn} and
 * friends, so the same seed and the same sequence of calls give the same numbers. Thread-safe.
 */
public final class Generator {
    /** PyTorch's default seed for the CPU generator. */
    public static final long DEFAULT_SEED = 67280421310721L;
    private static final int N = 624, M = 397;

    private final int[] mt = new int[N];
    private int next;
    private int left;
    private long seed;
    private boolean hasNextNormal;
    private double nextNormal;

    /** A generator seeded with PyTorch's default seed. */
    public Generator() { this(DEFAULT_SEED); }

    /** A generator seeded with {@code seed}. */
    public Generator(long seed) { manualSeed(seed); }

    /** Re-seeds ({@code torch.Generator.manual_seed}); also drops the cached normal sample. Returns this. */
    public synchronized Generator manualSeed(long seed) {
        this.seed = seed;
        mt[0] = (int) seed;
        for (int j = 1; j < N; j++) mt[j] = 1812433253 * (mt[j - 1] ^ (mt[j - 1] >>> 30)) + j;
        left = 1;
        next = 0;
        hasNextNormal = false;
        return this;
    }

    /** The seed last set. */
    public synchronized long initialSeed() { return seed; }

    /** The next 32 random bits (mt19937), as an unsigned value in a long. */
    public synchronized long random() { return random32Locked(); }

    /** 64 random bits from two 32-bit draws, the first as the high half (PyTorch's random64). */
    public synchronized long random64() { return random64Locked(); }

    // The *Locked methods below are for callers that already hold this generator's monitor
    // (dev.brasa.Random draws whole tensors under one lock).

    long random32Locked() { return next32() & 0xFFFFFFFFL; }

    long random64Locked() {
        long hi = next32() & 0xFFFFFFFFL, lo = next32() & 0xFFFFFFFFL;
        return (hi << 32) | lo;
    }

    /** The full state (engine words, position, cached normal) for checkpoints. */
    public synchronized long[] getState() {
        long[] s = new long[N + 5];
        for (int i = 0; i < N; i++) s[i] = mt[i];
        s[N] = next;
        s[N + 1] = left;
        s[N + 2] = seed;
        s[N + 3] = hasNextNormal ? 1 : 0;
        s[N + 4] = Double.doubleToRawLongBits(nextNormal);
        return s;
    }

    /** Restores a state from {@link #getState()}. */
    public synchronized void setState(long[] s) {
        if (s == null || s.length != N + 5 || s[N] < 0 || s[N] > N || s[N + 1] < 1 || s[N + 1] > N + 1) {
            throw new IllegalArgumentException("not a Generator state (expected " + (N + 5) + " longs from getState())");
        }
        for (int i = 0; i < N; i++) mt[i] = (int) s[i];
        next = (int) s[N];
        left = (int) s[N + 1];
        seed = s[N + 2];
        hasNextNormal = s[N + 3] != 0;
        nextNormal = Double.longBitsToDouble(s[N + 4]);
    }

    private int next32() {
        if (--left == 0) twist();
        int y = mt[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /**
     * The next N words of state, in place: word k from words k, k + 1 and k + M (mod N), the wrapped
     * ones already new. Three loops, so no index needs a remainder: {@code rand(4_000_000)} took 8.4
     * ns a draw with {@code (k + 1) % N} and {@code (k + M) % N}, 5.8-6.5 ns this way (the same words).
     */
    private void twist() {
        int k = 0;
        for (; k < N - M; k++) mt[k] = mix(mt[k + M], mt[k], mt[k + 1]);
        for (; k < N - 1; k++) mt[k] = mix(mt[k + M - N], mt[k], mt[k + 1]);
        mt[N - 1] = mix(mt[M - 1], mt[N - 1], mt[0]);
        left = N;
        next = 0;
    }

    /** One new state word: far ^ (the top bit of upper and the low 31 of lower, shifted, through the twist matrix). */
    private static int mix(int far, int upper, int lower) {
        int y = (upper & 0x80000000) | (lower & 0x7fffffff);
        return far ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
    }

    // ---------------------------------------------------------------- PyTorch's transforms

    /** Uniform float in [0, 1) from 24 bits of one 32-bit draw (caller holds the lock). */
    float uniformFloat() { return (next32() & 0xFFFFFF) * 0x1.0p-24f; }

    /** Uniform double in [0, 1) from 53 bits of a 64-bit draw (caller holds the lock). */
    double uniformDouble() { return (random64Locked() & ((1L << 53) - 1)) * 0x1.0p-53; }

    /** One N(0, 1) sample by Box-Muller in double, caching the second value as PyTorch does (caller holds the lock). */
    double normalDouble() {
        if (hasNextNormal) {
            hasNextNormal = false;
            return nextNormal;
        }
        double u1 = uniformDouble(), u2 = uniformDouble();
        double r = Math.sqrt(-2.0 * Math.log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        hasNextNormal = true;
        nextNormal = r * Math.sin(theta);
        return r * Math.cos(theta);
    }

    @Override public synchronized String toString() { return "Generator(seed=" + seed + ")"; }
}
