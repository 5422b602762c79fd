package dev.brasa.io;

import dev.brasa.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes {@code data.pkl} as {@code torch.save} does: pickle protocol 2, tensors as
 * {@code torch._utils._rebuild_tensor_v2} over persistent storage ids, state dicts as
 * {@code collections.OrderedDict}; so PyTorch's weights-only unpickler accepts it.
 *
 * <p>Java values map to Python's: {@link Map} dict (an OrderedDict when every key is a string and
 * every value a tensor, as a state dict), {@link List} list, {@code Object[]} tuple, {@link String}
 * str, {@link Long}/{@link Integer} int, {@link Double}/{@link Float} float, {@link Boolean} bool,
 * {@code null} None, {@code byte[]} bytes, {@link Tensor} tensor.
 */
final class TorchPickler {
    /** Deepest nesting written (also stops a container that holds itself). */
    static final int MAX_DEPTH = 100;

    /** What the pickler needs to know of a tensor's storage. */
    record StorageId(String key, TorchDType type, int numel) {}

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Function<Tensor, StorageId> storages;
    private final Map<String, Integer> globals = new HashMap<>();
    private int memo;

    /** storages gives each tensor's storage key (the same key for tensors that share a storage). */
    TorchPickler(Function<Tensor, StorageId> storages) { this.storages = storages; }

    /** The whole pickle of value. */
    byte[] pickle(Object value) {
        out.write(0x80);
        out.write(2);
        write(value, 0);
        out.write('.');
        return out.toByteArray();
    }

    private void write(Object v, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("values nested deeper than " + MAX_DEPTH + " (or a container that holds itself) cannot be saved");
        switch (v) {
            case null -> out.write('N');
            case Boolean b -> out.write(b ? 0x88 : 0x89);
            case Long l -> integer(l);
            case Integer i -> integer(i);
            case Short s -> integer(s);
            case Byte b -> integer(b);
            case Double d -> real(d);
            case Float f -> real(f);
            case String s -> string(s);
            case byte[] b -> {
                global("_codecs", "encode");
                string(new String(b, StandardCharsets.ISO_8859_1));
                string("latin1");
                out.write(0x86); // TUPLE2
                out.write('R');
            }
            case Tensor t -> tensor(t);
            case Object[] t -> tuple(Arrays.asList(t), depth);
            case List<?> l -> {
                out.write(']');
                batched(l, depth, false);
            }
            case Map<?, ?> m -> dict(m, depth);
            default -> throw new IllegalArgumentException("a " + v.getClass().getName() + " cannot be saved in a torch.save file "
                    + "(tensors, maps, lists, Object[] tuples, strings, numbers, booleans, null and byte[] can)");
        }
    }

    private void dict(Map<?, ?> m, int depth) {
        boolean stateDict = !m.isEmpty();
        for (var e : m.entrySet()) stateDict &= e.getKey() instanceof String && e.getValue() instanceof Tensor;
        if (stateDict) {
            global("collections", "OrderedDict");
            out.write(')');
            out.write('R');
        } else {
            out.write('}');
        }
        for (var e : m.entrySet()) {
            Object k = e.getKey();
            if (!(k == null || k instanceof String || k instanceof Long || k instanceof Integer || k instanceof Boolean
                    || k instanceof Double || k instanceof Float)) {
                throw new IllegalArgumentException("a " + k.getClass().getName() + " key cannot be saved (strings, numbers, booleans and null can)");
            }
        }
        batched(m.entrySet(), depth, true);
    }

    /**
     * Items as Python's (C) pickler writes them: a container of one item as the item then APPEND
     * (SETITEM); otherwise batches of up to 1000, each MARK, the items, APPENDS (SETITEMS). The items
     * of a dict are its entries, each written as key and value.
     */
    private void batched(Collection<?> items, int depth, boolean dict) {
        int n = 0;
        for (Object o : items) {
            if (items.size() > 1 && n % 1000 == 0) out.write('(');
            if (dict) {
                Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
                write(e.getKey(), depth + 1);
                write(e.getValue(), depth + 1);
            } else {
                write(o, depth + 1);
            }
            n++;
            if (items.size() == 1) out.write(dict ? 's' : 'a');
            else if (n % 1000 == 0 || n == items.size()) out.write(dict ? 'u' : 'e');
        }
    }

    private void tuple(List<?> items, int depth) {
        switch (items.size()) {
            case 0 -> out.write(')');
            case 1, 2, 3 -> {
                for (Object o : items) write(o, depth + 1);
                out.write(0x84 + items.size()); // TUPLE1..3
            }
            default -> {
                out.write('(');
                for (Object o : items) write(o, depth + 1);
                out.write('t');
            }
        }
    }

    private void tensor(Tensor t) {
        StorageId s = storages.apply(t);
        global("torch._utils", "_rebuild_tensor_v2");
        out.write('(');
        out.write('(');
        string("storage");
        global("torch", s.type().storageName);
        string(s.key());
        string("cpu");
        integer(s.numel());
        out.write('t');
        out.write('Q'); // BINPERSID
        integer(t.storageOffset());
        Object[] size = new Object[t.dim()], stride = new Object[t.dim()];
        int[] sh = t.shape(), st = t.stride();
        for (int i = 0; i < sh.length; i++) {
            size[i] = (long) sh[i];
            stride[i] = (long) st[i];
        }
        tuple(List.of(size), 0);
        tuple(List.of(stride), 0);
        out.write(0x89); // requires_grad False, as state_dict() tensors
        global("collections", "OrderedDict");
        out.write(')');
        out.write('R');
        out.write('t');
        out.write('R');
    }

    /** A GLOBAL the first time (memoised), a BINGET after. */
    private void global(String module, String name) {
        Integer at = globals.get(module + "\n" + name);
        if (at != null) {
            get(at);
            return;
        }
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        int k = memo++;
        globals.put(module + "\n" + name, k);
        if (k < 256) {
            out.write('q');
            out.write(k);
        } else {
            out.write('r');
            int32(k);
        }
    }

    private void get(int k) {
        if (k < 256) {
            out.write('h');
            out.write(k);
        } else {
            out.write('j');
            int32(k);
        }
    }

    private void integer(long v) {
        if (v >= 0 && v < 256) {
            out.write('K');
            out.write((int) v);
        } else if (v >= 0 && v < 65536) {
            out.write('M');
            out.write((int) v & 0xFF);
            out.write((int) (v >>> 8) & 0xFF);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J');
            int32((int) v);
        } else {
            out.write(0x8a); // LONG1: little-endian two's complement, 8 bytes is always enough
            out.write(8);
            for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)) & 0xFF);
        }
    }

    private void real(double d) {
        out.write('G');
        long bits = Double.doubleToRawLongBits(d);
        for (int i = 7; i >= 0; i--) out.write((int) (bits >>> (8 * i)) & 0xFF);
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        int32(b.length);
        out.writeBytes(b);
    }

    private void int32(int v) {
        for (int i = 0; i < 4; i++) out.write((v >>> (8 * i)) & 0xFF);
    }
}
