package dev.brasa.backend.cuda;

import dev.brasa.backend.Window2d;
import dev.brasa.cuda.Cudnn;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * Float convolutions through cuDNN (its legacy API, NCHW): forward, backward-data, backward-filter and
 * the bias gradient. One handle on the backend's stream; per geometry, the descriptors and the
 * algorithm of each direction, chosen the first time by cuDNN's own search (the {@code Find...Ex} calls,
 * timed on the real operands, as PyTorch's {@code cudnn.benchmark}), kept for later calls. Workspaces
 * come from the backend's caching allocator, so a training loop stops calling cudaMalloc after its first
 * steps. Full float precision unless {@code brasa.cuda.tf32} is set: the descriptor's math type is
 * {@code CUDNN_FMA_MATH} (cuDNN's default math would run float convolutions as TF32 on Ampere and newer),
 * and a search result on tensor cores is skipped. Geometries cuDNN cannot express (the asymmetric
 * padding of {@code padding="same"} with an even kernel) are refused by {@link #fits}; the backend then
 * runs its im2col + cuBLAS path.
 */
final class CudnnConvolutions {
    /** The largest workspace an algorithm search may use, 256 MiB: faster algorithms needing more are skipped. */
    static final long SEARCH_WORKSPACE = 256L << 20;
    private static final int ALGOS = 16;

    private final CudaAllocator allocator;
    private final boolean tf32;
    private final MemorySegment handle;
    private final Map<Key, Plan> plans = new HashMap<>();

    /** The version cuDNN reports (for example 90100 for 9.1.0), or 0 when it did not load or does not answer. */
    static int version() {
        if (!Cudnn.LIBRARY.isLoaded()) return 0;
        try {
            return (int) Cudnn.cudnnGetVersion();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    CudnnConvolutions(CudaAllocator allocator, MemorySegment stream, boolean tf32) {
        this.allocator = allocator;
        this.tf32 = tf32;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(ValueLayout.ADDRESS);
            CudaErrors.dnn(Cudnn.cudnnCreate(h), "cudnnCreate");
            handle = h.get(ValueLayout.ADDRESS, 0);
            CudaErrors.dnn(Cudnn.cudnnSetStream(handle, stream), "cudnnSetStream");
        }
    }

    /** True when cuDNN's output size (symmetric padding) is the geometry's, so cuDNN computes exactly this convolution. */
    static boolean fits(Window2d g) {
        if (g.adaptive() || g.n() == 0 || g.oh() == 0 || g.ow() == 0) return false;
        int oh = (g.h() + 2 * g.ph() - g.dh() * (g.kh() - 1) - 1) / g.sh() + 1;
        int ow = (g.w() + 2 * g.pw() - g.dw() * (g.kw() - 1) - 1) / g.sw() + 1;
        return oh == g.oh() && ow == g.ow();
    }

    /** y = conv(x, w) (+ bias [oc] when bias != 0); every address a dense float array. */
    synchronized void forward(long x, long w, long bias, long y, Window2d g, int oc, int groups) {
        Plan p = plan(g, oc, groups);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocateFrom(ValueLayout.JAVA_FLOAT, 1f), zero = a.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
            if (p.fwd == null) {
                p.fwd = search(a, "cudnnFindConvolutionForwardAlgorithmEx", (count, perf, ws, bytes) ->
                        Cudnn.cudnnFindConvolutionForwardAlgorithmEx(handle, p.x, ptr(x), p.w, ptr(w), p.conv, p.y, ptr(y), ALGOS, count, perf,
                                ws, bytes));
            }
            run(p, p.fwd, "cudnnConvolutionForward", (algo, ws, bytes) ->
                    Cudnn.cudnnConvolutionForward(handle, one, p.x, ptr(x), p.w, ptr(w), p.conv, algo, ws, bytes, zero, p.y, ptr(y)));
            if (bias != 0) CudaErrors.dnn(Cudnn.cudnnAddTensor(handle, one, p.bias, ptr(bias), one, p.y, ptr(y)), "cudnnAddTensor");
        }
    }

    /**
     * From gp (the gradient of the convolution's output, dense [n, oc, oh, ow]) writes gx = conv's
     * data gradient, gw = its filter gradient and gb = gp summed per channel, each only when its
     * address is not 0 (overwritten, not accumulated).
     */
    synchronized void backward(long gp, long x, long w, long gx, long gw, long gb, Window2d g, int oc, int groups) {
        Plan p = plan(g, oc, groups);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocateFrom(ValueLayout.JAVA_FLOAT, 1f), zero = a.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
            if (gb != 0) CudaErrors.dnn(Cudnn.cudnnConvolutionBackwardBias(handle, one, p.y, ptr(gp), zero, p.bias, ptr(gb)), "cudnnConvolutionBackwardBias");
            if (gw != 0) {
                if (p.filter == null) {
                    p.filter = search(a, "cudnnFindConvolutionBackwardFilterAlgorithmEx", (count, perf, ws, bytes) ->
                            Cudnn.cudnnFindConvolutionBackwardFilterAlgorithmEx(handle, p.x, ptr(x), p.y, ptr(gp), p.conv, p.w, ptr(gw), ALGOS,
                                    count, perf, ws, bytes));
                }
                run(p, p.filter, "cudnnConvolutionBackwardFilter", (algo, ws, bytes) ->
                        Cudnn.cudnnConvolutionBackwardFilter(handle, one, p.x, ptr(x), p.y, ptr(gp), p.conv, algo, ws, bytes, zero, p.w, ptr(gw)));
            }
            if (gx != 0) {
                if (p.data == null) {
                    p.data = search(a, "cudnnFindConvolutionBackwardDataAlgorithmEx", (count, perf, ws, bytes) ->
                            Cudnn.cudnnFindConvolutionBackwardDataAlgorithmEx(handle, p.w, ptr(w), p.y, ptr(gp), p.conv, p.x, ptr(gx), ALGOS,
                                    count, perf, ws, bytes));
                }
                run(p, p.data, "cudnnConvolutionBackwardData", (algo, ws, bytes) ->
                        Cudnn.cudnnConvolutionBackwardData(handle, one, p.w, ptr(w), p.y, ptr(gp), p.conv, algo, ws, bytes, zero, p.x, ptr(gx)));
            }
        }
    }

    @FunctionalInterface
    private interface Call {
        int run(int algo, MemorySegment workspace, long bytes);
    }

    /** Runs one convolution call with its algorithm's math type and a workspace from the caching allocator, given back after. */
    private void run(Plan p, Algo al, String name, Call call) {
        long ws = al.workspace == 0 ? 0 : allocator.allocate(al.workspace);
        try {
            CudaErrors.dnn(Cudnn.cudnnSetConvolutionMathType(p.conv, al.math), "cudnnSetConvolutionMathType");
            CudaErrors.dnn(call.run(al.algo, ptr(ws), al.workspace), name);
        } finally {
            if (ws != 0) allocator.free(ws, al.workspace);      // one stream: the next op that takes this block runs after this one
        }
    }

    // ---------------------------------------------------------------- descriptors and algorithms

    private record Key(Window2d g, int oc, int groups) {}

    /** An algorithm with its workspace in bytes and the math type it was timed with. */
    record Algo(int algo, long workspace, int math) {}

    /** The descriptors of one geometry and the algorithm found for each direction (null until searched). */
    private static final class Plan {
        MemorySegment x, w, y, bias, conv;
        Algo fwd, data, filter;
    }

    private Plan plan(Window2d g, int oc, int groups) {
        return plans.computeIfAbsent(new Key(g, oc, groups), k -> {
            Plan p = new Plan();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment out = a.allocate(ValueLayout.ADDRESS);
                p.x = tensor(a, out, g.n(), g.c(), g.h(), g.w());
                p.y = tensor(a, out, g.n(), oc, g.oh(), g.ow());
                p.bias = tensor(a, out, 1, oc, 1, 1);
                CudaErrors.dnn(Cudnn.cudnnCreateFilterDescriptor(out), "cudnnCreateFilterDescriptor");
                p.w = out.get(ValueLayout.ADDRESS, 0);
                CudaErrors.dnn(Cudnn.cudnnSetFilter4dDescriptor(p.w, Cudnn.CUDNN_DATA_FLOAT, Cudnn.CUDNN_TENSOR_NCHW, oc, g.c() / groups, g.kh(), g.kw()),
                        "cudnnSetFilter4dDescriptor");
                CudaErrors.dnn(Cudnn.cudnnCreateConvolutionDescriptor(out), "cudnnCreateConvolutionDescriptor");
                p.conv = out.get(ValueLayout.ADDRESS, 0);
                CudaErrors.dnn(Cudnn.cudnnSetConvolution2dDescriptor(p.conv, g.ph(), g.pw(), g.sh(), g.sw(), g.dh(), g.dw(),
                        Cudnn.CUDNN_CROSS_CORRELATION, Cudnn.CUDNN_DATA_FLOAT), "cudnnSetConvolution2dDescriptor");
                CudaErrors.dnn(Cudnn.cudnnSetConvolutionGroupCount(p.conv, groups), "cudnnSetConvolutionGroupCount");
                CudaErrors.dnn(Cudnn.cudnnSetConvolutionMathType(p.conv, tf32 ? Cudnn.CUDNN_DEFAULT_MATH : Cudnn.CUDNN_FMA_MATH),
                        "cudnnSetConvolutionMathType");
            }
            return p;
        });
    }

    private static MemorySegment tensor(Arena a, MemorySegment out, int n, int c, int h, int w) {
        CudaErrors.dnn(Cudnn.cudnnCreateTensorDescriptor(out), "cudnnCreateTensorDescriptor");
        MemorySegment d = out.get(ValueLayout.ADDRESS, 0);
        CudaErrors.dnn(Cudnn.cudnnSetTensor4dDescriptor(d, Cudnn.CUDNN_TENSOR_NCHW, Cudnn.CUDNN_DATA_FLOAT, n, c, h, w), "cudnnSetTensor4dDescriptor");
        return d;
    }

    @FunctionalInterface
    private interface Finder {
        int find(MemorySegment count, MemorySegment perf, MemorySegment workspace, long bytes);
    }

    /** Runs one Find...Ex search with a workspace of at most {@link #SEARCH_WORKSPACE} and picks its result. */
    private Algo search(Arena a, String call, Finder finder) {
        MemorySegment count = a.allocate(ValueLayout.JAVA_INT), perf = a.allocate(Cudnn.ALGO_PERF_BYTES * ALGOS, 8);
        long bytes = SEARCH_WORKSPACE, ws;
        try {
            ws = allocator.allocate(bytes);
        } catch (IllegalStateException outOfMemory) {
            ws = 0;
            bytes = 0;
        }
        try {
            CudaErrors.dnn(finder.find(count, perf, ptr(ws), bytes), call);
        } finally {
            if (ws != 0) allocator.free(ws, bytes);
        }
        Algo best = pick(perf, count.get(ValueLayout.JAVA_INT, 0), tf32, bytes);
        if (best == null) throw new IllegalStateException(call + " found no algorithm that succeeded within " + bytes + " bytes of workspace");
        return best;
    }

    /**
     * The first (fastest: cuDNN sorts by time) of count perf records that succeeded, fits in the
     * workspace and, without TF32, does not run on tensor cores (and then runs with FMA math); null when none does.
     */
    static Algo pick(MemorySegment perf, int count, boolean tf32, long workspace) {
        for (int i = 0; i < count; i++) {
            long o = (long) i * Cudnn.ALGO_PERF_BYTES;
            int algo = perf.get(ValueLayout.JAVA_INT, o), status = perf.get(ValueLayout.JAVA_INT, o + 4);
            long memory = perf.get(ValueLayout.JAVA_LONG, o + 16);
            int math = perf.get(ValueLayout.JAVA_INT, o + 28);
            if (status != Cudnn.CUDNN_STATUS_SUCCESS || memory > workspace || memory < 0) continue;
            if (!tf32 && math == Cudnn.CUDNN_TENSOR_OP_MATH) continue;
            return new Algo(algo, memory, tf32 ? math : Cudnn.CUDNN_FMA_MATH);
        }
        return null;
    }

    private static MemorySegment ptr(long address) { return MemorySegment.ofAddress(address); }
}
