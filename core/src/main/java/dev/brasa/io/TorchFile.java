package dev.brasa.io;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.internal.TensorAccess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * PyTorch's own checkpoint files, the zip format {@code torch.save} writes since PyTorch 1.6
 * ({@code .pt}, {@code .pth}, {@code .tar}, {@code .bin}), read and written without running a
 * pickle.
 *
 * <p>Reading works as {@code torch.load(f, weights_only=True, map_location="cpu")}: a restricted
 * unpickler rebuilds tensors, storages and plain containers and refuses every other global by name.
 * Tensors that share a storage in the file share one storage in Brasa (views, strides and offsets
 * kept). float16 and bfloat16 are read into FLOAT32, int32/int16/int8/uint8 into INT64, both
 * exactly; big-endian files (a {@code byteorder} record of "big") are swapped. Every size, offset and
 * element count is checked against the file before anything is allocated.
 *
 * <p>Writing produces what {@code torch.save} produces (pickle protocol 2, one stored record per
 * storage, 64-byte aligned), atomically like every Brasa write, so {@code torch.load(f,
 * weights_only=True)} reads back the same values, dtypes, shapes and key order; tensors that share a
 * storage in Brasa share one in the file.
 *
 * <pre>{@code
 * Map<String, Tensor> sd = TorchFile.loadStateDict(Path.of("cifar-model.pth"));  // torch.load(f)
 * model.loadStateDict(sd);
 * TorchFile.saveStateDict(model.stateDict(), Path.of("mi_modelo.tar"));          // torch.save(sd, f)
 * }</pre>
 * {@link Brasa#save} and {@link Brasa#load} pick this format by extension and by the file's bytes.
 */
public final class TorchFile {
    /** Largest data.pkl read (a real one is a few KB per thousand tensors). */
    static final int MAX_PICKLE = 256 << 20;

    private TorchFile() {}

    /** True for the names {@link Brasa#save} writes in PyTorch's format: {@code .pt}, {@code .pth}, {@code .tar}, {@code .bin}. */
    public static boolean isTorchName(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".tar") || n.endsWith(".bin");
    }

    /**
     * True when the file starts as a zip archive does, or as a legacy (pre-1.6) {@code torch.save}
     * file (a pickle whose first value is PyTorch's magic number): what {@link Brasa#load} uses to
     * pick this format over safetensors.
     */
    public static boolean looksLikeTorchFile(Path file) throws IOException {
        byte[] h = head(file);
        return h.length == 4 && (h[0] == 'P' && h[1] == 'K' && (h[2] == 3 && h[3] == 4 || h[2] == 5 && h[3] == 6) || isLegacy(h));
    }

    private static boolean isLegacy(byte[] h) {
        return h.length == 4 && (h[0] & 0xFF) == 0x80 && h[1] >= 2 && h[1] <= 5 && (h[2] & 0xFF) == 0x8a && h[3] == 10;
    }

    private static byte[] head(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            while (b.hasRemaining() && ch.read(b) > 0) { /* fill */ }
            return java.util.Arrays.copyOf(b.array(), b.position());
        }
    }

    /**
     * Reads everything the file holds, as {@code torch.load(f, weights_only=True)}: dicts become
     * {@link LinkedHashMap} (keys {@link String} or {@link Long}), lists {@link ArrayList}, tuples
     * {@code Object[]}, ints {@link Long}, floats {@link Double}, bools {@link Boolean}, None
     * {@code null}, bytes {@code byte[]}, tensors {@link Tensor} on the CPU.
     */
    public static Object read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (isLegacy(head(file))) {
            throw new FileFormatException(file, 0, "a legacy torch.save file (PyTorch < 1.6, not a zip archive); Brasa reads the zip "
                    + "format: convert it once in PyTorch with torch.save(torch.load(old), new) (PyTorch >= 1.6 writes zip)");
        }
        try (ZipReader z = ZipReader.open(file)) {
            String prefix = prefix(z);
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipReader.Entry bo = z.entry(prefix + "byteorder");
            if (bo != null) {
                String s = new String(z.readAll(bo, 16), StandardCharsets.US_ASCII).trim();
                if (s.equals("big")) order = ByteOrder.BIG_ENDIAN;
                else if (!s.equals("little")) throw new FileFormatException(file, bo.headerOffset(), "byteorder record says '" + s + "', not little or big");
            }
            ZipReader.Entry pkl = z.entry(prefix + "data.pkl");
            byte[] pickle = z.readAll(pkl, MAX_PICKLE);
            Loader loader = new Loader(z, prefix, order);
            return new TorchUnpickler(file, z.dataStart(pkl), pickle, loader).load();
        }
    }

    /** The folder every record of the archive sits in ({@code archive/}), found from its data.pkl. */
    private static String prefix(ZipReader z) throws IOException {
        String prefix = null;
        boolean torchScript = false;
        for (ZipReader.Entry e : z.entries()) {
            String n = e.name();
            int slash = n.indexOf('/');
            if (n.endsWith("/data.pkl") && slash == n.length() - "/data.pkl".length()) {
                if (prefix != null) throw new FileFormatException(z.file(), e.headerOffset(), "zip holds two data.pkl records");
                prefix = n.substring(0, slash + 1);
            }
            torchScript |= n.endsWith("/constants.pkl") || n.contains("/code/");
        }
        if (torchScript) {
            throw new FileFormatException(z.file(), 0, "a TorchScript archive (torch.jit.save), not a torch.save file: save the "
                    + "model's state_dict() with torch.save instead");
        }
        if (prefix == null) throw new FileFormatException(z.file(), 0, "zip archive without a <name>/data.pkl record: not a torch.save file");
        return prefix;
    }

    /** Turns persistent ids into storages read from the zip, and storages into tensor views. */
    private static final class Loader implements TorchUnpickler.Storages {
        private final ZipReader z;
        private final String prefix;
        private final ByteOrder order;
        private final Map<String, TorchUnpickler.StorageRef> byKey = new HashMap<>();

        Loader(ZipReader z, String prefix, ByteOrder order) {
            this.z = z;
            this.prefix = prefix;
            this.order = order;
        }

        private FileFormatException error(long at, String msg) { return new FileFormatException(z.file(), at, msg); }

        @Override public TorchUnpickler.StorageRef storage(TorchDType type, String key, String location, long numel) throws IOException {
            TorchUnpickler.StorageRef known = byKey.get(key);
            if (known != null) {
                if (known.type != type || known.numel != numel) {
                    throw error(0, "storage '" + key + "' is named twice with different types or sizes (" + known.type.storageName + " of "
                            + known.numel + ", " + type.storageName + " of " + numel + ")");
                }
                return known;
            }
            ZipReader.Entry e = z.entry(prefix + "data/" + key);
            if (e == null) throw error(0, "storage '" + key + "' has no record " + prefix + "data/" + key);
            long bytes = numel < 0 || Math.multiplyHigh(numel, type.itemSize) != 0 ? -1 : numel * type.itemSize;
            if (bytes != e.size()) {
                throw error(e.headerOffset(), "storage '" + key + "' claims " + numel + " elements of " + type.storageName + " ("
                        + (bytes < 0 ? "more than 2^63" : String.valueOf(bytes)) + " bytes) but its record holds " + e.size() + " bytes");
            }
            if (numel > Integer.MAX_VALUE - 8) {
                throw error(e.headerOffset(), "storage '" + key + "' of " + numel + " elements is larger than a Brasa storage (2^31 - 9 elements)");
            }
            TorchUnpickler.StorageRef r = new TorchUnpickler.StorageRef(key, type, numel);
            byKey.put(key, r);
            return r;
        }

        @Override public Tensor view(TorchUnpickler.StorageRef s, long offset, long[] size, long[] stride) throws IOException {
            String what = "tensor of size " + java.util.Arrays.toString(size) + ", stride " + java.util.Arrays.toString(stride)
                    + " and offset " + offset + " on storage '" + s.key + "' of " + s.numel + " elements";
            if (size.length > 64) throw error(0, what + ": more than 64 dimensions");
            long numel = 1, last = offset;
            for (int i = 0; i < size.length; i++) {
                if (size[i] < 0 || size[i] > Integer.MAX_VALUE || stride[i] < 0 || stride[i] > Integer.MAX_VALUE) {
                    throw error(0, what + ": sizes and strides must lie in [0, 2^31 - 1]");
                }
                numel = Math.multiplyHigh(numel, size[i]) != 0 || numel * size[i] < 0 ? Long.MAX_VALUE : numel * size[i];
            }
            if (numel > Integer.MAX_VALUE - 8) throw error(0, what + ": more elements than a Brasa tensor holds");
            if (offset < 0 || offset > s.numel) throw error(0, what + ": the offset lies outside the storage");
            if (numel > 0) {
                for (int i = 0; i < size.length && last < s.numel; i++) last += (size[i] - 1) * stride[i]; // < 2^31 + 2^62: no overflow
                if (last >= s.numel) throw error(0, what + ": it reaches past the storage's end (a storage shorter than its tensor)");
            }
            if (s.base == null) s.base = readStorage(s);
            int[] sz = new int[size.length], st = new int[size.length];
            for (int i = 0; i < size.length; i++) {
                sz[i] = (int) size[i];
                st[i] = (int) stride[i];
            }
            return TensorAccess.get().asStrided(s.base, sz, st, (int) offset);
        }

        private Tensor readStorage(TorchUnpickler.StorageRef s) throws IOException {
            ZipReader.Entry e = z.entry(prefix + "data/" + s.key);
            int n = (int) s.numel;
            TorchDType t = s.type;
            Object array = switch (t.brasa) {
                case FLOAT32 -> new float[n];
                case FLOAT64 -> new double[n];
                case INT64 -> new long[n];
                case BOOL -> new byte[n];
            };
            int[] at = {0};
            z.read(e, chunk -> {
                ByteBuffer b = chunk.order(order);
                int k = b.remaining() / t.itemSize;
                int i0 = at[0];
                switch (t) {
                    case FLOAT -> b.asFloatBuffer().get((float[]) array, i0, k);
                    case DOUBLE -> b.asDoubleBuffer().get((double[]) array, i0, k);
                    case LONG -> b.asLongBuffer().get((long[]) array, i0, k);
                    case HALF -> { float[] a = (float[]) array; for (int i = 0; i < k; i++) a[i0 + i] = Float.float16ToFloat(b.getShort()); }
                    case BFLOAT16 -> { float[] a = (float[]) array; for (int i = 0; i < k; i++) a[i0 + i] = Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16); }
                    case INT -> { long[] a = (long[]) array; for (int i = 0; i < k; i++) a[i0 + i] = b.getInt(); }
                    case SHORT -> { long[] a = (long[]) array; for (int i = 0; i < k; i++) a[i0 + i] = b.getShort(); }
                    case CHAR -> { long[] a = (long[]) array; for (int i = 0; i < k; i++) a[i0 + i] = b.get(); }
                    case BYTE -> { long[] a = (long[]) array; for (int i = 0; i < k; i++) a[i0 + i] = b.get() & 0xFF; }
                    case BOOL -> { byte[] a = (byte[]) array; for (int i = 0; i < k; i++) a[i0 + i] = (byte) (b.get() != 0 ? 1 : 0); }
                }
                at[0] += k;
            });
            return Brasa.fromArray(array, n);
        }
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes value as {@code torch.save(value, f)} would, atomically. Maps, lists, {@code Object[]}
     * (tuples), strings, numbers, booleans, null, {@code byte[]} and tensors may be nested; a map of
     * string keys to tensors is written as the {@code OrderedDict} a {@code state_dict()} is.
     */
    public static void write(Object value, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Map<Object, TorchPickler.StorageId> ids = new IdentityHashMap<>();
        List<Tensor> order = new ArrayList<>();
        TensorAccess door = TensorAccess.get();
        byte[] pickle = new TorchPickler(t -> {
            if (t.isClosed()) throw new IllegalArgumentException("a closed tensor cannot be saved");
            Object s = door.storageOf(t);
            return ids.computeIfAbsent(s, k -> {
                int n = door.storageSize(t);
                Tensor base = door.asStrided(t, new int[] {n}, new int[] {1}, 0);
                order.add(base);
                return new TorchPickler.StorageId(String.valueOf(order.size() - 1), TorchDType.of(t.dtype()), n);
            });
        }).pickle(value);
        AtomicWrite.write(file, ch -> {
            ZipWriter zw = new ZipWriter(ch);
            zw.add("archive/data.pkl", pickle);
            zw.add("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < order.size(); i++) {
                Tensor base = order.get(i);
                zw.add("archive/data/" + i, (long) base.numel() * base.dtype().itemSize(), storageBytes(base));
            }
            zw.add("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            zw.finish();
        });
    }

    /**
     * The little-endian bytes of a whole storage (a 1-d view of it), a window at a time. The storage is
     * copied to the host once, here, though the zip writer reads the content twice (CRC, then bytes).
     */
    private static ZipWriter.Content storageBytes(Tensor base) {
        Object data = switch (base.dtype()) {
            case FLOAT32 -> base.toFloatArray();
            case FLOAT64 -> base.toDoubleArray();
            case INT64 -> base.toLongArray();
            case BOOL -> base.toBooleanArray();
        };
        return sink -> {
            int item = base.dtype().itemSize(), n = (int) base.numel(), window = (1 << 20) / 8;
            ByteBuffer b = ByteBuffer.allocate(window * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i += window) {
                int k = Math.min(window, n - i);
                b.clear();
                switch (data) {
                    case float[] a -> b.asFloatBuffer().put(a, i, k);
                    case double[] a -> b.asDoubleBuffer().put(a, i, k);
                    case long[] a -> b.asLongBuffer().put(a, i, k);
                    case boolean[] a -> { for (int j = 0; j < k; j++) b.put(j, (byte) (a[i + j] ? 1 : 0)); }
                    default -> throw new IllegalStateException();
                }
                sink.accept(b.position(0).limit(k * item));
            }
        };
    }

    // ------------------------------------------------------------------ state dicts

    /**
     * Reads a file and flattens it into a state dict ({@code torch.load(f)} for the common case):
     * nested dicts, lists and tuples give dotted keys, numbers and booleans become 0-d tensors
     * (INT64, FLOAT64, BOOL); strings, bytes and None are left out. An optimizer's state dict
     * ({@code state} and {@code param_groups}) comes back in the form
     * {@link dev.brasa.optim.Optimizer#loadStateDict} takes.
     */
    public static Map<String, Tensor> loadStateDict(Path file) throws IOException {
        Object v = read(file);
        if (!(v instanceof Map<?, ?> m)) {
            throw new FileFormatException(file, 0, "holds a " + TorchUnpickler.typeName(v) + ", not a dict of tensors; TorchFile.read returns it as it is");
        }
        if (TorchOptimizerState.isTorchOptimizer(m)) return TorchOptimizerState.fromTorch(m, file);
        return flatten(m, file);
    }

    /** {@link #flatten(String, Object, Map, int)} from the top, a value too deep (or holding itself) a format error of file. */
    static Map<String, Tensor> flatten(Object v, Path file) throws FileFormatException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try {
            flatten("", v, out, 0);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, 0, e.getMessage());
        }
        return out;
    }

    /** Adds the tensors of v under dotted keys starting with prefix. */
    static void flatten(String prefix, Object v, Map<String, Tensor> out, int depth) {
        if (depth > TorchPickler.MAX_DEPTH) throw new IllegalArgumentException("values nested deeper than " + TorchPickler.MAX_DEPTH + " at '" + prefix + "'");
        String p = prefix.isEmpty() ? "" : prefix + ".";
        switch (v) {
            case Tensor t -> out.put(prefix, t);
            case Map<?, ?> m -> { for (var e : m.entrySet()) flatten(p + e.getKey(), e.getValue(), out, depth + 1); }
            case List<?> l -> { for (int i = 0; i < l.size(); i++) flatten(p + i, l.get(i), out, depth + 1); }
            case Object[] t -> { for (int i = 0; i < t.length; i++) flatten(p + i, t[i], out, depth + 1); }
            case Long l -> out.put(prefix, Brasa.fromArray(new long[] {l}));
            case Double d -> out.put(prefix, Brasa.fromArray(new double[] {d}));
            case Boolean b -> out.put(prefix, Brasa.fromArray(new byte[] {(byte) (b ? 1 : 0)}));
            case null, default -> { /* strings, bytes, None, sets: not tensors */ }
        }
    }

    /**
     * Writes a state dict as {@code torch.save(sd, f)}: a model's as an {@code OrderedDict} of
     * tensors; an optimizer's ({@link dev.brasa.optim.Optimizer#stateDict}: keys {@code state.*}
     * and {@code param_groups.*}) nested as PyTorch's {@code optimizer.state_dict()} is, so that
     * {@code opt.load_state_dict(torch.load(f))} works in PyTorch.
     */
    public static void saveStateDict(Map<String, Tensor> stateDict, Path file) throws IOException {
        Objects.requireNonNull(stateDict, "state dict");
        for (var e : stateDict.entrySet()) {
            Objects.requireNonNull(e.getKey(), "state dict key");
            Objects.requireNonNull(e.getValue(), "tensor " + e.getKey());
        }
        write(TorchOptimizerState.isBrasaOptimizer(stateDict) ? TorchOptimizerState.toTorch(stateDict) : new LinkedHashMap<>(stateDict), file);
    }

}
