package dev.brasa.io;

import dev.brasa.Brasa;
import dev.brasa.DType;
import dev.brasa.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * State dicts as safetensors files: an 8-byte little-endian header length, a JSON header
 * ({@code {"__metadata__":{"format":"pt"}, "fc1.weight":{"dtype":"F32","shape":[100,784],
 * "data_offsets":[0,313600]}, ...}}), then the raw little-endian data. The same files PyTorch's
 * {@code safetensors.torch.save_file}/{@code load_file} use, so weights move both ways.
 *
 * <p>Writes are atomic: a temporary file in the same folder, fsync, rename over the target, fsync
 * of the folder; a failed write leaves any previous file intact. Reads check every size and
 * offset against the file before allocating, so a hostile header cannot exhaust memory.
 */
public final class Safetensors {
    /** Headers larger than this are refused (safetensors' own limit is 100 MB). */
    static final long MAX_HEADER = 100L << 20;

    private Safetensors() {}

    /** Writes tensors with {@code {"format":"pt"}} metadata. */
    public static void save(Map<String, Tensor> tensors, Path file) throws IOException {
        save(tensors, Map.of("format", "pt"), file);
    }

    /** Writes tensors with the given string metadata. */
    public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path file) throws IOException {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(file, "file");
        StringBuilder h = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            h.append("\"__metadata__\":{");
            boolean first = true;
            for (var e : metadata.entrySet()) {
                h.append(first ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                first = false;
            }
            h.append('}');
        }
        long offset = 0;
        Map<String, byte[]> data = new LinkedHashMap<>();
        for (var e : tensors.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "tensor name");
            Tensor t = Objects.requireNonNull(e.getValue(), "tensor " + name);
            if (name.equals("__metadata__")) throw new IllegalArgumentException("'__metadata__' is reserved in safetensors");
            byte[] bytes = bytes(t);
            data.put(name, bytes);
            h.append(h.length() > 1 ? "," : "").append(Json.quote(name)).append(":{\"dtype\":\"").append(code(t.dtype()))
                    .append("\",\"shape\":").append(java.util.Arrays.toString(t.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes.length).append("]}");
            offset += bytes.length;
        }
        h.append('}');
        byte[] raw = h.toString().getBytes(StandardCharsets.UTF_8);
        byte[] header = java.util.Arrays.copyOf(raw, (raw.length + 7) / 8 * 8);
        java.util.Arrays.fill(header, raw.length, header.length, (byte) ' ');
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
        AtomicWrite.write(file, ch -> {
            ch.write(len);
            ch.write(ByteBuffer.wrap(header));
            for (byte[] b : data.values()) ch.write(ByteBuffer.wrap(b));
        });
    }

    private static String code(DType d) {
        return switch (d) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT64 -> "I64";
            case BOOL -> "BOOL";
        };
    }

    private static byte[] bytes(Tensor t) {
        int n = (int) t.numel();
        ByteBuffer b = ByteBuffer.allocate(n * t.dtype().itemSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> b.asFloatBuffer().put(t.toFloatArray());
            case FLOAT64 -> b.asDoubleBuffer().put(t.toDoubleArray());
            case INT64 -> b.asLongBuffer().put(t.toLongArray());
            case BOOL -> {
                boolean[] v = t.toBooleanArray();
                for (boolean x : v) b.put((byte) (x ? 1 : 0));
            }
        }
        return b.array();
    }

    /** Reads every tensor, in the header's order. */
    public static Map<String, Tensor> load(Path file) throws IOException {
        return read(file).tensors();
    }

    /** The tensors and the metadata of a file. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** Reads tensors and metadata; F16 and BF16 become FLOAT32, I32/I16/I8/U8 become INT64. */
    public static Contents read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new FileFormatException(file, 0, "file of " + size + " bytes is too short for a safetensors header");
            ByteBuffer lb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lb, 0, file);
            long n = lb.flip().getLong();
            if (n < 2 || n > MAX_HEADER || n > size - 8) {
                throw new FileFormatException(file, 0, "header length " + n + " is impossible for a file of " + size + " bytes");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8, file);
            String json;
            try {
                json = StandardCharsets.UTF_8.newDecoder().decode(hb.flip()).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new FileFormatException(file, 8, "header is not valid UTF-8");
            }
            if (!(Json.parse(json, file, 8) instanceof Map<?, ?> header)) {
                throw new FileFormatException(file, 8, "header is not a JSON object");
            }
            long dataStart = 8 + n, dataLen = size - dataStart;
            checkNoOverlap(header, file);
            Map<String, Tensor> out = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            for (var e : header.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals("__metadata__")) {
                    if (!(e.getValue() instanceof Map<?, ?> m)) throw new FileFormatException(file, 8, "__metadata__ is not an object");
                    for (var me : m.entrySet()) {
                        if (!(me.getValue() instanceof String sv)) {
                            throw new FileFormatException(file, 8, "__metadata__ value for '" + me.getKey() + "' is not a string");
                        }
                        meta.put((String) me.getKey(), sv);
                    }
                    continue;
                }
                out.put(name, tensor(ch, file, name, e.getValue(), dataStart, dataLen));
            }
            return new Contents(out, meta);
        }
    }

    /** Two tensors may not claim the same bytes (safetensors' own rule); empty ones take none. */
    private static void checkNoOverlap(Map<?, ?> header, Path file) throws FileFormatException {
        List<Object[]> ranges = new java.util.ArrayList<>();
        for (var e : header.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m && m.get("data_offsets") instanceof List<?> o && o.size() == 2
                    && o.get(0) instanceof Long b && o.get(1) instanceof Long en && en > b) {
                ranges.add(new Object[] {e.getKey(), b, en});
            }
        }
        ranges.sort(java.util.Comparator.comparingLong(r -> (Long) r[1]));
        for (int i = 1; i < ranges.size(); i++) {
            Object[] a = ranges.get(i - 1), b = ranges.get(i);
            if ((Long) b[1] < (Long) a[2]) {
                throw new FileFormatException(file, 8, "entries '" + a[0] + "' and '" + b[0] + "' overlap: data_offsets [" + a[1] + ", "
                        + a[2] + "] and [" + b[1] + ", " + b[2] + "]");
            }
        }
    }

    private static Tensor tensor(FileChannel ch, Path file, String name, Object spec, long dataStart, long dataLen)
            throws IOException {
        if (!(spec instanceof Map<?, ?> m)) throw new FileFormatException(file, 8, "entry '" + name + "' is not an object");
        if (!(m.get("dtype") instanceof String dtype)) throw new FileFormatException(file, 8, "entry '" + name + "' has no dtype");
        if (!(m.get("shape") instanceof List<?> shapeL)) throw new FileFormatException(file, 8, "entry '" + name + "' has no shape");
        if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2
                || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end)) {
            throw new FileFormatException(file, 8, "entry '" + name + "' has no [begin, end] data_offsets");
        }
        int[] shape = new int[shapeL.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeL.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new FileFormatException(file, 8, "entry '" + name + "' has an invalid shape " + shapeL);
            }
            shape[i] = (int) (long) d;
            numel = Math.multiplyHigh(numel, d) != 0 ? Long.MAX_VALUE : numel * d;
        }
        int item = switch (dtype) {
            case "F32", "I32" -> 4;
            case "F64", "I64" -> 8;
            case "F16", "BF16", "I16" -> 2;
            case "BOOL", "U8", "I8" -> 1;
            default -> throw new FileFormatException(file, 8, "entry '" + name + "' has unsupported dtype " + dtype);
        };
        if (begin < 0 || end < begin || end > dataLen) {
            throw new FileFormatException(file, dataStart + Math.max(0, begin), "entry '" + name + "' data_offsets [" + begin
                    + ", " + end + "] fall outside the " + dataLen + " data bytes");
        }
        if (numel > Integer.MAX_VALUE - 8 || numel * item != end - begin) {
            throw new FileFormatException(file, dataStart + begin, "entry '" + name + "' of shape " + shapeL + " and dtype "
                    + dtype + " needs " + (numel > Integer.MAX_VALUE ? "too many" : numel * item) + " bytes but has " + (end - begin));
        }
        ByteBuffer b = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, b, dataStart + begin, file);
        b.flip();
        int n = (int) numel;
        return switch (dtype) {
            case "F32" -> {
                float[] v = new float[n];
                b.asFloatBuffer().get(v);
                yield Brasa.fromArray(v, shape);
            }
            case "F64" -> {
                double[] v = new double[n];
                b.asDoubleBuffer().get(v);
                yield Brasa.fromArray(v, shape);
            }
            case "I64" -> {
                long[] v = new long[n];
                b.asLongBuffer().get(v);
                yield Brasa.fromArray(v, shape);
            }
            case "BOOL" -> {
                byte[] v = new byte[n];
                b.get(v);
                for (int i = 0; i < n; i++) v[i] = (byte) (v[i] != 0 ? 1 : 0);
                yield Brasa.fromArray(v, shape);
            }
            case "F16", "BF16" -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    short h = b.getShort();
                    v[i] = dtype.equals("BF16") ? Float.intBitsToFloat((h & 0xFFFF) << 16) : Float.float16ToFloat(h);
                }
                yield Brasa.fromArray(v, shape);
            }
            default -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = switch (dtype) {
                        case "I32" -> b.getInt();
                        case "I16" -> b.getShort();
                        case "I8" -> b.get();
                        default -> b.get() & 0xFF;
                    };
                }
                yield Brasa.fromArray(v, shape);
            }
        };
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos, Path file) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) throw new FileFormatException(file, p, "unexpected end of file");
            p += r;
        }
    }
}
