package dev.brasa.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Plain-data Python pickles ({@code pickle.load} of data files such as CIFAR-10's python batches):
 * the same restricted reader as {@link TorchFile} (no object is constructed, no function called but
 * an allowlist of container and array rebuilders), plus numpy arrays of numbers, which come back as
 * {@link NumpyArray}. Python 2 pickles work: their byte strings become Latin-1 {@code String}s (so
 * {@code b'data'} keys read as {@code "data"}).
 *
 * <pre>{@code
 * Map<?, ?> batch = (Map<?, ?>) Pickle.read(dir.resolve("data_batch_1"));
 * Pickle.NumpyArray images = (Pickle.NumpyArray) batch.get("data");   // uint8 [10000, 3072]
 * }</pre>
 */
public final class Pickle {
    /** Largest pickle read (the whole file is read into memory). */
    public static final long MAX_BYTES = 1L << 30;

    private Pickle() {}

    /** The value the pickle in file holds: dict, list, tuple (Object[]), str, int (Long), float, bytes, numpy arrays. */
    public static Object read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) throw new FileFormatException(file, 0, "pickle of " + size + " bytes is larger than the " + MAX_BYTES + " read");
        return new TorchUnpickler(file, 0, Files.readAllBytes(file), null, true).loadResolved();
    }

    /**
     * A numpy array as pickled: its dtype code without byte order ({@code "u1"}, {@code "i8"},
     * {@code "f4"}, {@code "b1"}), byte order {@code '<'} or {@code '>'}, shape, memory order and raw
     * bytes.
     *
     * @param dtype the dtype code, e.g. "u1"
     * @param byteOrder '<' little-endian (or single bytes), '>' big-endian
     * @param shape the dimensions
     * @param fortran true for column-major data
     * @param data the raw element bytes
     */
    public record NumpyArray(String dtype, char byteOrder, int[] shape, boolean fortran, byte[] data) {
        /** Bytes per element of a dtype code read here, or -1 for one that is not. */
        static int itemSize(String code) {
            String c = code.replaceAll("^[<>|=]", "");
            return switch (c) {
                case "u1", "i1", "b1" -> 1;
                case "u2", "i2", "f2" -> 2;
                case "u4", "i4", "f4" -> 4;
                case "u8", "i8", "f8" -> 8;
                default -> -1;
            };
        }

        /** The number of elements. */
        public int size() {
            long n = 1;
            for (int d : shape) n *= d;
            return (int) n;
        }

        /** Every element as a long (integers and bools; row-major order unless {@link #fortran}). */
        public long[] toLongArray() {
            if (dtype.startsWith("f")) throw new IllegalStateException("a " + dtype + " array is not integral; use toDoubleArray()");
            ByteBuffer b = ByteBuffer.wrap(data).order(byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            long[] r = new long[size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = switch (dtype) {
                    case "u1", "b1" -> b.get() & 0xFFL;
                    case "i1" -> b.get();
                    case "u2" -> b.getShort() & 0xFFFFL;
                    case "i2" -> b.getShort();
                    case "u4" -> b.getInt() & 0xFFFFFFFFL;
                    case "i4" -> b.getInt();
                    default -> b.getLong();
                };
            }
            return r;
        }

        /** Every element as a double. */
        public double[] toDoubleArray() {
            if (!dtype.startsWith("f")) {
                long[] l = toLongArray();
                double[] r = new double[l.length];
                for (int i = 0; i < l.length; i++) r[i] = dtype.equals("u8") && l[i] < 0 ? (l[i] >>> 1) * 2.0 + (l[i] & 1) : l[i];
                return r;
            }
            ByteBuffer b = ByteBuffer.wrap(data).order(byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            double[] r = new double[size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = switch (dtype) {
                    case "f2" -> Float.float16ToFloat(b.getShort());
                    case "f4" -> b.getFloat();
                    default -> b.getDouble();
                };
            }
            return r;
        }
    }
}
