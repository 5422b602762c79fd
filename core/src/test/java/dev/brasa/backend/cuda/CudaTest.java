package dev.brasa.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brasa.Brasa;
import dev.brasa.Cuda;
import dev.brasa.Device;
import dev.brasa.Tensor;
import dev.brasa.cuda.Cublas;
import dev.brasa.cuda.Cudart;
import dev.brasa.cuda.Nvrtc;
import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GPU path where it can run: every kernel source compile-checked by nvcc when nvcc is
 * installed; NVRTC compiling them through the FFM bindings when libnvrtc loads; cuBLAS SGEMM with
 * the row-major trick against the CPU when a GPU answers. Each skips with its reason otherwise.
 */
class CudaTest {

    static List<String> sources() { return KernelCompiler.SOURCES; }

    private static Path nvcc() {
        List<Path> c = new ArrayList<>();
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) if (!d.isEmpty()) c.add(Path.of(d, "nvcc"));
        c.add(Path.of("/usr/local/cuda/bin/nvcc"));
        for (Path p : c) if (Files.isExecutable(p)) return p;
        return null;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void kernelSourceCompilesWithNvcc(String name) throws Exception {
        Path nvcc = nvcc();
        assumeTrue(nvcc != null, "nvcc is not installed (not on PATH, not in /usr/local/cuda/bin): kernel sources not compile-checked");
        Path dir = Files.createTempDirectory("brasa-nvcc");
        Path src = dir.resolve(name), ptx = dir.resolve(name + ".ptx");
        Files.writeString(src, KernelCompiler.source(name));
        Process p = new ProcessBuilder(nvcc.toString(), "-arch=sm_80", "--ptx", "-std=c++17", "-o", ptx.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nvcc timed out on " + name);
        assertEquals(0, p.exitValue(), "nvcc failed on " + name + ":\n" + out);
        assertTrue(Files.readString(ptx).contains(".entry"), name + " produced no kernel entry");
    }

    @Test
    void withoutAGpuCudaIsUnavailableWithItsReasonAndMovingATensorSaysSo() {
        assumeFalse(Cuda.isAvailable(), "a GPU is available here");
        assertEquals(0, Cuda.deviceCount());
        String why = Cuda.unavailableReason();
        assertNotNull(why);
        assertTrue(why.equals("no NVIDIA driver found (libcuda)") || why.equals("no CUDA device") || why.startsWith("driver too old")
                || why.startsWith("CUDA libraries not found: "), why);
        assertTrue(why.length() < 160, "a short reason: " + why);
        assertTrue(Cuda.unavailableDetails().length() >= why.length(), "the details: " + Cuda.unavailableDetails());
        var e = assertThrows(IllegalStateException.class, () -> Brasa.zeros(2).to(Device.cuda()));
        assertTrue(e.getMessage().contains("cuda"), e.getMessage());
        var s = assertThrows(IllegalStateException.class, Cuda::synchronize);
        assertTrue(s.getMessage().startsWith("CUDA is not available: "), s.getMessage());
        Tensor x = Brasa.ones(3);
        var p = assertThrows(IllegalStateException.class, x::pinMemory);
        assertEquals("Cannot pin memory: CUDA is not available (" + why + ")", p.getMessage());
        assertFalse(x.isPinned());
        assertSame(x, x.to(Device.CPU, true), "already there");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void nvrtcCompilesEveryKernelSource(String name) {
        assumeTrue(Nvrtc.LIBRARY.isLoaded(), "libnvrtc not found: " + Nvrtc.LIBRARY.notFoundMessage());
        String ptx = KernelCompiler.compile(name, KernelCompiler.source(name), "compute_80");
        assertTrue(ptx.contains(".entry"), name);
    }

    @Test
    void nvrtcReportsACompileErrorWithItsLog() {
        assumeTrue(Nvrtc.LIBRARY.isLoaded(), "libnvrtc not found: " + Nvrtc.LIBRARY.notFoundMessage());
        var e = assertThrows(dev.brasa.cuda.CudaException.class,
                () -> KernelCompiler.compile("bad.cu", "extern \"C\" __global__ void k() { undefined_name = 1; }", "compute_80"));
        assertTrue(e.getMessage().contains("undefined_name") && e.library() == dev.brasa.cuda.CudaException.Library.NVRTC, e.getMessage());
    }

    /** C[m,n] = A[m,k] B[k,n] row-major through column-major cuBLAS: compute C^T = B^T A^T, no copies. */
    @Test
    void cublasSgemmWithTheRowMajorTrickMatchesTheCpu() {
        assumeTrue(Cuda.isAvailable(), "no usable CUDA GPU: " + Cuda.unavailableReason());
        int m = 67, k = 129, n = 33;
        var a = Brasa.randn(m, k);
        var b = Brasa.randn(k, n);
        float[] expect = a.matmul(b).toFloatArray();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dA = devAlloc(arena, a.toFloatArray()), dB = devAlloc(arena, b.toFloatArray());
            MemorySegment dC = devAlloc(arena, new float[m * n]);
            MemorySegment h = arena.allocate(ValueLayout.ADDRESS);
            assertEquals(0, Cublas.cublasCreate_v2(h));
            MemorySegment handle = h.get(ValueLayout.ADDRESS, 0);
            MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f), zero = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
            assertEquals(0, Cublas.cublasSgemm_v2(handle, Cublas.CUBLAS_OP_N, Cublas.CUBLAS_OP_N, n, m, k, one, dB, n, dA, k, zero, dC, n));
            MemorySegment host = arena.allocate(ValueLayout.JAVA_FLOAT, (long) m * n);
            assertEquals(0, Cudart.cudaMemcpy(host, dC, 4L * m * n, Cudart.cudaMemcpyDeviceToHost));
            for (int i = 0; i < m * n; i++) assertEquals(expect[i], host.getAtIndex(ValueLayout.JAVA_FLOAT, i), 1e-3 + 1e-4 * Math.abs(expect[i]));
            Cublas.cublasDestroy_v2(handle);
            Cudart.cudaFree(dA);
            Cudart.cudaFree(dB);
            Cudart.cudaFree(dC);
        }
    }

