package dev.brasa.backend.cuda;

import dev.brasa.backend.Backend;
import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.Backends;
import dev.brasa.backend.Kind;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.Storage;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.View;
import dev.brasa.backend.Window2d;
import dev.brasa.cuda.Cublas;
import dev.brasa.cuda.CudaDriver;
import dev.brasa.cuda.Cudart;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The CUDA backend (device 0): float32 ops run as the CUDA C kernels of this package (compiled by
 * NVRTC on first use) and GEMM through cuBLAS with the row-major trick; every op runs on one stream,
 * so results are ordered without extra synchronisation, and copies to and from the host go through
 * one pinned staging buffer and wait for the stream.
 * Inputs the kernels do not take (other dtypes, output layouts that are not dense) run on the CPU
 * backend through a copy of the storages involved: correct, not fast, and counted ({@link #hostFallbacks()}).
 */
public final class CudaBackend implements Backend {
    private static final int BLOCK = 256;
    private static volatile CudaBackend instance;

    final CudaAllocator allocator = new CudaAllocator();
    private final MemorySegment stream;
    private final MemorySegment cublas;
    private final int major, minor;
    private final Map<String, MemorySegment> modules = new HashMap<>();
    private final Map<String, MemorySegment> functions = new HashMap<>();

    private CudaBackend() {
        try (Arena a = Arena.ofConfined()) {
            CudaErrors.runtime(Cudart.cudaSetDevice(0), "cudaSetDevice(0)");
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            CudaErrors.runtime(Cudart.cudaDeviceGetAttribute(v, Cudart.cudaDevAttrComputeCapabilityMajor, 0), "cudaDeviceGetAttribute");
            major = v.get(ValueLayout.JAVA_INT, 0);
            CudaErrors.runtime(Cudart.cudaDeviceGetAttribute(v, Cudart.cudaDevAttrComputeCapabilityMinor, 0), "cudaDeviceGetAttribute");
            minor = v.get(ValueLayout.JAVA_INT, 0);
            CudaErrors.runtime(Cudart.cudaFree(MemorySegment.NULL), "cudaFree(0) (creates the primary context)");
            CudaErrors.driver(CudaDriver.cuInit(0), "cuInit");
            MemorySegment s = a.allocate(ValueLayout.ADDRESS);
            CudaErrors.runtime(Cudart.cudaStreamCreate(s), "cudaStreamCreate");
            stream = s.get(ValueLayout.ADDRESS, 0);
            MemorySegment h = a.allocate(ValueLayout.ADDRESS);
            CudaErrors.blas(Cublas.cublasCreate_v2(h), "cublasCreate_v2");
            cublas = h.get(ValueLayout.ADDRESS, 0);
            CudaErrors.blas(Cublas.cublasSetStream_v2(cublas, stream), "cublasSetStream_v2");
            boolean tf32 = dev.brasa.backend.Config.get().cudaTf32();
            CudaErrors.blas(Cublas.cublasSetMathMode(cublas, tf32 ? Cublas.CUBLAS_TF32_TENSOR_OP_MATH : Cublas.CUBLAS_DEFAULT_MATH),
                    "cublasSetMathMode");
        }
    }

    /** The backend of cuda:0, created on first use; cuda:N for N > 0 is not supported yet. */
    public static CudaBackend get(int device) {
        if (device != 0) throw new IllegalArgumentException("only cuda:0 is supported so far, got cuda:" + device);
        CudaBackend b = instance;
        if (b == null) {
            synchronized (CudaBackend.class) {
                b = instance;
                if (b == null) instance = b = new CudaBackend();
            }
        }
        return b;
    }

    @Override public String name() { return "cuda"; }

    @Override public int cudaDevice() { return 0; }

    // ---------------------------------------------------------------- errors

    /** The runtime's text for a cudaError_t, with its number: "out of memory (cudaError 2)". */
    public static String errorString(int rc) { return CudaErrors.runtimeText(rc) + " (cudaError " + rc + ")"; }

    // ---------------------------------------------------------------- kernels

    /** Threads that made the primary context current (driver-API calls need it on the calling thread). */
    private static final ThreadLocal<Boolean> BOUND = ThreadLocal.withInitial(() -> false);

    private static void bindThread() {
        if (!BOUND.get()) {
            CudaErrors.runtime(Cudart.cudaSetDevice(0), "cudaSetDevice(0)");
            CudaErrors.runtime(Cudart.cudaFree(MemorySegment.NULL), "cudaFree(0)");
            BOUND.set(true);
        }
    }

    private synchronized MemorySegment function(String source, String name) {
        bindThread();
        String key = source + "/" + name;
        MemorySegment f = functions.get(key);
        if (f != null) return f;
        MemorySegment module = modules.get(source);
        try (Arena a = Arena.ofConfined()) {
            if (module == null) {
                MemorySegment m = a.allocate(ValueLayout.ADDRESS);
                CudaErrors.driver(CudaDriver.cuModuleLoadData(m, a.allocateFrom(KernelCompiler.ptx(source, major, minor))),
                        "cuModuleLoadData(" + source + ")");
                module = m.get(ValueLayout.ADDRESS, 0);
                modules.put(source, module);
            }
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            CudaErrors.driver(CudaDriver.cuModuleGetFunction(out, module, a.allocateFrom(name)), "cuModuleGetFunction(" + name + ")");
            f = out.get(ValueLayout.ADDRESS, 0);
        }
        functions.put(key, f);
        return f;
    }

    /** Grid-stride launch over n elements. */
    private void launch(String source, String name, long n, Object... args) {
        int grid = (int) Math.max(1, Math.min((n + BLOCK - 1) / BLOCK, 65535L * 8));
        launchBlocks(source, name, grid, args);
    }

    /**
     * Launches with {@code blocks} blocks of 256 threads. Arguments: Integer, Long, Float, Double, a device
     * pointer as {@link Ptr}, or byte[] (a struct passed by value).
     */
    private void launchBlocks(String source, String name, int blocks, Object... args) {
        MemorySegment f = function(source, name);
        bindThread();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(ValueLayout.ADDRESS, args.length);
            for (int i = 0; i < args.length; i++) {
                Object o = args[i];
                MemorySegment cell = switch (o) {
                    case Integer v -> a.allocateFrom(ValueLayout.JAVA_INT, v);
                    case Long v -> a.allocateFrom(ValueLayout.JAVA_LONG, v);
                    case Float v -> a.allocateFrom(ValueLayout.JAVA_FLOAT, v);
                    case Double v -> a.allocateFrom(ValueLayout.JAVA_DOUBLE, v);
                    case Ptr p -> a.allocateFrom(ValueLayout.JAVA_LONG, p.address);
                    case byte[] b -> a.allocateFrom(ValueLayout.JAVA_BYTE, b);
                    default -> throw new IllegalArgumentException("kernel argument of type " + o.getClass());
                };
                params.setAtIndex(ValueLayout.ADDRESS, i, cell);
            }
            CudaErrors.driver(CudaDriver.cuLaunchKernel(f, blocks, 1, 1, BLOCK, 1, 1, 0, stream, params, MemorySegment.NULL),
                    "cuLaunchKernel(" + name + ")");
        }
    }

    /** The binary ops BinaryOp.apply(long, long) defines, which binary_i64 runs. */
    private static final Set<BinaryOp> INTEGER_OPS = java.util.EnumSet.complementOf(
            java.util.EnumSet.of(BinaryOp.DIV, BinaryOp.POW, BinaryOp.BCE, BinaryOp.BCE_WITH_LOGITS));

    /** A device address as a kernel argument (0 for an absent optional operand). */
    record Ptr(long address) {}

    private static Ptr at(View v) {
        CudaStorage s = cuda(v);
        return new Ptr(s.ptr + (long) v.offset() * CudaStorage.elementSize(s.kind));
    }

    static CudaStorage cuda(View v) {
        if (v.storage() instanceof CudaStorage s) return s;
        throw new IllegalArgumentException("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!");
    }

    private static boolean f32(View... vs) {
        for (View v : vs) if (v != null && cuda(v).kind != Kind.F32) return false;
        return true;
    }

    /** struct Strides { int rank; int shape[8]; int a[8]; int b[8]; } by value. */
    private static byte[] strides(int[] shape, int[] a, int[] b) {
        if (shape.length > 8) return null;
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * 25).order(java.nio.ByteOrder.nativeOrder());
        buf.putInt(shape.length);
        for (int i = 0; i < 8; i++) buf.putInt(i < shape.length ? shape[i] : 1);
        for (int i = 0; i < 8; i++) buf.putInt(i < shape.length ? a[i] : 0);
        for (int i = 0; i < 8; i++) buf.putInt(i < shape.length && b != null ? b[i] : 0);
        return buf.array();
    }

    // ---------------------------------------------------------------- host fallback

    @FunctionalInterface
    private interface CpuOp {
        void run(Backend cpu, View[] views);
    }


    /** Host fallbacks so far, by op and element kinds (for example "binary MUL (F64, F64, F64)"). */
    private static final Map<String, LongAdder> FALLBACKS = new ConcurrentHashMap<>();

    /**
     * How many times each op ran on the host instead of the GPU since the last {@link #resetHostFallbacks()},
     * keyed by the op and the element kinds of its tensors. GPU tests assert none for the ops they claim.
     */
    public static Map<String, Long> hostFallbacks() {
        Map<String, Long> m = new TreeMap<>();
        FALLBACKS.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** Forgets the counts (each kind is still logged only once per JVM). */
    public static void resetHostFallbacks() { FALLBACKS.clear(); }

    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    /** Counts one host fallback of what on views' kinds, with one log line the first time each kind happens. */
    private void countFallback(String what, View... views) {
        StringJoiner kinds = new StringJoiner(", ", " (", ")");
        for (View v : views) kinds.add(v == null ? "-" : v.storage().kind().name());
        String key = what + kinds;
        FALLBACKS.computeIfAbsent(key, k -> new LongAdder()).increment();
        if (LOGGED.add(key)) {
            dev.brasa.backend.Config.log().log(System.Logger.Level.INFO, "CUDA: " + key + " runs on the host (copied to the CPU and back); "
                    + "later calls are counted, not logged");
        }
    }

    /**
     * Runs an op on the CPU backend: copies every storage involved to the host (once per storage,
     * aliasing kept), runs, and copies the storage of the last view (the output) back. Counted as a
     * host fallback of what.
     */
    private void onHost(String what, CpuOp op, View... views) { onHost(1, what, op, views); }

    /** {@link #onHost(String, CpuOp, View...)} for an op whose last {@code outputs} views are all written. */
    private void onHost(int outputs, String what, CpuOp op, View... views) {
        Backend cpu = Backends.cpu();
        Map<Storage, Storage> host = new IdentityHashMap<>();
        View[] hv = new View[views.length];
        for (int i = 0; i < views.length; i++) {
            View v = views[i];
            if (v == null) continue;
            CudaStorage dev = cuda(v);     // a CPU tensor here gets PyTorch's device message, and is not counted
            Storage hs = host.computeIfAbsent(dev, s -> cpu.wrap(download(dev)));
            hv[i] = new View(hs, v.shape(), v.strides(), v.offset());
        }
        countFallback(what, views);
        op.run(cpu, hv);
        for (int i = views.length - outputs; i < views.length; i++) {
            Storage out = views[i].storage();
            upload(cpu.toArray(new View(host.get(out), new int[] {out.size()}, new int[] {1}, 0)), cuda(views[i]));
        }
    }

    /** Pinned host memory for transfers (grown on demand, kept): DMA straight from and to it. */
    private MemorySegment staging = MemorySegment.NULL;
    private long stagingBytes;

    private synchronized MemorySegment staging(long bytes) {
        if (bytes > stagingBytes) {
            if (stagingBytes > 0) CudaErrors.runtime(Cudart.cudaFreeHost(staging), "cudaFreeHost");
            long size = Math.max(bytes, 1 << 20);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment p = a.allocate(ValueLayout.ADDRESS);
                CudaErrors.runtime(Cudart.cudaMallocHost(p, size), "cudaMallocHost(" + size + ")");
                staging = p.get(ValueLayout.ADDRESS, 0).reinterpret(size);
            }
            stagingBytes = size;
        }
        return staging.asSlice(0, Math.max(1, bytes));
    }

    /** The whole storage as a Java array of its kind, through the pinned staging buffer. */
    private Object download(CudaStorage s) { return download(s, 0, s.size); }

    /** count elements of the storage from element first, as a Java array of its kind. */
    private synchronized Object download(CudaStorage s, int first, int count) {
        long bytes = (long) count * CudaStorage.elementSize(s.kind);
        MemorySegment h = staging(bytes);
        CudaErrors.runtime(Cudart.cudaMemcpyAsync(h, MemorySegment.ofAddress(s.ptr + (long) first * CudaStorage.elementSize(s.kind)), bytes,
                Cudart.cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync D2H");
        sync();
        MemorySegment d = h.asSlice(0, bytes);
        return switch (s.kind) {
            case F32 -> d.toArray(ValueLayout.JAVA_FLOAT);
            case F64 -> d.toArray(ValueLayout.JAVA_DOUBLE);
            case I64 -> d.toArray(ValueLayout.JAVA_LONG);
            case BOOL -> d.toArray(ValueLayout.JAVA_BYTE);
        };
    }

    /** A Java array into the storage, through the pinned staging buffer (waits, so the buffer is free again). */
    private synchronized void upload(Object array, CudaStorage s) {
        MemorySegment src = switch (array) {
            case float[] f -> MemorySegment.ofArray(f);
            case double[] d -> MemorySegment.ofArray(d);
            case long[] l -> MemorySegment.ofArray(l);
            case byte[] b -> MemorySegment.ofArray(b);
            default -> throw new IllegalArgumentException("cannot upload " + array.getClass());
        };
        long bytes = Math.min(src.byteSize(), s.bytes());
        MemorySegment h = staging(bytes);
        MemorySegment.copy(src, 0, h, 0, bytes);
        CudaErrors.runtime(Cudart.cudaMemcpyAsync(MemorySegment.ofAddress(s.ptr), h, bytes, Cudart.cudaMemcpyHostToDevice, stream),
                "cudaMemcpyAsync H2D");
        sync();
    }

    private void sync() { CudaErrors.runtime(Cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize"); }

    /** Waits until every op queued on this device's stream has run ({@code torch.cuda.synchronize()}). */
    public void synchronize() { sync(); }

    // ---------------------------------------------------------------- Backend

    @Override public Storage allocate(Kind kind, int n) {
        CudaStorage s = new CudaStorage(this, kind, n);
        CudaErrors.runtime(Cudart.cudaMemsetAsync(MemorySegment.ofAddress(s.ptr), 0, s.bytes(), stream), "cudaMemsetAsync");
        return s;
    }

    @Override public void fill(View out, double value) {
        if (f32(out) && out.isContiguous()) launch("elementwise.cu", "fill_f32", out.numel(), at(out), (long) out.numel(), (float) value);
        else if (out.shape().length <= 8) {
            launch("elementwise.cu", "fill_any", out.numel(), at(out), cuda(out).kind.ordinal(), (long) out.numel(), value,
                    strides(out.shape(), out.strides(), null));
        } else onHost("fill", (cpu, v) -> cpu.fill(v[0], value), out);
    }

    @Override public void copy(View src, View dst) {
        if (f32(src, dst) && dst.isContiguous() && src.shape().length <= 8) {
            launch("elementwise.cu", "copy_strided_f32", dst.numel(), at(src), 0L, at(dst), (long) dst.numel(),
                    strides(src.shape(), src.strides(), null));
        } else if (dst.shape().length <= 8) {        // a strided destination, or another kind on either side
            launch("elementwise.cu", "copy_any", dst.numel(), at(src), cuda(src).kind.ordinal(), at(dst), cuda(dst).kind.ordinal(),
                    (long) dst.numel(), strides(dst.shape(), src.strides(), dst.strides()));
        } else {
            onHost("copy", (cpu, v) -> cpu.copy(v[0], v[1]), src, dst);
        }
    }

    private View dense(View v) {
        if (v.isContiguous()) return v;
        View d = View.contiguous(allocate(cuda(v).kind, v.numel()), v.shape());
        copy(v, d);
        return d;
    }

    @Override public void unary(UnaryOp op, View x, View out, double p, double q) {
        if (f32(x, out) && out.isContiguous()) {
            View dx = dense(x);
            launch("elementwise.cu", "unary_f32", out.numel(), op.ordinal(), at(dx), at(out), (long) out.numel(), (float) p, (float) q);
        } else {
            onHost("unary " + op, (cpu, v) -> cpu.unary(op, v[0], v[1], p, q), x, out);
        }
    }

    @Override public void unaryBackward(UnaryOp op, View grad, View x, View y, View out, double p, double q) {
        if (f32(grad, x, y, out) && out.isContiguous()) {
            View g = dense(grad), dx = x == null ? null : dense(x), dy = y == null ? null : dense(y);
            launch("elementwise.cu", "unary_backward_f32", out.numel(), op.ordinal(), at(g), dx == null ? new Ptr(0) : at(dx),
                    dy == null ? new Ptr(0) : at(dy), at(out), (long) out.numel(), (float) p, (float) q);
        } else {
            onHost("unaryBackward " + op, (cpu, v) -> cpu.unaryBackward(op, v[0], v[1], v[2], v[3], p, q), grad, x, y, out);
        }
    }

    @Override public void binary(BinaryOp op, View a, View b, View out) {
        if (op.isComparison() && f32(a, b) && cuda(out).kind == Kind.BOOL && out.isContiguous() && out.shape().length <= 8) {
            launch("elementwise.cu", "compare_f32", out.numel(), op.ordinal(), at(a), at(b), at(out), (long) out.numel(),
                    strides(out.shape(), a.strides(), b.strides()));
            return;
        }
        if (cuda(a).kind == Kind.I64 && cuda(b).kind == Kind.I64 && (cuda(out).kind == Kind.I64 || cuda(out).kind == Kind.BOOL)
                && INTEGER_OPS.contains(op) && out.isContiguous() && out.shape().length <= 8) {
            launch("elementwise.cu", "binary_i64", out.numel(), op.ordinal(), at(a), at(b), at(out), cuda(out).kind == Kind.BOOL ? 1 : 0,
                    (long) out.numel(), strides(out.shape(), a.strides(), b.strides()));
            return;
        }
        if (f32(a, b, out) && !op.isComparison() && out.isContiguous() && out.shape().length <= 8) {
            long n = out.numel();
            if (a.isContiguous() && b.isContiguous() && java.util.Arrays.equals(a.shape(), out.shape())
                    && java.util.Arrays.equals(b.shape(), out.shape())) {
                launch("elementwise.cu", "binary_dense_f32", n, op.ordinal(), at(a), at(b), at(out), n);
            } else {
                launch("elementwise.cu", "binary_f32", n, op.ordinal(), at(a), 0L, at(b), 0L, at(out), n,
                        strides(out.shape(), a.strides(), b.strides()));
            }
        } else {
            onHost("binary " + op, (cpu, v) -> cpu.binary(op, v[0], v[1], v[2]), a, b, out);
        }
    }

    @Override public void reduce(ReduceOp op, View x, int outer, int n, int inner, View out) {
        if ((op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) && f32(x) && cuda(out).kind == Kind.I64 && x.isContiguous()
                && out.isContiguous() && (long) outer * inner > 0 && n > 0) {
            launchBlocks("reduce.cu", "argreduce_f32", outer * inner, op.ordinal(), at(x), at(out), outer, n, inner);
            return;
        }
        Kind xk = cuda(x).kind;
        if ((xk == Kind.I64 || xk == Kind.BOOL) && cuda(out).kind == Kind.I64 && x.isContiguous() && out.isContiguous()
                && (op == ReduceOp.SUM || (op == ReduceOp.MAX || op == ReduceOp.MIN) && n > 0) && (long) outer * inner > 0) {
            launchBlocks("reduce.cu", "reduce_i64", outer * inner, op.ordinal(), at(x), xk.ordinal(), at(out), outer, n, inner);
            return;
        }
        if (f32(x, out) && x.isContiguous() && out.isContiguous() && op.ordinal() <= ReduceOp.MIN.ordinal() && (long) outer * inner > 0) {
            launchBlocks("reduce.cu", "reduce_f32", outer * inner, op.ordinal(), at(x), at(out), outer, n, inner);
        } else {
            onHost("reduce " + op, (cpu, v) -> cpu.reduce(op, v[0], outer, n, inner, v[1]), x, out);
        }
    }

    @Override public void softmax(View x, int outer, int n, int inner, View out, boolean log) {
        if (f32(x, out) && inner == 1 && x.isContiguous() && out.isContiguous() && outer > 0) {
            launchBlocks("reduce.cu", "softmax_f32", outer, at(x), at(out), outer, n, log ? 1 : 0);
        } else {
            onHost(log ? "logSoftmax" : "softmax", (cpu, v) -> cpu.softmax(v[0], outer, n, inner, v[1], log), x, out);
        }
    }

    @Override public void softmaxBackward(View y, View gy, int outer, int n, int inner, View out, boolean log) {
        if (f32(y, gy, out) && inner == 1 && y.isContiguous() && gy.isContiguous() && out.isContiguous() && outer > 0) {
            launchBlocks("reduce.cu", "softmax_backward_f32", outer, at(y), at(gy), at(out), outer, n, log ? 1 : 0);
        } else {
            onHost(log ? "logSoftmaxBackward" : "softmaxBackward", (cpu, v) -> cpu.softmaxBackward(v[0], v[1], outer, n, inner, v[2], log), y, gy, out);
        }
    }

    @Override public void crossEntropy(View x, View target, int rows, int classes, long ignoreIndex, double smoothing,
                                       double scale, View lse, View loss) {
        if (f32(x, lse, loss) && cuda(target).kind == Kind.I64 && x.isContiguous() && target.isContiguous() && rows > 0) {
            launchBlocks("reduce.cu", "cross_entropy_f32", rows, at(x), at(target), at(lse), at(loss), rows, classes, ignoreIndex,
                    (float) smoothing, (float) scale);
        } else {
            onHost(2, "crossEntropy", (cpu, v) -> cpu.crossEntropy(v[0], v[1], rows, classes, ignoreIndex, smoothing, scale, v[2], v[3]),
                    x, target, lse, loss);
        }
    }

    @Override public void crossEntropyBackward(View x, View target, View lse, View g, int rows, int classes, long ignoreIndex,
                                               double smoothing, double scale, View out) {
        int gs = g.strides()[0];
        if (f32(x, lse, g, out) && cuda(target).kind == Kind.I64 && x.isContiguous() && target.isContiguous()
                && out.isContiguous() && (gs == 0 || gs == 1)) {
            launch("reduce.cu", "cross_entropy_backward_f32", (long) rows * classes, at(x), at(target), at(lse), at(g), gs, at(out),
                    rows, classes, ignoreIndex, (float) smoothing, (float) scale);
        } else {
            onHost("crossEntropyBackward", (cpu, v) -> cpu.crossEntropyBackward(v[0], v[1], v[2], v[3], rows, classes, ignoreIndex, smoothing, scale, v[4]),
                    x, target, lse, g, out);
        }
    }

    @Override public void binaryLossBackward(BinaryOp op, View a, View t, View g, View out) {
        boolean broadcast = true;
        for (int st : g.strides()) broadcast &= st == 0;
        if (f32(a, t, g, out) && out.isContiguous()) {
            View dg = broadcast ? g : dense(g);
            launch("elementwise.cu", "binary_loss_backward_f32", out.numel(), op == BinaryOp.BCE_WITH_LOGITS ? 1 : 0, at(dense(a)),
                    at(dense(t)), at(dg), broadcast ? 0 : 1, at(out), (long) out.numel());
        } else {
            onHost("binaryLossBackward " + op, (cpu, v) -> cpu.binaryLossBackward(op, v[0], v[1], v[2], v[3]), a, t, g, out);
        }
    }

    /**
     * C = alpha A B + beta C per batch, row-major, through column-major cuBLAS: C^T = B^T A^T, so
     * cuBLAS gets B as its first operand and A as its second, each transposed or not according to
     * its strides; nothing is copied unless an operand has no unit stride at all.
     */
    @Override public void matmul(View a, View b, View c, int batch, int m, int n, int k, double alpha, double beta) {
        if (!f32(a, b, c) || !c.isContiguous()) {
            onHost("matmul", (cpu, v) -> cpu.matmul(v[0], v[1], v[2], batch, m, n, k, alpha, beta), a, b, c);
            return;
        }
        if (m == 0 || n == 0) return;
        Blas g = blasArgs(a.strides(), b.strides(), m, n, k);
        if (g == null) {      // an operand without a unit stride: copy it dense (a dense one always qualifies)
            View da = blasArgs(a.strides(), new int[] {0, n, 1}, m, n, k) != null ? a : dense(a);
            View db = blasArgs(new int[] {0, k, 1}, b.strides(), m, n, k) != null ? b : dense(b);
            if (da == a && db == b) {
                throw new IllegalStateException("no cuBLAS layout for strides " + java.util.Arrays.toString(a.strides()) + " and "
                        + java.util.Arrays.toString(b.strides()));
            }
            matmul(da, db, c, batch, m, n, k, alpha, beta);
            return;
        }
        int opA = g.opA, lda = g.lda, opB = g.opB, ldb = g.ldb;
        int[] sa = a.strides(), sb = b.strides();
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment al = ar.allocateFrom(ValueLayout.JAVA_FLOAT, (float) alpha), be = ar.allocateFrom(ValueLayout.JAVA_FLOAT, (float) beta);
            MemorySegment pa = MemorySegment.ofAddress(at(a).address()), pb = MemorySegment.ofAddress(at(b).address());
            MemorySegment pc = MemorySegment.ofAddress(at(c).address());
            if (batch == 1) {
                CudaErrors.blas(Cublas.cublasSgemm_v2(cublas, opB, opA, n, m, k, al, pb, ldb, pa, lda, be, pc, n),
                        "cublasSgemm_v2");
            } else {
                CudaErrors.blas(Cublas.cublasSgemmStridedBatched(cublas, opB, opA, n, m, k, al, pb, ldb, sb[0], pa, lda, sa[0], be, pc, n,
                        (long) m * n, batch), "cublasSgemmStridedBatched");
            }
        }       // host pointer mode: cuBLAS reads alpha and beta when it launches, so the arena may go now

    }

    /**
     * cuBLAS arguments for row-major C[m, n] = A[m, k] B[k, n] computed as column-major
     * C^T = B^T A^T: cuBLAS's first operand is B, its second A. A row-major operand (unit column
     * stride) is its own transpose in column-major terms (op N, leading dimension = row stride);
     * a transposed one (unit row stride) is op T with the column stride. Null when an operand has
     * no unit stride (it is copied dense first).
     */
    record Blas(int opA, int lda, int opB, int ldb) {}

    static Blas blasArgs(int[] sa, int[] sb, int m, int n, int k) {
        sa = unitDims(sa, m, k);
        sb = unitDims(sb, k, n);
        boolean aRow = sa[2] == 1 && sa[1] >= Math.max(1, k), aCol = sa[1] == 1 && sa[2] >= Math.max(1, m);
        boolean bRow = sb[2] == 1 && sb[1] >= Math.max(1, n), bCol = sb[1] == 1 && sb[2] >= Math.max(1, k);
        if (!(aRow || aCol) || !(bRow || bCol)) return null;
        return new Blas(aRow ? Cublas.CUBLAS_OP_N : Cublas.CUBLAS_OP_T, Math.max(1, aRow ? sa[1] : sa[2]),
                bRow ? Cublas.CUBLAS_OP_N : Cublas.CUBLAS_OP_T, Math.max(1, bRow ? sb[1] : sb[2]));
    }

    /**
     * A [rows, cols] operand's strides with those of its size-1 (or empty) dimensions replaced, since
     * any value indexes them: a vector stored with odd strides there (an unsqueezed 1-d tensor) is
     * then still a valid row- or column-major matrix for cuBLAS.
     */
    private static int[] unitDims(int[] s, int rows, int cols) {
        int[] t = s.clone();
        if (cols <= 1) t[2] = 1;
        if (rows <= 1) t[1] = t[2] == 1 ? Math.max(1, cols) : 1;
        return t;
    }

    // ---------------------------------------------------------------- convolutions: cuDNN, else im2col + cuBLAS

    private CudnnConvolutions cudnn;
    private boolean cudnnTried;

    /** cuDNN's convolutions, started on first use; null, after one log line saying why, when cuDNN is absent or fails to start. */
    private synchronized CudnnConvolutions cudnn() {
        if (!cudnnTried) {
            cudnnTried = true;
            if (CudnnConvolutions.version() == 0) {
                dev.brasa.backend.Config.log().log(System.Logger.Level.INFO, "CUDA: cuDNN not found, so convolutions run as im2col + cuBLAS ("
                        + dev.brasa.cuda.Cudnn.LIBRARY.notFoundMessage() + ")");
            } else {
                try {
                    cudnn = new CudnnConvolutions(allocator, stream, dev.brasa.backend.Config.get().cudaTf32());
                } catch (RuntimeException e) {
                    dev.brasa.backend.Config.log().log(System.Logger.Level.WARNING, "CUDA: cuDNN " + CudnnConvolutions.version() + " did not start, so convolutions run as "
                            + "im2col + cuBLAS: " + e.getMessage());
                }
            }
        }
        return cudnn;
    }

    /** The cuDNN path for these operands, or null: not float, not dense, or a geometry cuDNN cannot express (logged once). */
    private CudnnConvolutions cudnnFor(Window2d g, View... vs) {
        if (!windows(vs)) return null;
        if (!CudnnConvolutions.fits(g)) {
            if (g.n() > 0 && LOGGED.add("conv2d asymmetric padding")) {
                dev.brasa.backend.Config.log().log(System.Logger.Level.INFO, "CUDA: a convolution whose padding differs on its two sides (padding='same' with an "
                        + "even kernel) runs as im2col + cuBLAS: cuDNN pads both sides equally");
            }
            return null;
        }
        return cudnn();
    }

    private static long address(View v) { return v == null ? 0 : at(v).address(); }

    @Override public void conv2d(View x, View w, View bias, Window2d g, int groups, UnaryOp act, View y) {
        CudnnConvolutions dnn = cudnnFor(g, x, w, bias, y);
        if (dnn == null) {
            Backend.super.conv2d(x, w, bias, g, groups, act, y);
            return;
        }
        dnn.forward(address(x), address(w), address(bias), address(y), g, y.shape()[1], groups);
        if (act != null) unary(act, y, y, 0, 0);
    }

    @Override public void conv2dBackward(View gy, View x, View w, View y, UnaryOp act, Window2d g, int groups, View gx, View gw, View gb) {
        CudnnConvolutions dnn = cudnnFor(g, gy, x, w, y, gx, gw, gb);
        if (dnn == null) {
            Backend.super.conv2dBackward(gy, x, w, y, act, g, groups, gx, gw, gb);
            return;
        }
        Storage pre = null;
        View gp = gy;
        if (act != null) {      // the gradient before the fused activation
            pre = allocate(Kind.F32, gy.numel());
            gp = View.contiguous(pre, gy.shape());
            unaryBackward(act, gy, null, y, gp, 0, 0);
        }
        try {
            dnn.backward(address(gp), address(x), address(w), address(gx), address(gw), address(gb), g, gy.shape()[1], groups);
        } finally {
            if (pre != null) pre.close();
        }
    }

    // ---------------------------------------------------------------- sliding windows (window.cu)
    // Pooling stays on these kernels, as PyTorch's own CUDA pooling does: max pooling must return
    // PyTorch's indices (cuDNN's gives none), and ceil_mode and dilation have no cuDNN descriptor.

    private boolean windows(View... vs) {
        for (View v : vs) if (v != null && !v.isContiguous()) return false;
        return f32(vs);
    }

    /** Zeroes a contiguous float view (the scatter kernels add into it). */
    private void zero(View v) { launch("elementwise.cu", "fill_f32", v.numel(), at(v), (long) v.numel(), 0f); }

    @Override public void im2col(View x, Window2d g, View col) {
        if (windows(x, col)) launch("window.cu", "im2col_f32", col.numel(), at(x), at(col), g.struct());
        else onHost("im2col", (cpu, v) -> cpu.im2col(v[0], g, v[1]), x, col);
    }

    @Override public void col2im(View col, Window2d g, View gx) {
        if (windows(col, gx)) launch("window.cu", "col2im_f32", gx.numel(), at(col), at(gx), g.struct());
        else onHost("col2im", (cpu, v) -> cpu.col2im(v[0], g, v[1]), col, gx);
    }

    @Override public void maxPool2d(View x, Window2d g, View out, View indices) {
        if (windows(x, out) && cuda(indices).kind == Kind.I64 && indices.isContiguous()) {
            launch("window.cu", "max_pool2d_f32", out.numel(), at(x), at(out), at(indices), g.struct());
        } else {
            onHost(2, "maxPool2d", (cpu, v) -> cpu.maxPool2d(v[0], g, v[1], v[2]), x, out, indices);
        }
    }

    @Override public void maxPool2dBackward(View g, View indices, Window2d win, View gx) {
        if (windows(g, gx) && cuda(indices).kind == Kind.I64 && indices.isContiguous()) {
            zero(gx);
            launch("window.cu", "max_pool2d_backward_f32", g.numel(), at(g), at(indices), at(gx), win.struct());
        } else {
            onHost("maxPool2dBackward", (cpu, v) -> cpu.maxPool2dBackward(v[0], v[1], win, v[2]), g, indices, gx);
        }
    }

    @Override public void avgPool2d(View x, Window2d g, boolean countIncludePad, int divisorOverride, View out) {
        if (windows(x, out)) {
            launch("window.cu", "avg_pool2d_f32", out.numel(), at(x), at(out), g.struct(), countIncludePad ? 1 : 0, divisorOverride);
        } else {
            onHost("avgPool2d", (cpu, v) -> cpu.avgPool2d(v[0], g, countIncludePad, divisorOverride, v[1]), x, out);
        }
    }

    @Override public void avgPool2dBackward(View g, Window2d win, boolean countIncludePad, int divisorOverride, View gx) {
        if (windows(g, gx)) {
            zero(gx);
            launch("window.cu", "avg_pool2d_backward_f32", g.numel(), at(g), at(gx), win.struct(), countIncludePad ? 1 : 0,
                    divisorOverride);
        } else {
            onHost("avgPool2dBackward", (cpu, v) -> cpu.avgPool2dBackward(v[0], win, countIncludePad, divisorOverride, v[1]), g, gx);
        }
    }

    @Override public void indexSelect(View x, View index, int rowSize, View out) {
        if (f32(x, out) && cuda(index).kind == Kind.I64 && x.isContiguous() && index.isContiguous() && out.isContiguous()) {
            int rows = (int) (x.numel() / Math.max(1, rowSize)), count = index.numel();
            CudaStorage flag = new CudaStorage(this, Kind.I64, 1);
            CudaErrors.runtime(Cudart.cudaMemsetAsync(MemorySegment.ofAddress(flag.ptr), 0, 8, stream), "cudaMemsetAsync");
            launch("index.cu", "index_select_rows_f32", (long) count * rowSize, at(x), at(index), at(out), count, rowSize, rows,
                    new Ptr(flag.ptr));
            long bad = ((long[]) download(flag))[0];
            flag.close();
            if (bad != 0) {
                onHost("indexSelect of a bad index (to report it)", (cpu, v) -> cpu.indexSelect(v[0], v[1], rowSize, v[2]), x, index, out);
            }
        } else {
            onHost("indexSelect", (cpu, v) -> cpu.indexSelect(v[0], v[1], rowSize, v[2]), x, index, out);
        }
    }

    @Override public void indexAdd(View src, View index, int rowSize, View out) {
        if (f32(src, out) && cuda(index).kind == Kind.I64 && src.isContiguous() && index.isContiguous() && out.isContiguous()) {
            int rows = (int) (out.numel() / Math.max(1, rowSize));
            launch("index.cu", "index_add_rows_f32", (long) index.numel() * rowSize, at(out), at(index), at(src), index.numel(),
                    rowSize, rows);
        } else {
            onHost("indexAdd", (cpu, v) -> cpu.indexAdd(v[0], v[1], rowSize, v[2]), src, index, out);
        }
    }

    @Override public Storage wrap(Object array) {
        int n = switch (array) {
            case float[] f -> f.length;
            case double[] d -> d.length;
            case long[] l -> l.length;
            case byte[] b -> b.length;
            default -> throw new IllegalArgumentException("cannot wrap " + array.getClass());
        };
        Kind kind = array instanceof float[] ? Kind.F32 : array instanceof double[] ? Kind.F64 : array instanceof long[] ? Kind.I64 : Kind.BOOL;
        CudaStorage s = new CudaStorage(this, kind, n);
        upload(array, s);
        return s;
    }

    /**
     * A CPU view's elements in new device storage ({@code x.to("cuda")}): a contiguous view of a pinned
     * storage is one DMA from its pinned block, queued with no wait; anything else goes through the
     * staging buffer as {@link #wrap} does.
     */
    public Storage fromHost(View v) {
        if (v.storage() instanceof dev.brasa.backend.cpu.CpuStorage cs && cs.pinned() instanceof PinnedMemory p && v.isContiguous()) {
            CudaStorage d = new CudaStorage(this, cs.kind(), v.numel());
            if (p.queueCopy(cs, v, d.ptr, stream)) return d;
            d.close();                             // unpinned meanwhile: through the staging buffer
        }
        return wrap(Backends.cpu().toArray(v));
    }

    @Override public Object toArray(View v) {
        Backend cpu = Backends.cpu();
        Storage host = cpu.wrap(download(cuda(v)));
        return cpu.toArray(new View(host, v.shape(), v.strides(), v.offset()));
    }

    @Override public void sgdStep(View param, View grad, View buf, boolean firstStep, double lr, double momentum, double dampening,
                                  double weightDecay, boolean nesterov, boolean maximize) {
        launch("optim.cu", "sgd_step_f32", param.numel(), at(param), at(grad), buf == null ? new Ptr(0) : at(buf),
                (long) param.numel(), firstStep ? 1 : 0, (float) lr, (float) momentum, (float) (1 - dampening), (float) weightDecay,
                nesterov ? 1 : 0, maximize ? 1 : 0);
    }

    @Override public void adamStep(View param, View grad, View m, View v, View vmax, long step, double lr, double beta1, double beta2,
                                   double eps, double weightDecay, boolean decoupled, boolean maximize) {
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        launch("optim.cu", "adam_step_f32", param.numel(), at(param), at(grad), at(m), at(v), vmax == null ? new Ptr(0) : at(vmax),
                (long) param.numel(), (float) (lr / bc1), (float) Math.sqrt(bc2), (float) eps, (float) beta1, (float) beta2,
                (float) (1 - beta1), (float) (1 - beta2), (float) weightDecay, (float) (1 - lr * weightDecay), decoupled ? 1 : 0, maximize ? 1 : 0);
    }

    @Override public boolean dropoutMask(View out, double p, long seed) {
        if (!f32(out) || !out.isContiguous()) return false;
        launch("random.cu", "philox_fill_f32", out.numel(), at(out), (long) out.numel(), seed, 0L, 2, (float) p, (float) (1 / (1 - p)));
        return true;
    }

    @Override public double get(Storage s, int i) {
        return switch (download((CudaStorage) s, i, 1)) {
            case float[] f -> f[0];
            case double[] d -> d[0];
            case long[] l -> l[0];
            case byte[] b -> b[0];
            default -> throw new AssertionError();
        };
    }

    /**
     * One element, converted as the CPU backends' set does, written by a one-element fill: queued like any op (a
     * scalar operand of an op does not wait for the GPU), the value passed as the kernel's argument.
     */
    @Override public void set(Storage s, int i, double v) { fill(new View(s, new int[] {1}, new int[] {1}, i), v); }

    /** Device memory held by live tensors and kept in the allocator's cache, in bytes. */
    public long[] memory() { return new long[] {allocator.inUse(), allocator.cached()}; }
}
