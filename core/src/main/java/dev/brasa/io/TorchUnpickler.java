package dev.brasa.io;

import dev.brasa.Tensor;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted unpickler for {@code torch.save}'s {@code data.pkl}, as PyTorch's own
 * {@code torch.load(weights_only=True)}: it runs the pickle opcodes of protocols 1-5 that build
 * data, and the only callables it knows are an allowlist of globals that rebuild tensors, storages
 * and plain containers. Any other global ({@code os.system}, {@code builtins.eval}, a user's class)
 * is refused by name before anything is called; nothing is ever constructed reflectively.
 *
 * <p>Python values become: dict and OrderedDict {@link LinkedHashMap}, list {@link ArrayList},
 * tuple {@code Object[]}, str {@link String}, int {@link Long}, float {@link Double}, bool
 * {@link Boolean}, None {@code null}, bytes {@code byte[]}, set {@link LinkedHashSet}, tensors
 * {@link Tensor}. The memo and the stack are bounded, so a memo or stack bomb fails cleanly.
 */
final class TorchUnpickler {
    /** Where storages come from: the zip's {@code data/<key>} records. */
    interface Storages {
        /** The storage named by a persistent id ('storage', type, key, location, numel), checked against its record. */
        StorageRef storage(TorchDType type, String key, String location, long numel) throws IOException;

        /** The tensor of shape size and strides stride at offset into the storage; every bound checked by the caller. */
        Tensor view(StorageRef storage, long offset, long[] size, long[] stride) throws IOException;
    }

    /** A storage known by its key; the data is read once, when a tensor first needs it. */
    static final class StorageRef {
        final String key;
        final TorchDType type;
        final long numel;
        Tensor base;

        StorageRef(String key, TorchDType type, long numel) {
            this.key = key;
            this.type = type;
            this.numel = numel;
        }
    }

    /** The allowlisted callables and types. */
    private enum Global {
        ORDERED_DICT, REBUILD_TENSOR_V2, REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE, REBUILD_FROM_TYPE_V2,
        CODECS_ENCODE, TORCH_SIZE, TORCH_DEVICE, SET, FROZENSET, BYTES, BYTEARRAY, TENSOR_TYPE, PARAMETER_TYPE,
        NP_RECONSTRUCT, NP_NDARRAY, NP_DTYPE, NP_FROMBUFFER
    }

    private record StorageType(TorchDType dtype) {}

    /** numpy's globals, allowed only when reading plain data pickles ({@link Pickle}). */
    private static final Map<String, Global> NUMPY = Map.of(
            "numpy.core.multiarray._reconstruct", Global.NP_RECONSTRUCT,
            "numpy.ndarray", Global.NP_NDARRAY,
            "numpy.dtype", Global.NP_DTYPE,
            "numpy.core.numeric._frombuffer", Global.NP_FROMBUFFER); // protocol 5's in-band arrays

    /** A numpy dtype being rebuilt: its code ('u1', 'f4', ...) and, after BUILD, its byte order. */
    private static final class NpDType {
        final String code;
        char order = '|';

        NpDType(String code) { this.code = code; }
    }

    /** A numpy array being rebuilt: empty after _reconstruct, filled by BUILD. */
    private static final class NpArray {
        Pickle.NumpyArray value;
    }

    private static final Map<String, Global> ALLOWED = Map.ofEntries(
            Map.entry("collections.OrderedDict", Global.ORDERED_DICT),
            Map.entry("torch._utils._rebuild_tensor_v2", Global.REBUILD_TENSOR_V2),
            Map.entry("torch._utils._rebuild_parameter", Global.REBUILD_PARAMETER),
            Map.entry("torch._utils._rebuild_parameter_with_state", Global.REBUILD_PARAMETER_WITH_STATE),
            Map.entry("torch._tensor._rebuild_from_type_v2", Global.REBUILD_FROM_TYPE_V2),
            Map.entry("_codecs.encode", Global.CODECS_ENCODE),
            Map.entry("torch.Size", Global.TORCH_SIZE),
            Map.entry("torch.device", Global.TORCH_DEVICE),
            Map.entry("builtins.set", Global.SET),
            Map.entry("builtins.frozenset", Global.FROZENSET),
            Map.entry("builtins.bytearray", Global.BYTEARRAY),
            Map.entry("builtins.bytes", Global.BYTES), // bytes() is how protocols 0-2 write b''
            Map.entry("__builtin__.set", Global.SET), // protocol 2 writes Python 3's builtins under their Python 2 names
            Map.entry("__builtin__.frozenset", Global.FROZENSET),
            Map.entry("__builtin__.bytearray", Global.BYTEARRAY),
            Map.entry("__builtin__.bytes", Global.BYTES),
            Map.entry("torch.Tensor", Global.TENSOR_TYPE),
            Map.entry("torch.nn.parameter.Parameter", Global.PARAMETER_TYPE));

    /** Most memo entries and stack items: far beyond any real checkpoint, well below a memory problem. */
    static final int MAX_MEMO = 1 << 21, MAX_STACK = 1 << 21;

    private static final Object MARK = new Object();

    private final Path file;
    private final long base;
    private final ByteBuffer in;
    private final Storages storages;
    private final boolean numpy;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int opAt;

    /**
     * An unpickler over pickle, whose first byte is at offset base of file (for messages), using
     * storages for persistent ids.
     */
    TorchUnpickler(Path file, long base, byte[] pickle, Storages storages) { this(file, base, pickle, storages, false); }

    /** numpy: also rebuild numpy arrays (uint8, int/float of 1-8 bytes) as {@link Pickle.NumpyArray}. */
    TorchUnpickler(Path file, long base, byte[] pickle, Storages storages, boolean numpy) {
        this.file = file;
        this.base = base;
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.storages = storages;
        this.numpy = numpy;
    }

    private FileFormatException error(String msg) {
        return new FileFormatException(file, base + opAt, (numpy ? "pickle: " : "data.pkl: ") + msg);
    }

    /** Runs the pickle to its STOP and returns the value. */
    Object load() throws IOException {
        while (true) {
            opAt = in.position();
            if (!in.hasRemaining()) throw error("pickle ends without a STOP opcode");
            int op = in.get() & 0xFF;
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v > 5) throw error("pickle protocol " + v + " is newer than 5");
                }
                case 0x95 -> i64(); // FRAME: an 8-byte length we do not need
                case 0x2e -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) throw error("STOP with " + stack.size() + " values on the stack");
                    return pop();
                }
                case 0x28 -> { // MARK
                    if (marks.size() >= MAX_STACK) throw error("more than " + MAX_STACK + " marks (a stack bomb)");
                    marks.add(stack.size());
                }
                case 0x30 -> pop(); // POP
                case 0x31 -> popMark(); // POP_MARK
                case 0x32 -> push(peek()); // DUP
                case 0x4e -> push(null); // NONE
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 0x4a -> push((long) i32()); // BININT
                case 0x4b -> push((long) u8()); // BININT1
                case 0x4d -> push((long) u16()); // BININT2
                case 0x8a -> push(longOf(bytes(u8()))); // LONG1
                case 0x8b -> push(longOf(bytes(len(i32())))); // LONG4
                case 0x47 -> { // BINFLOAT, big-endian
                    need(8);
                    push(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));
                }
                case 0x49 -> push(textInt(line())); // INT (protocol 0; I01/I00 are booleans)
                case 0x4c -> push(textLong(line())); // LONG (protocol 0)
                case 0x46 -> push(textFloat(line())); // FLOAT (protocol 0)
                case 0x58 -> push(utf8(bytes(len(i32())))); // BINUNICODE
                case 0x8c -> push(utf8(bytes(u8()))); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(bytes(len(i64())))); // BINUNICODE8
                case 0x55 -> push(latin1(bytes(u8()))); // SHORT_BINSTRING
                case 0x54 -> push(latin1(bytes(len(i32())))); // BINSTRING
                case 0x43 -> push(bytes(u8())); // SHORT_BINBYTES
                case 0x42 -> push(bytes(len(i32()))); // BINBYTES
                case 0x8e, 0x96 -> push(bytes(len(i64()))); // BINBYTES8, BYTEARRAY8
                case 0x7d -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case 0x5d -> push(new ArrayList<>()); // EMPTY_LIST
                case 0x29 -> push(new Object[0]); // EMPTY_TUPLE
                case 0x8f -> push(new LinkedHashSet<>()); // EMPTY_SET
                case 0x64 -> { // DICT
                    List<Object> items = popMark();
                    push(setItems(new LinkedHashMap<>(), items));
                }
                case 0x6c -> push(new ArrayList<>(popMark())); // LIST
                case 0x74 -> push(popMark().toArray()); // TUPLE
                case 0x91 -> push(new LinkedHashSet<>(popMark())); // FROZENSET
                case 0x85 -> push(new Object[] {pop()}); // TUPLE1
                case 0x86 -> { // TUPLE2
                    Object b = pop(), a = pop();
                    push(new Object[] {a, b});
                }
                case 0x87 -> { // TUPLE3
                    Object c = pop(), b = pop(), a = pop();
                    push(new Object[] {a, b, c});
                }
                case 0x61 -> { // APPEND
                    Object v = pop();
                    listAt(peek()).add(v);
                }
                case 0x65 -> { // APPENDS
                    List<Object> items = popMark();
                    listAt(peek()).addAll(items);
                }
                case 0x73 -> { // SETITEM
                    Object v = pop(), k = pop();
                    dictAt(peek()).put(key(k), v);
                }
                case 0x75 -> { // SETITEMS
                    List<Object> items = popMark();
                    setItems(dictAt(peek()), items);
                }
                case 0x90 -> { // ADDITEMS
                    List<Object> items = popMark();
                    if (!(peek() instanceof Set<?>)) throw error("ADDITEMS on a " + typeName(peek()));
                    @SuppressWarnings("unchecked") Set<Object> s = (Set<Object>) peek();
                    s.addAll(items);
                }
                case 0x71 -> memoPut(u8()); // BINPUT
                case 0x72 -> memoPut(i32() & 0xFFFFFFFFL); // LONG_BINPUT
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 0x70 -> memoPut(textLong(line())); // PUT
                case 0x68 -> push(memoGet(u8())); // BINGET
                case 0x6a -> push(memoGet(i32() & 0xFFFFFFFFL)); // LONG_BINGET
                case 0x67 -> push(memoGet(textLong(line()))); // GET
                case 0x63 -> push(global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(), module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) throw error("STACK_GLOBAL needs two strings");
                    push(global(m, n));
                }
                case 0x51 -> push(persistent(pop())); // BINPERSID
                case 0x52 -> { // REDUCE
                    Object args = pop(), fn = pop();
                    push(reduce(fn, args));
                }
                case 0x62 -> { // BUILD
                    Object state = pop();
                    build(peek(), state);
                }
                case 0x81 -> { // NEWOBJ
                    Object args = pop(), cls = pop();
                    throw error("NEWOBJ of " + typeName(cls) + " with " + typeName(args) + " is not allowed in weights-only loading");
                }
                default -> throw error(opName(op));
            }
        }
    }

    /** Like {@link #load()}, with every numpy array placeholder replaced by its {@link Pickle.NumpyArray}. */
    Object loadResolved() throws IOException {
        return resolve(load(), 0);
    }

    private Object resolve(Object o, int depth) throws FileFormatException {
        if (depth > 1000) throw error("containers nested deeper than 1000");
        switch (o) {
            case NpArray a -> {
                if (a.value == null) throw error("a numpy array was reconstructed but never filled (no BUILD)");
                return a.value;
            }
            case NpDType d -> { return d.code; }
            case Object[] t -> {
                for (int i = 0; i < t.length; i++) t[i] = resolve(t[i], depth + 1);
                return t;
            }
            case List<?> l -> {
                @SuppressWarnings("unchecked") List<Object> m = (List<Object>) l;
                for (int i = 0; i < m.size(); i++) m.set(i, resolve(m.get(i), depth + 1));
                return m;
            }
            case Map<?, ?> mp -> {
                @SuppressWarnings("unchecked") Map<Object, Object> m = (Map<Object, Object>) mp;
                for (var e : m.entrySet()) e.setValue(resolve(e.getValue(), depth + 1));
                return m;
            }
            case null, default -> { return o; }
        }
    }

    private static String opName(int op) {
        return switch (op) {
            case 0x69 -> "opcode INST (builds an arbitrary object) is not allowed in weights-only loading";
            case 0x6f -> "opcode OBJ (builds an arbitrary object) is not allowed in weights-only loading";
            case 0x92 -> "opcode NEWOBJ_EX (builds an arbitrary object) is not allowed in weights-only loading";
            case 0x82, 0x83, 0x84 -> "extension-registry opcodes (EXT1/2/4) are not allowed in weights-only loading";
            case 0x97, 0x98 -> "out-of-band buffers (NEXT_BUFFER/READONLY_BUFFER) are not supported";
            case 0x50 -> "text persistent ids (PERSID) are not supported; torch.save writes BINPERSID";
            case 0x53, 0x56 -> "protocol-0 text strings (STRING/UNICODE) are not supported; torch.save writes protocol 2";
            default -> String.format("unknown pickle opcode 0x%02x", op);
        };
    }

    // ------------------------------------------------------------------ the allowlist

    private Object global(String module, String name) throws FileFormatException {
        String full = module + "." + name;
        Global g = ALLOWED.get(full);
        if (g == null && numpy) g = NUMPY.get(full);
        if (g != null) return g;
        if (module.equals("torch") && name.endsWith("Storage")) {
            TorchDType t = TorchDType.ofStorage(name);
            if (t != null) return new StorageType(t);
            throw error("storage type '" + full + "' is not supported (dtypes read: " + TorchDType.names() + ")");
        }
        throw error("global '" + full + "' is not on the weights-only allowlist: only tensors, storages and plain "
                + "containers are rebuilt, nothing else is constructed or called");
    }

    private Object persistent(Object pid) throws IOException {
        if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])) {
            throw error("persistent id " + describe(pid) + " is not ('storage', type, key, location, numel)");
        }
        if (!(t[1] instanceof StorageType type) || !(t[2] instanceof String key) || !(t[3] instanceof String loc)
                || !(t[4] instanceof Long numel)) {
            throw error("persistent id " + describe(pid) + " is not ('storage', type, key, location, numel)");
        }
        return storages.storage(type.dtype(), key, loc, numel);
    }

    private Object reduce(Object fn, Object args) throws IOException {
        if (!(fn instanceof Global g)) throw error("REDUCE calls a " + typeName(fn) + ", not an allowlisted global");
        if (!(args instanceof Object[] a)) throw error("REDUCE arguments are a " + typeName(args) + ", not a tuple");
        return switch (g) {
            case ORDERED_DICT -> {
                if (a.length == 0) yield new LinkedHashMap<>();
                throw error("OrderedDict called with " + a.length + " arguments");
            }
            case REBUILD_TENSOR_V2 -> rebuildTensor(a);
            case REBUILD_PARAMETER -> {
                if (a.length != 3 || !(a[0] instanceof Tensor t)) throw error("_rebuild_parameter needs (tensor, requires_grad, hooks), got " + a.length + " arguments");
                yield t;
            }
            case REBUILD_PARAMETER_WITH_STATE -> {
                if (a.length != 4 || !(a[0] instanceof Tensor t)) {
                    throw error("_rebuild_parameter_with_state needs (tensor, requires_grad, hooks, state), got " + a.length + " arguments");
                }
                yield t;
            }
            case REBUILD_FROM_TYPE_V2 -> {
                if (a.length != 4 || !(a[0] instanceof Global f) || !(a[1] == Global.TENSOR_TYPE || a[1] == Global.PARAMETER_TYPE)) {
                    throw error("_rebuild_from_type_v2 needs (an allowlisted function, Tensor or Parameter, args, state)");
                }
                yield reduce(f, a[2]);
            }
            case CODECS_ENCODE -> {
                if (a.length != 2 || !(a[0] instanceof String s) || !"latin1".equals(a[1])) throw error("_codecs.encode needs (str, 'latin1')");
                yield s.getBytes(StandardCharsets.ISO_8859_1);
            }
            case TORCH_SIZE -> {
                if (a.length != 1 || !(a[0] instanceof Object[] dims)) throw error("torch.Size needs one tuple");
                yield dims;
            }
            case TORCH_DEVICE -> {
                if (a.length == 1 && a[0] instanceof String s) yield s;
                if (a.length == 2 && a[0] instanceof String s && a[1] instanceof Long i) yield s + ":" + i;
                throw error("torch.device needs (type) or (type, index)");
            }
            case SET, FROZENSET -> {
                if (a.length == 0) yield new LinkedHashSet<>();
                if (a.length == 1 && a[0] instanceof List<?> l) yield new LinkedHashSet<>(l);
                throw error("set needs no argument or one list");
            }
            case BYTES -> {
                if (a.length == 0) yield new byte[0];
                throw error("bytes is only rebuilt with no argument (b'')");
            }
            case BYTEARRAY -> {
                if (a.length == 0) yield new byte[0];
                if (a.length == 1 && a[0] instanceof byte[] b) yield b;
                if (a.length == 2 && a[0] instanceof String s && "latin-1".equals(a[1])) yield s.getBytes(StandardCharsets.ISO_8859_1);
                throw error("bytearray needs no argument, bytes, or (str, 'latin-1')");
            }
            case TENSOR_TYPE, PARAMETER_TYPE -> throw error("a tensor type cannot be called in weights-only loading");
            case NP_RECONSTRUCT -> {
                if (a.length != 3 || a[0] != Global.NP_NDARRAY) throw error("numpy _reconstruct needs (ndarray, shape, typecode)");
                yield new NpArray();
            }
            case NP_DTYPE -> {
                if (a.length != 3 || !(a[0] instanceof String code)) throw error("numpy.dtype needs (code, align, copy)");
                yield new NpDType(code);
            }
            case NP_NDARRAY -> throw error("numpy.ndarray cannot be called directly");
            case NP_FROMBUFFER -> {
                if (a.length != 4 || !(a[1] instanceof NpDType d) || !(a[2] instanceof Object[] shape) || !(a[3] instanceof String order)) {
                    throw error("numpy _frombuffer needs (buffer, dtype, shape, order)");
                }
                NpArray arr = new NpArray();
                build(arr, new Object[] {1L, shape, d, "F".equals(order), a[0]});
                yield arr;
            }
        };
    }

    private Tensor rebuildTensor(Object[] a) throws IOException {
        if (a.length < 6 || a.length > 7 || !(a[0] instanceof StorageRef s) || !(a[1] instanceof Long offset)
                || !(a[2] instanceof Object[] size) || !(a[3] instanceof Object[] stride) || !(a[4] instanceof Boolean)) {
            throw error("_rebuild_tensor_v2 needs (storage, offset, size, stride, requires_grad, hooks), got "
                    + a.length + " arguments");
        }
        if (size.length != stride.length) {
            throw error("tensor size " + describe(size) + " and stride " + describe(stride) + " differ in length");
        }
        long[] sz = new long[size.length], st = new long[size.length];
        for (int i = 0; i < size.length; i++) {
            if (!(size[i] instanceof Long d) || !(stride[i] instanceof Long e)) {
                throw error("tensor size " + describe(size) + " or stride " + describe(stride) + " is not all integers");
            }
            sz[i] = d;
            st[i] = e;
        }
        return storages.view(s, offset, sz, st);
    }

    private void build(Object target, Object state) throws FileFormatException {
        if (target instanceof NpDType d) {
            if (!(state instanceof Object[] t) || t.length < 2 || !(t[1] instanceof String order) || order.length() != 1) {
                throw error("numpy dtype state " + describe(state) + " is not (version, byteorder, ...)");
            }
            d.order = order.charAt(0);
            return;
        }
        if (target instanceof NpArray arr) {
            if (!(state instanceof Object[] t) || t.length != 5 || !(t[1] instanceof Object[] shape) || !(t[2] instanceof NpDType d)
                    || !(t[3] instanceof Boolean fortran)) {
                throw error("numpy array state " + describe(state) + " is not (version, shape, dtype, fortran, data)");
            }
            byte[] data = t[4] instanceof byte[] b ? b : t[4] instanceof String str ? str.getBytes(StandardCharsets.ISO_8859_1) : null;
            if (data == null) throw error("numpy array data is a " + typeName(t[4]) + ", not bytes (an object array?)");
            int[] dims = new int[shape.length];
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                if (!(shape[i] instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) throw error("numpy array shape " + describe(shape) + " is not sizes");
                dims[i] = (int) (long) v;
                n *= v;
            }
            int item = Pickle.NumpyArray.itemSize(d.code);
            if (item <= 0) throw error("numpy dtype '" + d.code + "' is not read (unsigned/signed integers, floats, bool)");
            if (n * item != data.length) {
                throw error("numpy array of shape " + describe(shape) + " and dtype " + d.code + " needs " + n * item + " bytes, has " + data.length);
            }
            arr.value = new Pickle.NumpyArray(d.code.replaceAll("^[<>|=]", ""), d.order == '>' ? '>' : '<', dims, fortran, data);
            return;
        }
        if (target instanceof Map<?, ?> && state instanceof Map<?, ?>) return; // OrderedDict attributes (_metadata): not kept
        if (target instanceof Tensor && (state == null || state instanceof Map<?, ?> || state instanceof Object[])) return;
        throw error("BUILD of a " + typeName(target) + " with a " + typeName(state) + " is not allowed in weights-only loading");
    }

    // ------------------------------------------------------------------ stack, memo, containers

    private void push(Object o) throws FileFormatException {
        if (stack.size() >= MAX_STACK) throw error("more than " + MAX_STACK + " values on the stack (a stack bomb)");
        stack.add(o);
    }

    private Object pop() throws FileFormatException {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) throw error("pickle stack underflow");
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws FileFormatException {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) throw error("pickle stack underflow");
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws FileFormatException {
        if (marks.isEmpty()) throw error("no MARK on the stack");
        int m = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private void memoPut(long k) throws FileFormatException {
        if (memo.size() >= MAX_MEMO && !memo.containsKey(k)) throw error("more than " + MAX_MEMO + " memo entries (a memo bomb)");
        memo.put(k, peek());
    }

    private Object memoGet(long k) throws FileFormatException {
        if (!memo.containsKey(k)) throw error("memo key " + k + " was never stored");
        return memo.get(k);
    }

    private List<Object> listAt(Object o) throws FileFormatException {
        if (!(o instanceof ArrayList<?>)) throw error("APPEND to a " + typeName(o) + ", not a list");
        @SuppressWarnings("unchecked") List<Object> l = (List<Object>) o;
        return l;
    }

    private Map<Object, Object> dictAt(Object o) throws FileFormatException {
        if (!(o instanceof LinkedHashMap<?, ?>)) throw error("SETITEM on a " + typeName(o) + ", not a dict");
        @SuppressWarnings("unchecked") Map<Object, Object> m = (Map<Object, Object>) o;
        return m;
    }

    private Map<Object, Object> setItems(Map<Object, Object> m, List<Object> items) throws FileFormatException {
        if (items.size() % 2 != 0) throw error("odd number of items (" + items.size() + ") for a dict");
        for (int i = 0; i < items.size(); i += 2) m.put(key(items.get(i)), items.get(i + 1));
        return m;
    }

    /** Dict keys must be hashable by value: strings, integers, floats, booleans, None. */
    private Object key(Object k) throws FileFormatException {
        if (k == null || k instanceof String || k instanceof Long || k instanceof Double || k instanceof Boolean) return k;
        throw error("a " + typeName(k) + " as a dict key is not supported");
    }

    // ------------------------------------------------------------------ reading

    private void need(int n) throws FileFormatException {
        if (in.remaining() < n) throw error("pickle ends in the middle of an opcode");
    }

    private int u8() throws FileFormatException {
        need(1);
        return in.get() & 0xFF;
    }

    private int u16() throws FileFormatException {
        need(2);
        return in.getShort() & 0xFFFF;
    }

    private int i32() throws FileFormatException {
        need(4);
        return in.getInt();
    }

    private long i64() throws FileFormatException {
        need(8);
        return in.getLong();
    }

    private int len(long n) throws FileFormatException {
        if (n < 0 || n > in.remaining()) throw error("length " + n + " runs past the end of the " + in.limit() + "-byte pickle");
        return (int) n;
    }

    private byte[] bytes(int n) throws FileFormatException {
        need(n);
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String line() throws FileFormatException {
        int start = in.position();
        for (int i = start; i < in.limit() && i - start <= 4096; i++) {
            if (in.get(i) == '\n') {
                byte[] b = new byte[i - start];
                in.get(b);
                in.get();
                return new String(b, StandardCharsets.ISO_8859_1);
            }
        }
        throw error("text argument without a newline within 4096 bytes");
    }

    private String utf8(byte[] b) throws FileFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw error("string is not valid UTF-8");
        }
    }

    private static String latin1(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    private Long longOf(byte[] le) throws FileFormatException {
        if (le.length == 0) return 0L;
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) be[i] = le[le.length - 1 - i];
        BigInteger v = new BigInteger(be);
        if (v.bitLength() > 63) throw error("integer " + (le.length > 32 ? "of " + le.length + " bytes" : v) + " does not fit in 64 bits");
        return v.longValue();
    }

    private Object textInt(String s) throws FileFormatException {
        if (s.equals("01")) return Boolean.TRUE;
        if (s.equals("00")) return Boolean.FALSE;
        return textLong(s);
    }

    private long textLong(String s) throws FileFormatException {
        String digits = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            if (digits.matches("-?[0-9]{1,4096}")) throw error("integer " + abbreviate(digits) + " does not fit in 64 bits");
            throw error("'" + abbreviate(s) + "' is not a 64-bit integer");
        }
    }

    private double textFloat(String s) throws FileFormatException {
        switch (s) { // Python's repr of the non-finite floats, which Java's parser does not take
            case "inf" -> { return Double.POSITIVE_INFINITY; }
            case "-inf" -> { return Double.NEGATIVE_INFINITY; }
            case "nan" -> { return Double.NaN; }
            default -> { }
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw error("'" + abbreviate(s) + "' is not a float");
        }
    }

    private static String abbreviate(String s) { return s.length() > 40 ? s.substring(0, 40) + "..." : s; }

    static String typeName(Object o) {
        return switch (o) {
            case null -> "None";
            case Global g -> "global " + g;
            case StorageType t -> "storage type " + t.dtype();
            case StorageRef r -> "storage";
            case Object[] t -> "tuple";
            case byte[] b -> "bytes";
            case String s -> "str";
            case Long l -> "int";
            case Double d -> "float";
            case Boolean b -> "bool";
            case Map<?, ?> m -> "dict";
            case List<?> l -> "list";
            case Set<?> s -> "set";
            case Tensor t -> "tensor";
            default -> o.getClass().getSimpleName();
        };
    }

    private static String describe(Object o) {
        if (o instanceof Object[] t) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < Math.min(t.length, 8); i++) sb.append(i > 0 ? ", " : "").append(t[i] instanceof Object[] ? "(...)" : describe(t[i]));
            return sb.append(t.length > 8 ? ", ...)" : t.length == 1 ? ",)" : ")").toString();
        }
        if (o instanceof String s) return "'" + abbreviate(s) + "'";
        if (o instanceof Long || o instanceof Double || o instanceof Boolean) return String.valueOf(o);
        return typeName(o);
    }
}