    /** The same ops, values and gradients, on the CPU and on CUDA (float32, tolerance 1e-4 relative). */
    @Test
    void cudaOpsAndGradientsMatchTheCpu() {
        assumeTrue(Cuda.isAvailable(), "no usable CUDA GPU: " + Cuda.unavailableReason());
        java.util.Map<String, java.util.function.Function<dev.brasa.Tensor[], dev.brasa.Tensor>> ops = new java.util.LinkedHashMap<>();
        ops.put("exp", t -> t[0].exp());
        ops.put("tanh", t -> t[0].tanh());
        ops.put("sigmoid", t -> t[0].sigmoid());
        ops.put("relu", t -> t[0].relu());
        ops.put("add broadcast", t -> t[0].add(t[2]));
        ops.put("mul", t -> t[0].mul(t[0]));
        ops.put("sum dim 0", t -> t[0].sum(0));
        ops.put("softmax", t -> t[0].softmax(1));
        ops.put("logSoftmax", t -> t[0].logSoftmax(1));
        ops.put("matmul NN", t -> t[0].matmul(t[1]));
        ops.put("matmul NT", t -> t[0].matmul(t[0].t()));
        ops.put("matmul TN", t -> t[0].t().matmul(t[0]));
        ops.put("linear tanh", t -> dev.brasa.internal.TensorAccess.get().linear(t[0], t[1].t(), t[2], dev.brasa.backend.UnaryOp.TANH));
        ops.put("linear relu", t -> dev.brasa.internal.TensorAccess.get().linear(t[0], t[1].t(), t[2], dev.brasa.backend.UnaryOp.RELU));
        ops.put("linear sigmoid, no bias", t -> dev.brasa.internal.TensorAccess.get().linear(t[0], t[1].t(), null, dev.brasa.backend.UnaryOp.SIGMOID));
        ops.put("linear, no activation", t -> dev.brasa.internal.TensorAccess.get().linear(t[0], t[1].t(), t[2], null));
        ops.put("argmax as float", t -> t[0].argmax(1).toFloat());
        ops.put("comparison as float", t -> t[0].gt(t[2]).toFloat());
        ops.put("cross entropy", t -> dev.brasa.nn.F.crossEntropy(t[0], classes(t[0])));
        ops.put("cross entropy smoothed, ignored, per row", t -> dev.brasa.nn.F.crossEntropy(t[0], classes(t[0]), 3, 0.1,
                dev.brasa.nn.Reduction.NONE));
        ops.put("bce with logits", t -> dev.brasa.nn.F.binaryCrossEntropyWithLogits(t[0], t[0].detach().sigmoid(), null,
                dev.brasa.nn.Reduction.MEAN));
        ops.put("bce", t -> dev.brasa.nn.F.binaryCrossEntropy(t[0].sigmoid(), t[0].detach().gt(0f).toFloat(), null,
                dev.brasa.nn.Reduction.SUM));
        ops.put("batch norm", t -> new dev.brasa.nn.BatchNorm1d(19).to(t[0].device()).forward(t[0]));
        java.util.Map<String, java.util.Map<String, Long>> unexpected = new java.util.LinkedHashMap<>();
        for (var e : ops.entrySet()) {
            Brasa.manualSeed(1);
            dev.brasa.Tensor[] cpu = {Brasa.randn(37, 19).requiresGrad_(true), Brasa.randn(19, 23).requiresGrad_(true),
                Brasa.randn(e.getKey().startsWith("linear") ? 23 : 19).requiresGrad_(true)};
            dev.brasa.Tensor[] gpu = new dev.brasa.Tensor[3];
            for (int i = 0; i < 3; i++) gpu[i] = cpu[i].detach().to(Device.cuda()).requiresGrad_(true);
            CudaBackend.resetHostFallbacks();
            dev.brasa.Tensor yc = e.getValue().apply(cpu), yg = e.getValue().apply(gpu);
            assertEquals(Device.cuda(), yg.device(), e.getKey());
            close(yc.toFloatArray(), yg.toFloatArray(), e.getKey());
            if (yc.requiresGrad()) {        // argmax, comparisons: values only
                yc.sum().backward();
                yg.sum().backward();
                for (int i = 0; i < 3; i++) {
                    if (cpu[i].grad() != null) close(cpu[i].grad().toFloatArray(), gpu[i].grad().toFloatArray(), e.getKey() + " grad " + i);
                }
            }
            if (!CudaBackend.hostFallbacks().isEmpty()) unexpected.put(e.getKey(), CudaBackend.hostFallbacks());
        }
        assertEquals(java.util.Map.of(), unexpected, "float32 ops that ran on the host instead of the GPU (op: fallbacks)");
    }

