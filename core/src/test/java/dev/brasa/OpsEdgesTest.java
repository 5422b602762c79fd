package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.nn.F;
import dev.brasa.nn.MSELoss;
import dev.brasa.nn.Reduction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The autograd ops at their edges (found by scripts/mutation ops's survivors), each against what PyTorch
 * 1.13 prints for the same call: integer unary ops, refusals with PyTorch's messages, grad_fn names of
 * matmul, cross-entropy and BCE, an all-ignored mean, the 0-norm, argmax of a 0-d tensor, index at -rows,
 * gather of nothing, pooling's messages, in-place ops joining the graph, gradients keeping each input's
 * dtype, and a linear map of no features.
 */
class OpsEdgesTest {

    private static String refused(Supplier<?> call) {
        return assertThrows(IllegalArgumentException.class, call::get).getMessage();
    }

    @Test
    void integerUnaryOpsStayIntegers() {
        Tensor x = Brasa.tensor(1L, -2L, 0L);
        assertArrayEquals(new long[] {-1, 2, 0}, x.neg().toLongArray());
        assertEquals(DType.INT64, x.neg().dtype());
        assertArrayEquals(new long[] {1, 2, 0}, x.abs().toLongArray());
        assertArrayEquals(new long[] {1, 0, 0}, x.relu().toLongArray());
        assertArrayEquals(new long[] {1, -1, 0}, x.sign().toLongArray());
        assertArrayEquals(new long[] {1, 0, 0}, x.clamp(0, 1).toLongArray());
        assertEquals(DType.FLOAT32, x.exp().dtype(), "other ops give floats");
        assertEquals("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or "
                + "`logical_not()` operator instead.", refused(() -> Brasa.tensor(true).neg()));
        assertEquals("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator "
                + "instead.", refused(() -> Brasa.tensor(true).sub(Brasa.tensor(false))));
        assertEquals("softmax expects a floating tensor, got INT64", refused(() -> x.softmax(0)));
        assertEquals("log_softmax expects a floating tensor, got INT64", refused(() -> x.logSoftmax(0)));
        assertEquals("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: INT64",
                refused(() -> x.mean(new int[] {0}, false)));
        assertEquals(DType.FLOAT32, x.add(0.5).dtype(), "an integer tensor and a Python float: the default float");
    }

    @Test
    void gradFnNamesAsPyTorchs() {
        int[][] a = {{4}, {3, 4}, {2, 3, 4}}, b = {{4}, {4, 5}, {2, 4, 5}};
        String[][] names = {{"DotBackward0", "SqueezeBackward3", "UnsafeViewBackward0"}, {"MvBackward0", "MmBackward0", "CloneBackward0"},
            {"UnsafeViewBackward0", "UnsafeViewBackward0", "UnsafeViewBackward0"}};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                Tensor x = Brasa.randn(a[i]).requiresGrad_(true), y = Brasa.randn(b[j]).requiresGrad_(true);
                assertEquals(names[i][j], x.matmul(y).gradFn().name(), "matmul of ranks " + (i + 1) + " and " + (j + 1));
            }
        }
        Tensor logits = Brasa.randn(3, 4).requiresGrad_(true), t = Brasa.tensor(0L, 1L, 2L);
        assertEquals("NllLossBackward0", F.crossEntropy(logits, t).gradFn().name());
        assertEquals("AddBackward0", F.crossEntropy(logits, t, -100, 0.1, Reduction.MEAN).gradFn().name());
        Tensor p = Brasa.rand(3).requiresGrad_(true), y = Brasa.ones(3), w = Brasa.tensor(1f, 2f, 3f);
        // PyTorch 1.13 fuses these losses and their reduction into one node; l1_loss is composite there (abs, then mean or sum)
        for (Reduction r : Reduction.values()) {
            assertEquals("BinaryCrossEntropyBackward0", F.binaryCrossEntropy(p, y, null, r).gradFn().name(), "bce " + r);
            assertEquals("BinaryCrossEntropyWithLogitsBackward0", F.binaryCrossEntropyWithLogits(p, y, null, r).gradFn().name(), "bce logits " + r);
            assertEquals(r == Reduction.MEAN ? "MeanBackward0" : r == Reduction.SUM ? "SumBackward0" : "AbsBackward0",
                    F.l1Loss(p, y, r).gradFn().name(), "l1 " + r);
            assertEquals("MseLossBackward0", F.mseLoss(p, y, r).gradFn().name(), "mse " + r);
            assertEquals("BinaryCrossEntropyBackward0", F.binaryCrossEntropy(p, y, w, r).gradFn().name(), "weighted bce " + r);
            assertEquals("BinaryCrossEntropyWithLogitsBackward0", F.binaryCrossEntropyWithLogits(p, y, w, r).gradFn().name(), "weighted bce logits " + r);
        }
        assertEquals("MeanBackward0", p.mean().gradFn().name(), "a plain mean keeps its name");
        assertEquals("tensor(0., grad_fn=<MseLossBackward0>)", new MSELoss().forward(y.requiresGrad_(true), Brasa.ones(3)).toString());
        Tensor src = Brasa.ones(2).requiresGrad_(true);
        assertEquals("ScatterAddBackward0", Brasa.zeros(3).scatterAdd(0, Brasa.tensor(0L, 2L), src).gradFn().name());
        // ops Brasa builds from others end in a node named as PyTorch's one node for them (PyTorch 1.13's names)
        Tensor m = Brasa.randn(3, 4).requiresGrad_(true), i2 = Brasa.tensor(new long[][] {{0}, {1}, {2}});
        assertEquals("GatherBackward0", m.gather(1, i2).gradFn().name(), "gather 2-D");
        assertEquals("GatherBackward0", p.gather(0, Brasa.tensor(1L, 2L)).gradFn().name(), "gather 1-D");
        assertEquals("ScatterAddBackward0", m.scatterAdd(1, i2, Brasa.ones(3, 1)).gradFn().name(), "scatter_add 2-D");
        assertEquals("ScatterBackward0", m.scatter(1, i2, Brasa.ones(3, 1)).gradFn().name(), "scatter of a tensor");
        assertEquals("ScatterBackward1", m.scatter(1, i2, 2.0).gradFn().name(), "scatter of a value");
        assertEquals("IndexBackward0", m.index(Brasa.tensor(0L, 1L), Brasa.tensor(1L, 2L)).gradFn().name(), "x[rows, cols]");
        assertEquals("IndexBackward0", m.index(Brasa.tensor(0L, 1L)).gradFn().name(), "x[rows]");
        // where Brasa's own node already is PyTorch's, no node is added: next_functions as PyTorch 1.13 lists them
        assertEquals(java.util.List.of("AccumulateGrad", "None"), nextNames(F.binaryCrossEntropy(p, Brasa.ones(3), null, Reduction.NONE)), "bce none");
        assertEquals(java.util.List.of("AccumulateGrad", "None"), nextNames(F.binaryCrossEntropyWithLogits(p, Brasa.ones(3), null, Reduction.NONE)),
                "bce logits none");
        assertEquals(java.util.List.of("None", "AccumulateGrad"), nextNames(Brasa.zeros(3).scatterAdd(0, Brasa.tensor(0L, 2L), src)),
                "scatter_add 1-D");
        // the named node passes the gradient through: d/dm of sum(gather) is the one-hot of the picked elements
        m.gather(1, i2).sum().backward();
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}, m.grad().toFloatArray(), "gather's gradient");
        assertTrue(m.gather(1, i2).detach().gradFn() == null && Brasa.randn(2).gather(0, Brasa.tensor(0L)).gradFn() == null,
                "nothing recorded without grad");
    }

    /** The names of t's grad_fn's next functions, "None" for an input that needs no gradient (PyTorch's listing). */
    private static java.util.List<String> nextNames(Tensor t) {
        return t.gradFn().nextFunctions().stream().map(n -> n == null ? "None" : n.name()).toList();
    }

    @Test
    void reductionsAndIndexingAtTheirEdges() {
        Tensor logits = Brasa.randn(3, 4);
        assertTrue(Float.isNaN(F.crossEntropy(logits, Brasa.tensor(-100L, -100L, -100L)).item()), "every row ignored: 0 / 0");
        assertEquals(2f, Brasa.tensor(1f, 0f, 3f).norm(0).item(), "the 0-norm counts the non-zeros");
        assertTrue(refused(() -> Brasa.tensor(1f, 0f, 3f).norm(-1)).startsWith("linalg.vector_norm: p must be >= 0, got -1"));
        Tensor m = Brasa.tensor(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        assertArrayEquals(m.norm(2, 1, false).toFloatArray(), m.norm(2, -1, false).toFloatArray(), "a negative dim");
        Tensor s = Brasa.tensor(3f).reshape();
        assertEquals(0L, s.argmax().item(), "argmax of a 0-d tensor");
        assertEquals(0, s.argmax().dim());
        assertArrayEquals(new float[] {1, 2}, m.index(Brasa.tensor(-3L)).toFloatArray(), "index -rows is the first row");
        assertArrayEquals(new float[] {5, 6}, m.index(Brasa.tensor(-1L)).toFloatArray());
        assertEquals("index -4 is out of bounds for dimension 0 with size 3", refused(() -> m.index(Brasa.tensor(-4L))));
        assertArrayEquals(new float[] {3, 4}, m.index(new Tensor[] {Brasa.tensor(1L)}).toFloatArray(), "one index tensor");
        assertArrayEquals(new int[] {3, 0}, m.gather(1, Brasa.tensor(new long[3][0])).shape(), "gathering nothing");
        assertEquals("max(): Expected reduction dim 1 to have non-zero size.", refused(() -> Brasa.zeros(2, 0).max(1)));
        assertEquals("argmax(): Expected reduction dim 1 to have non-zero size.", refused(() -> Brasa.zeros(2, 0).argmax(1)));
        ValuesIndices none = Brasa.zeros(0, 3).max(1);
        assertArrayEquals(new int[] {0}, none.values().shape(), "PyTorch: zeros(0, 3).max(1) is two empty tensors");
        assertArrayEquals(new int[] {0}, none.indices().shape());
    }

    @Test
    void poolingRefusalsWithPyTorchsMessages() {
        assertEquals("\"max_pool2d\" not implemented for 'Long'", refused(() -> F.maxPool2d(Brasa.zeros(1, 1, 4, 4).toLong(), 2)));
        assertEquals("\"avg_pool2d\" not implemented for 'Bool'", refused(() -> F.avgPool2d(Brasa.zeros(1, 1, 4, 4).gt(0f), 2)));
        assertEquals("pad should be at most half of kernel size, but got pad=2 and kernel_size=3",
                refused(() -> F.maxPool2d(Brasa.zeros(1, 1, 9, 9), new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 2}, new int[] {1, 1}, false)));
        assertEquals("Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small",
                refused(() -> F.maxPool2d(Brasa.zeros(1, 1, 2, 2), 3)));
        assertEquals("adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes "
                + "[1, 1, 0, 3] with dimension 2 being empty", refused(() -> F.adaptiveAvgPool2d(Brasa.zeros(1, 1, 0, 3), 2)));
        assertEquals("adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes "
                + "[1, 0, 3] with dimension 1 being empty", refused(() -> F.adaptiveAvgPool2d(Brasa.zeros(1, 0, 3), 2)));
        assertTrue(refused(() -> F.adaptiveAvgPool2d(Brasa.zeros(1, 2, 3, 3), -1, 2))
                .startsWith("adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0"));
        assertArrayEquals(new int[] {1, 2, 0, 2}, F.adaptiveAvgPool2d(Brasa.zeros(1, 2, 3, 3), 0, 2).shape(), "an output size of 0");
    }

    @Test
    void inPlaceOpsJoinTheGraphAndGradientsKeepEachInputsDtype() {
        // PyTorch lets zeros(3).add_(w) join w's graph; Brasa refuses, and says how to do it
        Tensor z = Brasa.zeros(3), w = Brasa.ones(3).requiresGrad_(true);
        var e = assertThrows(IllegalStateException.class, () -> z.add_(w));
        assertTrue(e.getMessage().startsWith("in-place operations on tensors that are part of the autograd graph are not supported"));
        assertArrayEquals(new float[3], z.toFloatArray(), "and z is unchanged");
        z.add_(Brasa.ones(3));
        assertArrayEquals(new float[] {1, 1, 1}, z.toFloatArray(), "without a graph it runs");
        Tensor t = Brasa.zeros(2, 3).t();
        t.add_(Brasa.tensor(1f));
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, t.contiguous().toFloatArray(), "in place on a transposed tensor");
        Tensor q = Brasa.tensor(0f, 1f, 2f, 3f);
        q.slice(0, 0, 2).copy_(q.slice(0, 2, 4));
        assertArrayEquals(new float[] {2, 3, 2, 3}, q.toFloatArray(), "adjacent halves do not overlap");
        Tensor f = Brasa.randn(3).requiresGrad_(true), d = Brasa.randn(3).toDouble().requiresGrad_(true);
        Tensor r = f.mul(d);
        r.sum().backward();
        assertEquals(DType.FLOAT64, r.dtype());
        assertEquals(DType.FLOAT32, f.grad().dtype(), "PyTorch: each gradient has its input's dtype");
        assertEquals(DType.FLOAT64, d.grad().dtype());
        Tensor x64 = Brasa.randn(3).toDouble().requiresGrad_(true);
        x64.toFloat().sum().backward();
        assertEquals(DType.FLOAT64, x64.grad().dtype(), "through a dtype conversion");
        // F.linear(torch.zeros(0), torch.zeros(4, 0)) = zeros(4)
        assertArrayEquals(new float[4], Brasa.linear(Brasa.zeros(0), Brasa.zeros(4, 0), null).toFloatArray());
    }

    /** More edges, each PyTorch 1.13's answer for the same call. */
    @Test
    void promotionBroadcastGradientsAndMoreBounds() {
        assertEquals(DType.FLOAT64, Brasa.tensor(1L, 2L).add(Brasa.tensor(0.5).toDouble().reshape()).dtype(),
                "torch.tensor([1, 2]) + torch.tensor(0.5, dtype=torch.float64): float64");
        assertEquals(DType.FLOAT32, Brasa.tensor(1L, 2L).add(Brasa.tensor(0.5f).reshape()).dtype());
        assertEquals(DType.FLOAT32, Brasa.tensor(0.5f, 1f).add(Brasa.tensor(0.5).toDouble().reshape()).dtype(), "the same category: the tensor's");
        Tensor ints = Brasa.tensor(1L, 2L);
        ints.add_(Brasa.tensor(1L));
        assertArrayEquals(new long[] {2, 3}, ints.toLongArray(), "integer add_ in place");
        assertEquals("result type FLOAT32 can't be cast to the desired output type INT64", refused(() -> ints.div_(2)));
        Tensor f = Brasa.randn(3).requiresGrad_(true), d = Brasa.randn(2, 3).toDouble().requiresGrad_(true);
        f.mul(d).sum().backward();
        assertEquals(DType.FLOAT32, f.grad().dtype(), "a broadcast float32 input's gradient, summed over the float64 rows");
        assertArrayEquals(new int[] {3}, f.grad().shape());
        assertEquals("binary_cross_entropy expects floating input and target, got FLOAT32 and INT64 (use target.toFloat())",
                refused(() -> F.binaryCrossEntropy(Brasa.rand(2), Brasa.tensor(0L, 1L), null, Reduction.MEAN)));
        assertEquals("binary_cross_entropy_with_logits expects floating input and target, got FLOAT32 and INT64 (use target.toFloat())",
                refused(() -> F.binaryCrossEntropyWithLogits(Brasa.rand(2), Brasa.tensor(0L, 1L), null, Reduction.MEAN)));
        assertEquals("non-positive groups is not supported", refused(() -> F.conv2d(Brasa.zeros(1, 2, 3, 3), Brasa.zeros(2, 1, 1, 1), null, 1, 0, 1, 0)));
        Tensor m = Brasa.tensor(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        assertEquals(1f, m.index(Brasa.tensor(-3L), Brasa.tensor(-2L)).item(), "several index tensors, each at -size");
        assertArrayEquals(new float[] {1, 0, 2}, Brasa.zeros(3).scatterAdd(0, Brasa.tensor(0L, 2L), Brasa.tensor(1f, 2f, 3f)).toFloatArray(),
                "src longer than the index: only the index's extent is used");
        Tensor wide = Brasa.zeros(3).expand(1, 3);
        wide.add_(Brasa.tensor(1f));
        assertArrayEquals(new float[] {1, 1, 1}, wide.contiguous().toFloatArray(), "a size-1 dim of stride 0 is no overlap");
        Tensor q = Brasa.tensor(0f, 1f, 2f, 3f);
        q.slice(0, 0, 2).add_(q.slice(0, 2, 4));
        assertArrayEquals(new float[] {2, 4, 2, 3}, q.toFloatArray(), "adjacent halves, in place");
        assertEquals("Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5].",
                refused(() -> Brasa.zeros(2, 3, 4).matmul(Brasa.zeros(2, 5, 6))));
        assertEquals("pad should be at most half of kernel size, but got pad=2 and kernel_size=3",
                refused(() -> F.maxPool2d(Brasa.zeros(1, 1, 9, 9), new int[] {3, 5}, new int[] {1, 1}, new int[] {2, 0}, new int[] {1, 1}, false)));
        assertEquals("pad should be at most half of kernel size, but got pad=3 and kernel_size=5",
                refused(() -> F.maxPool2d(Brasa.zeros(1, 1, 9, 9), new int[] {3, 5}, new int[] {1, 1}, new int[] {1, 3}, new int[] {1, 1}, false)));
        assertArrayEquals(new int[] {1, 1, 1, 1}, F.maxPool2d(Brasa.zeros(1, 1, 3, 3), 3).shape(), "an output of exactly 1");
        assertEquals("Given input size: (1x3x2). Calculated output size: (1x3x0). Output size is too small",
                refused(() -> F.maxPool2d(Brasa.zeros(1, 1, 3, 2), new int[] {1, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, false)));
        assertArrayEquals(new int[] {1, 2, 2, 0}, F.adaptiveAvgPool2d(Brasa.zeros(1, 2, 3, 3), 2, 0).shape());
        Tensor s = Brasa.tensor(3f).reshape();
        assertEquals(3f, s.max(0).values().item(), "torch.tensor(3.).max(0)");
        assertEquals(0L, s.argmax(0).item(), "torch.tensor(3.).argmax(0)");
        assertEquals(3f, s.transpose(0, 0).item());
        assertEquals(3f, s.transpose(-1, 0).item());
        assertArrayEquals(new int[] {3, 2}, Brasa.zeros(1, 3, 1, 2).squeeze().shape());
        assertArrayEquals(new int[] {3, 2}, Brasa.zeros(1, 3, 1, 1, 2).squeeze().shape(), "more ones than others");
        assertEquals("result type FLOAT32 can't be cast to the desired output type INT64",
                refused(() -> Brasa.tensor(1L, 2L).div_(Brasa.tensor(2L))), "PyTorch: true division of longs in place");
        assertArrayEquals(new float[] {1, 5, 0, 0, 2, 0, 4, 0, 0}, Brasa.zeros(3, 3).scatterAdd(0, Brasa.tensor(new long[][] {{0, 1}, {2, 0}}),
                Brasa.tensor(new float[][] {{1, 2, 3}, {4, 5, 6}})).toFloatArray(), "a 2-D src wider than its index: PyTorch's values");
        Tensor r = Brasa.tensor(0f, 1f, 2f, 3f);
        r.slice(0, 2, 4).add_(r.slice(0, 0, 2));
        assertArrayEquals(new float[] {0, 1, 2, 4}, r.toFloatArray(), "the second half plus the first, in place");
        Tensor base = Brasa.zeros(8);
        Tensor permuted = base.slice(0, 0, 4).reshape(2, 2).t(), overlapping = base.slice(0, 2, 6).reshape(2, 2);
        assertTrue(refused(() -> permuted.add_(overlapping)).startsWith("unsupported operation: some elements of the input tensor and "
                + "the written-to tensor refer to a single memory location"), "a permuted dense view overlapping its input");
        Tensor b16 = Brasa.zeros(16);
        Tensor spun = b16.slice(0, 0, 8).reshape(2, 2, 2).permute(1, 2, 0), over = b16.slice(0, 4, 12).reshape(2, 2, 2);
        assertTrue(refused(() -> spun.add_(over)).startsWith("unsupported operation: some elements"),
                "dense once its dims are ordered by stride (strides 2, 1, 4), and overlapping its input");
        assertArrayEquals(new float[] {0, 0}, Brasa.zeros(2, 0).sum(1).toFloatArray(), "summing an empty dim");
    }
}
