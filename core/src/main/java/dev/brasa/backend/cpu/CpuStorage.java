package dev.brasa.backend.cpu;

import dev.brasa.backend.Backend;
import dev.brasa.backend.Kind;
import dev.brasa.backend.Storage;
import dev.brasa.backend.HostPin;

/** CPU storage: one Java array of the element kind (BOOL as bytes 0/1). */
public final class CpuStorage extends Storage {
    final Kind kind;
    final Backend backend;
    /** Exactly one of these is non-null, matching {@link #kind}. */
    final float[] f;
    final double[] d;
    final long[] l;
    final byte[] b;
    /** The pinned copy of the elements ({@code pin_memory()}), or null. */
    private volatile HostPin pinned;

    CpuStorage(Backend backend, Kind kind, int n) {
        this.backend = backend;
        this.kind = kind;
        this.f = kind == Kind.F32 ? new float[n] : null;
        this.d = kind == Kind.F64 ? new double[n] : null;
        this.l = kind == Kind.I64 ? new long[n] : null;
        this.b = kind == Kind.BOOL ? new byte[n] : null;
    }

    private CpuStorage(Backend backend, float[] f, double[] d, long[] l, byte[] b, Kind kind) {
        this.backend = backend;
        this.kind = kind;
        this.f = f;
        this.d = d;
        this.l = l;
        this.b = b;
    }

    /** A float32 storage of n elements whose every element the caller writes before reading ({@link UnsetArrays}). */
    static CpuStorage unsetFloats(Backend backend, int n) { return wrap(backend, UnsetArrays.floats(n)); }

    /** Wraps (does not copy) a float array. */
    public static CpuStorage wrap(Backend backend, float[] a) { return new CpuStorage(backend, a, null, null, null, Kind.F32); }

    /** Wraps (does not copy) a double array. */
    public static CpuStorage wrap(Backend backend, double[] a) { return new CpuStorage(backend, null, a, null, null, Kind.F64); }

    /** Wraps (does not copy) a long array. */
    public static CpuStorage wrap(Backend backend, long[] a) { return new CpuStorage(backend, null, null, a, null, Kind.I64); }

    /** Wraps (does not copy) a byte array of 0/1 as BOOL. */
    public static CpuStorage wrapBool(Backend backend, byte[] a) { return new CpuStorage(backend, null, null, null, a, Kind.BOOL); }

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

    /** The float array (F32 only). */
    public float[] floats() { return f; }

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
            case F32 -> f;
            case F64 -> d;
            case I64 -> l;
            case BOOL -> b;
        };
    }

    double get(int i) {
        return switch (kind) {
            case F32 -> f[i];
            case F64 -> d[i];
            case I64 -> l[i];
            case BOOL -> b[i];
        };
    }

    void set(int i, double v) {
        switch (kind) {
            case F32 -> f[i] = (float) v;
            case F64 -> d[i] = v;
            case I64 -> l[i] = (long) v;
            case BOOL -> b[i] = (byte) (v != 0 ? 1 : 0);
        }
    }
}