    /**
     * Convolutions on the GPU against the CPU, values and the input, weight and bias gradients: through
     * cuDNN where it loaded (stride, padding, dilation, groups, no bias, a fused ReLU), and the geometry
     * cuDNN cannot express (padding='same' with an even kernel) through im2col + cuBLAS; none on the host.
     */
    @Test
    void convolutionsMatchTheCpuThroughCudnnAndItsFallback() {
        assumeTrue(Cuda.isAvailable(), "no usable CUDA GPU: " + Cuda.unavailableReason());
        System.out.println("cuDNN version: " + Cuda.cudnnVersion());
        java.util.Map<String, java.util.function.Function<dev.brasa.Tensor[], dev.brasa.Tensor>> ops = new java.util.LinkedHashMap<>();
        ops.put("3x3 pad 1", t -> dev.brasa.nn.F.conv2d(t[0], t[1], t[2], 1, 1));
        ops.put("stride 2 dilation 2 groups 2", t -> dev.brasa.nn.F.conv2d(t[0], t[1].slice(1, 0, 2).contiguous(), t[2], 2, 2, 2, 2));
        ops.put("no bias, stride (2, 1), pad (0, 1)", t -> dev.brasa.nn.F.conv2d(t[0], t[1], null, new int[] {2, 1}, new int[] {0, 1},
                new int[] {1, 1}, 1));
        ops.put("same, even kernel (im2col + cuBLAS)", t -> dev.brasa.nn.F.conv2d(t[0], t[3], t[2], new int[] {1, 1}, "same",
                new int[] {1, 1}, 1));
        ops.put("fused relu", t -> {
            Brasa.manualSeed(7);            // the same weights on both devices
            var m = new dev.brasa.nn.Sequential(new dev.brasa.nn.Conv2d(4, 6, 3, 1, 1), new dev.brasa.nn.ReLU()).to(t[0].device());
            return m.forward(t[0]);
        });
        java.util.Map<String, java.util.Map<String, Long>> unexpected = new java.util.LinkedHashMap<>();
        for (var e : ops.entrySet()) {
            Brasa.manualSeed(3);
            dev.brasa.Tensor[] cpu = {Brasa.randn(5, 4, 11, 9).requiresGrad_(true), Brasa.randn(6, 4, 3, 3).requiresGrad_(true),
                Brasa.randn(6).requiresGrad_(true), Brasa.randn(6, 4, 4, 2).requiresGrad_(true)};
            dev.brasa.Tensor[] gpu = new dev.brasa.Tensor[cpu.length];
            for (int i = 0; i < cpu.length; i++) gpu[i] = cpu[i].detach().to(Device.cuda()).requiresGrad_(true);
            CudaBackend.resetHostFallbacks();
            dev.brasa.Tensor yc = e.getValue().apply(cpu), yg = e.getValue().apply(gpu);
            assertEquals(Device.cuda(), yg.device(), e.getKey());
            close(yc.toFloatArray(), yg.toFloatArray(), e.getKey());
            yc.mul(yc).sum().backward();
            yg.mul(yg).sum().backward();
            for (int i = 0; i < cpu.length; i++) {
                if (cpu[i].grad() != null) close(cpu[i].grad().toFloatArray(), gpu[i].grad().toFloatArray(), e.getKey() + " grad " + i);
            }
            if (!CudaBackend.hostFallbacks().isEmpty()) unexpected.put(e.getKey(), CudaBackend.hostFallbacks());
        }
        assertEquals(java.util.Map.of(), unexpected, "convolutions that ran on the host (op: fallbacks)");
    }

