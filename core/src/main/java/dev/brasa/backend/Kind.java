package dev.brasa.backend;

/** Element kinds a backend stores. {@code dev.brasa.DType} maps one to one onto these. */
public enum Kind {
    /** 32-bit IEEE float. */ F32(4),
    /** 64-bit IEEE float. */ F64(8),
    /** 64-bit signed integer. */ I64(8),
    /** boolean, one byte per element. */ BOOL(1);

    private final int bytes;

    Kind(int bytes) { this.bytes = bytes; }

    /** Bytes per element. */
    public int bytes() { return bytes; }

    /** True for F32 and F64. */
    public boolean isFloating() { return this == F32 || this == F64; }
}
