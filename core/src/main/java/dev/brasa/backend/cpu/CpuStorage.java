package dev.brasa.backend.cpu;

import dev.brasa.backend.Backend;
import dev.brasa.backend.Kind;
import dev.brasa.backend.Storage;
import dev.brasa.backend.HostPin;

/** CPU storage: one Java array of the element kind (BOOL as bytes 0/1). */
public final class CpuStorage extends Storage {
    final Kind kind;
    final Backend backend;
    /** Exactly one of these is non-null, matching {@link #kind}; the floats through {@link #f()}. */
    private final float[] f;
    final double[] d;
    final long[] l;
    final byte[] b;
    /** The pinned copy of the elements ({@code pin_memory()}), or null. */
    private volatile HostPin pinned;
    /** Whether the library made the array (not a caller's, taken over by {@code fromArray}): only then may a fill wait. */
    private final boolean own;
    /** Set while the floats are all zero but not yet written: {@link #zero()}. */
    private volatile boolean zeroPending;

    /**
     * Storages at least this large are zeroed when first read rather than when zeroed ({@code zero_grad()} of a
     * 2000 x 1000 weight writes 8 MB that the next backward's weight-gradient GEMM overwrites without reading).
     */
    static final int ZERO_LATER_MIN = 1 << 14;

    CpuStorage(Backend backend, Kind kind, int n) {
        this.backend = backend;
        this.kind = kind;
        this.f = kind == Kind.F32 ? new float[n] : null;
        this.d = kind == Kind.F64 ? new double[n] : null;
        this.l = kind == Kind.I64 ? new long[n] : null;
        this.b = kind == Kind.BOOL ? new byte[n] : null;
        this.own = true;
    }

    private CpuStorage(Backend backend, float[] f, double[] d, long[] l, byte[] b, Kind kind, boolean own) {
        this.backend = backend;
        this.kind = kind;
        this.own = own;
        this.f = f;
        this.d = d;
        this.l = l;
        this.b = b;
    }

    /** A float32 storage of n elements whose every element the caller writes before reading ({@link UnsetArrays}). */
    static CpuStorage unsetFloats(Backend backend, int n) {
        return new CpuStorage(backend, UnsetArrays.floats(n), null, null, null, Kind.F32, true);
    }

    /** Wraps (does not copy) a float array. */
    public static CpuStorage wrap(Backend backend, float[] a) { return new CpuStorage(backend, a, null, null, null, Kind.F32, false); }

    /** Wraps (does not copy) a double array. */
    public static CpuStorage wrap(Backend backend, double[] a) { return new CpuStorage(backend, null, a, null, null, Kind.F64, false); }

    /** Wraps (does not copy) a long array. */
    public static CpuStorage wrap(Backend backend, long[] a) { return new CpuStorage(backend, null, null, a, null, Kind.I64, false); }

    /** Wraps (does not copy) a byte array of 0/1 as BOOL. */
    public static CpuStorage wrapBool(Backend backend, byte[] a) { return new CpuStorage(backend, null, null, null, a, Kind.BOOL, false); }

    @Override public Kind kind() { return kind; }

    @Override public Backend backend() { return backend; }

    @Override public int size() {
        return switch (kind) {
            case F32 -> f.length;
            case F64 -> d.length;
            case I64 -> l.length;
            case BOOL -> b.length;
        };
    }

    /** The float array (F32 only), its elements as written. */
    public float[] floats() { return f(); }

    /** The float array (F32 only), written first if a zero fill is pending: every read and every partial write goes through here. */
    float[] f() {
        if (zeroPending) zeroNow();
        return f;
    }

    /**
     * The float array (F32 only) for a caller that writes every element before it reads any (a GEMM with beta = 0 over
     * the whole storage): a pending zero fill is dropped, not written.
     */
    float[] fOverwritten() {
        zeroPending = false;
        return f;
    }

    /**
     * Zeroes the whole storage, now or (a float storage of at least {@link #ZERO_LATER_MIN} elements that the library
     * made) on its first use through {@link #f()}.
     */
    void zero() {
        if (kind == Kind.F32 && own && f.length >= ZERO_LATER_MIN) zeroPending = true;
        else if (kind == Kind.F32) java.util.Arrays.fill(f, 0f);
        else for (int i = 0, n = size(); i < n; i++) set(i, 0);
    }

    /** Whether a zero fill is pending (for tests). */
    boolean zeroPending() { return zeroPending; }

    /** Writes a pending fill; two threads may ask at once, and a thread that finds it written must see the zeros. */
    private synchronized void zeroNow() {
        if (zeroPending) {
            java.util.Arrays.fill(f, 0f);
            zeroPending = false;
        }
    }

    /** The double array (F64 only). */
    public double[] doubles() { return d; }

    /** The long array (I64 only). */
    public long[] longs() { return l; }

    /** The byte array (BOOL only). */
    public byte[] bools() { return b; }

    /** The pinned copy of the elements, or null when this storage is not pinned. */
    public HostPin pinned() { return pinned; }

    /** Attaches the pinned copy a device backend made of this new storage's elements, once. */
    public synchronized void pin(HostPin p) {
        if (pinned != null) throw new IllegalStateException("storage already pinned");
        pinned = p;
    }

    /** Detaches the pinned copy and returns it (to be ended by the caller), or null when not pinned. */
    public synchronized HostPin unpin() {
        HostPin p = pinned;
        pinned = null;
        return p;
    }

    /** Refuses further use and returns the pinned block, if any, to its cache. */
    @Override public void close() {
        super.close();
        HostPin p = unpin();
        if (p != null) p.run();
    }

    /** The backing array: float[], double[], long[] or byte[] by kind. */
    Object array() {
        return switch (kind) {
            case F32 -> f();
            case F64 -> d;
            case I64 -> l;
            case BOOL -> b;
        };
    }

    double get(int i) {
        return switch (kind) {
            case F32 -> f()[i];
            case F64 -> d[i];
            case I64 -> l[i];
            case BOOL -> b[i];
        };
    }

    void set(int i, double v) {
        switch (kind) {
            case F32 -> f()[i] = (float) v;
            case F64 -> d[i] = v;
            case I64 -> l[i] = (long) v;
            case BOOL -> b[i] = (byte) (v != 0 ? 1 : 0);
        }
    }
}