    /**
     * Integer and boolean tensors, strided destinations and changes of dtype on the GPU, against the same calls
     * on the CPU element for element (int64 exact beyond 2^53, NaN and overflow converted as Java casts): a copy
     * from each dtype into a transposed view of each dtype, fill of a strided view of each dtype, int64
     * arithmetic (wrapping) and comparisons with broadcasting, sums and extremes of int64 and bool, a scalar
     * operand written and an element read; none on the host.
     */
    @Test
    void integerAndBooleanOpsAndStridedCopiesRunOnTheGpu() {
        assumeTrue(Cuda.isAvailable(), "no usable CUDA GPU: " + Cuda.unavailableReason());
        long big = (1L << 53) + 1;
        java.util.Map<dev.brasa.DType, java.util.function.Function<Device, dev.brasa.Tensor>> sources = new java.util.LinkedHashMap<>();
        sources.put(dev.brasa.DType.FLOAT32, d -> Brasa.tensor(1.5f, -2.7f, Float.NaN, 3e20f, -0.0f, 1e-3f).reshape(2, 3).to(d));
        sources.put(dev.brasa.DType.FLOAT64, d -> Brasa.tensor(Math.PI, 1e300, -1e-310, Double.NaN, -9.3e18, 0.5).reshape(2, 3).to(d));
        sources.put(dev.brasa.DType.INT64, d -> Brasa.tensor(big, -3L, 7L, Long.MAX_VALUE, 0L, -big).reshape(2, 3).to(d));
        sources.put(dev.brasa.DType.BOOL, d -> Brasa.tensor(true, false, true, true, false, false).reshape(2, 3).to(d));
        java.util.Map<String, java.util.function.Function<Device, dev.brasa.Tensor>> ops = new java.util.LinkedHashMap<>();
        for (var src : sources.entrySet()) {
            for (dev.brasa.DType to : sources.keySet()) {
                ops.put("copy " + src.getKey() + " into a transposed " + to, d -> {
                    dev.brasa.Tensor dst = Brasa.zeros(to, 3, 2).to(d);
                    dst.t().copy_(src.getValue().apply(d));
                    return dst;
                });
            }
        }
        for (dev.brasa.DType dt : sources.keySet()) {
            ops.put("fill a strided " + dt, d -> {
                dev.brasa.Tensor t = Brasa.zeros(dt, 4, 3).to(d);
                t.t().slice(1, 1, 3).fill_(-2.5);
                return t;
            });
        }
        java.util.function.Function<Device, dev.brasa.Tensor> a = sources.get(dev.brasa.DType.INT64);
        java.util.function.Function<Device, dev.brasa.Tensor> b = d -> Brasa.tensor(2L, -3L, 9L).to(d);
        ops.put("int64 add", d -> a.apply(d).add(b.apply(d)));
        ops.put("int64 sub", d -> a.apply(d).sub(b.apply(d)));
        ops.put("int64 mul, wrapping", d -> a.apply(d).mul(b.apply(d)));
        ops.put("int64 maximum", d -> a.apply(d).maximum(b.apply(d)));
        ops.put("int64 minimum", d -> a.apply(d).minimum(b.apply(d)));
        ops.put("int64 eq", d -> a.apply(d).eq(b.apply(d)));
        ops.put("int64 ne", d -> a.apply(d).ne(b.apply(d)));
        ops.put("int64 gt", d -> a.apply(d).gt(b.apply(d)));
        ops.put("int64 ge", d -> a.apply(d).ge(b.apply(d)));
        ops.put("int64 lt", d -> a.apply(d).lt(b.apply(d)));
        ops.put("int64 le", d -> a.apply(d).le(b.apply(d)));
        ops.put("int64 sum", d -> a.apply(d).sum());
        ops.put("int64 sum of each column", d -> a.apply(d).sum(0));
        ops.put("int64 sum of each row", d -> a.apply(d).sum(1));
        ops.put("int64 max", d -> a.apply(d).max());
        ops.put("int64 min", d -> a.apply(d).min());
        ops.put("bool sum", d -> sources.get(dev.brasa.DType.BOOL).apply(d).sum());
        ops.put("bool sum of each column", d -> sources.get(dev.brasa.DType.BOOL).apply(d).sum(0));
        ops.put("accuracy count over 5000 rows", d -> {
            Brasa.manualSeed(5);
            dev.brasa.Tensor logits = Brasa.randn(5000, 10).to(d), target = Brasa.randint(0, 10, 5000).to(d);
            return logits.argmax(1).eq(target).sum();
        });
        ops.put("a scalar operand", d -> Brasa.tensor(1f, 2f).to(d).mul(0.1));
        java.util.Map<String, java.util.Map<String, Long>> unexpected = new java.util.LinkedHashMap<>();
        for (var e : ops.entrySet()) {
            dev.brasa.Tensor c = e.getValue().apply(Device.CPU);
            CudaBackend.resetHostFallbacks();
            dev.brasa.Tensor g = e.getValue().apply(Device.cuda());
            var fell = CudaBackend.hostFallbacks();
            assertEquals(Device.cuda(), g.device(), e.getKey());
            assertEquals(c.dtype(), g.dtype(), e.getKey());
            assertArrayEquals(c.shape(), g.shape(), e.getKey());
            g = g.to(Device.CPU);
            switch (c.dtype()) {
                case FLOAT32 -> assertArrayEquals(c.toFloatArray(), g.toFloatArray(), e.getKey());
                case FLOAT64 -> assertArrayEquals(c.toDoubleArray(), g.toDoubleArray(), e.getKey());
                case INT64 -> assertArrayEquals(c.toLongArray(), g.toLongArray(), e.getKey());
                default -> assertArrayEquals(c.toBooleanArray(), g.toBooleanArray(), e.getKey());
            }
            if (!fell.isEmpty()) unexpected.put(e.getKey(), fell);
        }
        assertEquals(java.util.Map.of(), unexpected, "integer, boolean and strided ops that ran on the host (op: fallbacks)");
        dev.brasa.Tensor one = Brasa.tensor(big).to(Device.cuda());
        assertEquals(big, one.itemLong(), "an int64 element read back exactly");
        assertEquals(-3.0, a.apply(Device.cuda()).slice(1, 1, 2).slice(0, 0, 1).itemDouble(), "an element at an offset");
    }

