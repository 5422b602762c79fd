package dev.brasa.io;

import dev.brasa.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * The element types a {@code torch.save} file can hold, by PyTorch's storage class name, and the
 * Brasa dtype each is read into: floats of 16 bits widen exactly to FLOAT32, integers narrower
 * than 64 bits (and uint8) widen exactly to INT64.
 */
enum TorchDType {
    FLOAT("FloatStorage", 4, DType.FLOAT32),
    DOUBLE("DoubleStorage", 8, DType.FLOAT64),
    HALF("HalfStorage", 2, DType.FLOAT32),
    BFLOAT16("BFloat16Storage", 2, DType.FLOAT32),
    LONG("LongStorage", 8, DType.INT64),
    INT("IntStorage", 4, DType.INT64),
    SHORT("ShortStorage", 2, DType.INT64),
    CHAR("CharStorage", 1, DType.INT64),
    BYTE("ByteStorage", 1, DType.INT64),
    BOOL("BoolStorage", 1, DType.BOOL);

    final String storageName;
    final int itemSize;
    final DType brasa;

    TorchDType(String storageName, int itemSize, DType brasa) {
        this.storageName = storageName;
        this.itemSize = itemSize;
        this.brasa = brasa;
    }

    /** The type of a storage class name such as {@code FloatStorage}, or null. */
    static TorchDType ofStorage(String name) {
        for (TorchDType t : values()) if (t.storageName.equals(name)) return t;
        return null;
    }

    /** The type Brasa writes for a dtype (its own: no widening on the way out). */
    static TorchDType of(DType d) {
        return switch (d) {
            case FLOAT32 -> FLOAT;
            case FLOAT64 -> DOUBLE;
            case INT64 -> LONG;
            case BOOL -> BOOL;
        };
    }

    /** PyTorch's dtype names of every type read, for messages. */
    static String names() {
        List<String> n = new ArrayList<>();
        for (TorchDType t : values()) n.add(t.storageName);
        return String.join(", ", n);
    }
}
