package dev.brasa;

import dev.brasa.backend.Kind;

/** Element types of a {@link Tensor}. FLOAT32 is the default; FLOAT64 exists on the CPU for gradient checks. */
public enum DType {
    /** 32-bit float ({@code torch.float32}), the default. */
    FLOAT32(Kind.F32, "torch.float32", "FloatTensor"),
    /** 64-bit float ({@code torch.float64}). */
    FLOAT64(Kind.F64, "torch.float64", "DoubleTensor"),
    /** 64-bit integer ({@code torch.int64}): class labels and indices. */
    INT64(Kind.I64, "torch.int64", "LongTensor"),
    /** boolean ({@code torch.bool}): comparison results and masks. */
    BOOL(Kind.BOOL, "torch.bool", "BoolTensor");

    final Kind kind;
    private final String torchName;
    final String typeName;

    DType(Kind kind, String torchName, String typeName) {
        this.kind = kind;
        this.torchName = torchName;
        this.typeName = typeName;
    }

    /** True for FLOAT32 and FLOAT64. */
    public boolean isFloatingPoint() { return kind.isFloating(); }

    /** PyTorch's name, e.g. {@code torch.float32}. */
    public String torchName() { return torchName; }

    /** Bytes per element. */
    public int itemSize() { return kind.bytes(); }

    static DType of(Kind k) {
        return switch (k) {
            case F32 -> FLOAT32;
            case F64 -> FLOAT64;
            case I64 -> INT64;
            case BOOL -> BOOL;
        };
    }

    /** The result type of a binary op ({@code torch.promote_types}): the wider category, then the wider type (bool < int64 < float32 < float64). */
    public static DType promote(DType a, DType b) { return a.ordinalRank() >= b.ordinalRank() ? a : b; }

    private int ordinalRank() {
        return switch (this) {
            case BOOL -> 0;
            case INT64 -> 1;
            case FLOAT32 -> 2;
            case FLOAT64 -> 3;
        };
    }
}