    /** A GPU tensor prints its device first among the suffixes, as PyTorch 1.13 prints them. */
    @Test
    void gpuTensorsPrintTheirDeviceAsPyTorch() {
        assumeTrue(Cuda.isAvailable(), "no usable CUDA GPU: " + Cuda.unavailableReason());
        assertEquals("tensor([1., 2.], device='cuda:0')", Brasa.tensor(1f, 2f).cuda().toString());
        assertEquals("tensor([1, 2], device='cuda:0')", Brasa.tensor(1L, 2L).cuda().toString());
        assertEquals("tensor([1., 2.], device='cuda:0', dtype=torch.float64)", Brasa.tensor(1.0, 2.0).toDouble().cuda().toString());
        dev.brasa.Tensor w = Brasa.tensor(1f, 2f).cuda().requiresGrad_(true);
        assertEquals("tensor([1., 2.], device='cuda:0', requires_grad=True)", w.toString());
        assertEquals("tensor([2., 4.], device='cuda:0', grad_fn=<MulBackward0>)", w.mul(2.0).toString());
    }

    /** Class targets 0..18 cycling over the rows, on x's device. */
    private static dev.brasa.Tensor classes(dev.brasa.Tensor x) {
        long[] t = new long[x.size(0)];
        for (int i = 0; i < t.length; i++) t[i] = i % x.size(1);
        return Brasa.tensor(t).to(x.device());
    }

    /**
     * Pinned tensors ({@code pin_memory()}) and pinned loader batches: their moves to the GPU are DMAs
     * from the pinned block, queued without waiting, and must still give each move the values the
     * tensor had when it moved (an in-place write between two moves included), for views, every dtype
     * and many moves in flight; blocks come back to the cache instead of a cudaMallocHost per tensor.
     */
    @Test
    void pinnedTensorsMoveToTheGpuWithTheirValuesAtEachMove() {
        assumeTrue(Cuda.isAvailable(), "no usable CUDA GPU: " + Cuda.unavailableReason());
        Device gpu = Device.cuda();
        Tensor x = Brasa.arange(12).reshape(3, 4).toFloat();
        Tensor p = x.pinMemory();
        assertTrue(p.isPinned());
        assertFalse(x.isPinned(), "pin_memory() copies");
        assertSame(p, p.pinMemory(), "pinning a pinned tensor gives it back");
        assertArrayEquals(x.toFloatArray(), p.toFloatArray());
        Tensor g1 = p.to(gpu, true);
        p.mul_(2);                                    // while the first copy may still be queued
        Tensor g2 = p.to(gpu);
        assertArrayEquals(x.toFloatArray(), g1.toFloatArray(), "the values at the first move");
        assertArrayEquals(x.mul(2).toFloatArray(), g2.toFloatArray(), "the in-place write seen by the next move");
        assertArrayEquals(new float[] {8, 10, 12, 14}, p.select(0, 1).to(gpu).toFloatArray(), "a contiguous view at an offset");
        assertArrayEquals(x.mul(2).t().toFloatArray(), p.t().to(gpu).toFloatArray(), "a transposed view");
        assertArrayEquals(new long[] {-3, 1L << 60}, Brasa.tensor(new long[] {-3, 1L << 60}).pinMemory().to(gpu).toLongArray());
        Tensor d64 = Brasa.tensor(new double[] {1, -2}).toDouble().div(Brasa.tensor(new double[] {3, 7}).toDouble());
        assertArrayEquals(new double[] {1.0 / 3, -2.0 / 7}, d64.pinMemory().cuda().toDoubleArray(), "float64 kept to the last bit");
        Tensor mask = Brasa.tensor(new float[] {1, -1, 2}).gt(0).pinMemory();
        assertEquals("tensor([ True, False,  True], device='cuda:0')", mask.cuda().toString());
        var e = assertThrows(IllegalArgumentException.class, () -> g1.pinMemory());
        assertEquals("cannot pin a tensor on cuda:0: only dense CPU tensors can be pinned", e.getMessage());

        // many moves in flight, each from its own pinned tensor: every GPU sum sees its own values
        Tensor w = Brasa.ones(4096, 1).to(gpu);
        List<Tensor> sums = new ArrayList<>();
        long before = PinnedMemory.mallocs();
        for (int i = 0; i < 2000; i++) {
            Tensor b = Brasa.full(i, 64, 4096).pinMemory();
            sums.add(b.to(gpu, true).matmul(w).sum());
        }
        for (int i = 0; i < 2000; i++) assertEquals(64.0 * 4096 * i, sums.get(i).itemDouble(), 1e-6 * 64 * 4096 * i, "move " + i);
        long mallocs = PinnedMemory.mallocs() - before;
        assertTrue(mallocs < 400, "the cache reuses blocks: " + mallocs + " cudaMallocHost calls for 2000 pinned 1 MiB tensors, "
                + PinnedMemory.held() + " bytes held");

        // a pinned loader: batches pinned in place, each giving its block back when the next is asked for;
        // a batch kept and moved later still has its values; a few blocks serve a whole epoch
        Tensor data = Brasa.arange(8192 * 256).reshape(8192, 256).toFloat();
        var big = new dev.brasa.data.TensorDataset(data, Brasa.arange(data.size(0)));
        for (int workers : new int[] {0, 2}) {
            long m0 = PinnedMemory.mallocs();
            List<dev.brasa.data.Sample> kept = new ArrayList<>();
            dev.brasa.data.Sample prev = null;
            for (var b : dev.brasa.data.DataLoader.builder(big).batchSize(64).shuffle(true).seed(2).numWorkers(workers).pinMemory(true).build()) {
                assertTrue(b.x().isPinned() && b.y().isPinned(), "batch pinned");
                if (prev != null) assertFalse(prev.x().isPinned(), "the previous batch gave its block back");
                assertArrayEquals(b.x().toFloatArray(), b.x().to(gpu, true).toFloatArray());
                if (kept.size() < 3) kept.add(b);
                prev = b;
            }
            for (var b : kept) assertArrayEquals(data.index(b.y()).toFloatArray(), b.x().cuda().toFloatArray(), "a kept batch moved later");
            long m = PinnedMemory.mallocs() - m0;
            assertTrue(m <= 4 * (workers + 2), m + " cudaMallocHost calls for " + (data.size(0) / 64) + " batches, " + workers + " workers");
        }

        // differentiable moves: CPU leaf -> GPU (ToCopyBackward0 sends the gradient back to the CPU), and a pinned copy
        Tensor leaf = Brasa.tensor(new float[] {1, 2, 3}).requiresGrad_(true);
        Tensor onGpu = leaf.to(gpu), viaPin = leaf.pinMemory();
        assertEquals("ToCopyBackward0", onGpu.gradFn().name());
        assertEquals("PinMemoryBackward0", viaPin.gradFn().name());
        onGpu.mul(onGpu).sum().add(viaPin.mul(3f).sum().to(gpu)).backward();
        assertEquals(Device.CPU, leaf.grad().device());
        assertArrayEquals(new float[] {5, 7, 9}, leaf.grad().toFloatArray(), "2 x + 3");

        // a pinned loader gives the same training as an unpinned one
        Tensor xs = Brasa.randn(256, 8), ys = Brasa.randn(256, 1);
        float[][] weights = new float[2][];
        for (int k = 0; k < 2; k++) {
            Brasa.manualSeed(5);
            var net = new dev.brasa.nn.Linear(8, 1);
            net.to(gpu);
            var opt = new dev.brasa.optim.SGD(net.parameters(), 0.05);
            var loader = dev.brasa.data.DataLoader.builder(new dev.brasa.data.TensorDataset(xs, ys)).batchSize(32).shuffle(true).seed(1)
                    .numWorkers(k).pinMemory(k == 1).build();
            for (int epoch = 0; epoch < 3; epoch++) {
                for (var b : loader) {
                    assertEquals(k == 1, b.x().isPinned());
                    Tensor loss = net.forward(b.x().to(gpu, true)).sub(b.y().to(gpu, true)).pow(2).mean();
                    opt.zeroGrad();
                    loss.backward();
                    opt.step();
                }
            }
            weights[k] = net.weight().toFloatArray();
        }
        assertArrayEquals(weights[0], weights[1], "pinned and unpinned batches train alike");
    }

    /** Module.to keeps each Parameter object (PyTorch's param.data = ...): a field holding one stays valid. */
    @Test
    void movingAModuleKeepsItsParameterObjects() {
        assumeTrue(Cuda.isAvailable(), "no usable CUDA GPU: " + Cuda.unavailableReason());
        var m = new dev.brasa.nn.Linear(3, 2);
        var w = m.weight();
        float[] before = w.toFloatArray();
        m.forward(Brasa.ones(1, 3)).sum().backward();
        m.to(Device.cuda());
        assertSame(w, m.weight(), "the same Parameter object");
        assertEquals(Device.cuda(), w.device());
        assertEquals(Device.cuda(), w.grad().device(), "the gradient moved too");
        assertArrayEquals(before, w.toFloatArray());
        assertEquals(Device.cuda(), w.matmul(Brasa.ones(3, 1).to(Device.cuda())).device());
    }

    @Test
    void dropoutOnTheGpuKeepsAboutOneMinusPAndScales() {
        assumeTrue(Cuda.isAvailable(), "no usable CUDA GPU: " + Cuda.unavailableReason());
        float[] y = Brasa.dropout(Brasa.ones(100_000).to(Device.cuda()), 0.3, true).toFloatArray();
        int kept = 0;
        for (float v : y) {
            if (v != 0) {
                assertEquals(1 / 0.7f, v, 1e-6);
                kept++;
            }
        }
        assertEquals(0.7, kept / 100_000.0, 0.01);
    }

    private static void close(float[] e, float[] a, String what) {
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], 1e-4 + 1e-4 * Math.abs(e[i]), what + " element " + i);
    }

    /** Ops return once queued; synchronize waits, and a value read afterwards is the last op's. */
    @Test
    void queuedProductsFinishBySynchronize() {
        assumeTrue(Cuda.isAvailable(), "no usable CUDA GPU: " + Cuda.unavailableReason());
        var a = Brasa.ones(512, 512).to(Device.cuda());
        var c = a;
        for (int i = 0; i < 20; i++) c = c.matmul(a).div(512f);
        Cuda.synchronize();
        float[] v = c.toFloatArray();
        for (int i = 0; i < v.length; i += 4099) assertEquals(1f, v[i], 1e-5f, "element " + i);
    }

    @Test
    void mixingDevicesIsRefusedWithPyTorchsMessage() {
        assumeTrue(Cuda.isAvailable(), "no usable CUDA GPU: " + Cuda.unavailableReason());
        var e = assertThrows(IllegalArgumentException.class, () -> Brasa.ones(3).to(Device.cuda()).add(Brasa.ones(3)));
        assertTrue(e.getMessage().startsWith("Expected all tensors to be on the same device"), e.getMessage());
        // a float64 op runs on the host behind the scenes: a CPU operand still gets the message
        var d = assertThrows(IllegalArgumentException.class,
                () -> Brasa.ones(3).toDouble().to(Device.cuda()).mul(Brasa.ones(3).toDouble()));
        assertTrue(d.getMessage().startsWith("Expected all tensors to be on the same device"), d.getMessage());
    }

    private static MemorySegment devAlloc(Arena arena, float[] values) {
        MemorySegment p = arena.allocate(ValueLayout.ADDRESS);
        assertEquals(0, Cudart.cudaMalloc(p, 4L * values.length));
        MemorySegment d = p.get(ValueLayout.ADDRESS, 0);
        assertEquals(0, Cudart.cudaMemcpy(d, arena.allocateFrom(ValueLayout.JAVA_FLOAT, values), 4L * values.length,
                Cudart.cudaMemcpyHostToDevice));
        return d;
    }
}
