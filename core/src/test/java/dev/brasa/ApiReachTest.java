package dev.brasa;

import static dev.brasa.Assertions2.assertClose;
import static dev.brasa.Assertions2.assertExact;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.nn.F;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public methods of {@code dev.brasa} that no other test reached (PublicApiCoverageTest lists
 * them), each against an oracle: the static and functional aliases, in-place forms and keepdim
 * variants against the same PyTorch fixtures as the op they stand for (values and gradients), the
 * explicit-generator random functions against PyTorch's streams, and the rest against values
 * PyTorch documents or prints.
 */
class ApiReachTest {
    private static final Fixtures OPS = Fixtures.load("ops.txt");
    private static final Fixtures RNG = Fixtures.load("rng.txt");

    static Stream<Arguments> aliases() {
        List<Arguments> a = new ArrayList<>();
        add(a, "Brasa.exp", "exp", x -> Brasa.exp(x[0]));
        add(a, "Brasa.log", "log", x -> Brasa.log(x[0]));
        add(a, "Brasa.relu", "relu", x -> Brasa.relu(x[0]));
        add(a, "Brasa.sigmoid", "sigmoid", x -> Brasa.sigmoid(x[0]));
        add(a, "Brasa.tanh", "tanh", x -> Brasa.tanh(x[0]));
        add(a, "Brasa.softmax", "softmax_last", x -> Brasa.softmax(x[0], -1));
        add(a, "Brasa.logSoftmax", "log_softmax_last", x -> Brasa.logSoftmax(x[0], -1));
        add(a, "Brasa.matmul", "matmul_2d", x -> Brasa.matmul(x[0], x[1]));
        add(a, "Brasa.mean", "mean_all", x -> Brasa.mean(x[0]));
        add(a, "Brasa.sum", "sum_all", x -> Brasa.sum(x[0]));
        add(a, "Brasa.cat varargs", "cat0", x -> Brasa.cat(x[0], x[1]));
        add(a, "F.relu", "relu", x -> F.relu(x[0]));
        add(a, "F.sigmoid", "sigmoid", x -> F.sigmoid(x[0]));
        add(a, "F.tanh", "tanh", x -> F.tanh(x[0]));
        add(a, "F.softmax", "softmax_dim0", x -> F.softmax(x[0], 0));
        add(a, "F.logSoftmax", "log_softmax_dim0", x -> F.logSoftmax(x[0], 0));
        add(a, "F.gelu", "gelu", x -> F.gelu(x[0]));
        add(a, "F.leakyRelu", "leaky_relu", x -> F.leakyRelu(x[0], 0.1));
        add(a, "mm", "matmul_2d", x -> x[0].mm(x[1]));
        add(a, "min keepdim", "min_dim", x -> x[0].min(-1, true).values().squeeze(-1));
        add(a, "mean over dims", "sum_dims", x -> x[0].mean(new int[] {0, 2}, true).squeeze(2).squeeze(0).mul(x[0].size(0) * x[0].size(2)));
        add(a, "cpu", "clone", x -> x[0].cpu().clone());
        return a.stream();
    }

    private static void add(List<Arguments> a, String label, String fixture, Function<Tensor[], Tensor> f) {
        a.add(Arguments.of(label, fixture, f));
    }

    private static Tensor[] inputs(String name) {
        List<Tensor> in = new ArrayList<>();
        for (int i = 0; OPS.has(name + ".in" + i); i++) in.add(OPS.tensor(name + ".in" + i));
        return in.toArray(new Tensor[0]);   // no grad: the in-place forms and forward-only cases
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("aliases")
    void aliasesMatchTheFixtureOfTheOpTheyStandFor(String label, String fixture, Function<Tensor[], Tensor> f) {
        Assertions2.assertCase(OPS, fixture, f, label);
    }

    @Test
    void forwardOnlyAliasesMatchTheirFixtures() {
        Tensor x = inputs("argmax_dim")[0];
        assertExact(OPS.tensor("argmax_dim.out"), Brasa.argmax(x, 1), "Brasa.argmax");
        assertExact(OPS.tensor("argmax_dim.out"), x.argmax(1, true).squeeze(1), "argmax keepdim");
        assertArrayEquals(new int[] {x.size(0), 1}, x.argmax(1, true).shape());
    }

    @Test
    void inPlaceFormsMatchTheFixtureOfTheirOp() {
        // values only: Brasa refuses in-place ops on tensors in the autograd graph (PyTorch allows some)
        assertClose(OPS.tensor("div.out"), inputs("div")[0].div_(inputs("div")[1]), 1e-6, 1e-6, "div_");
        assertClose(OPS.tensor("mul.out"), inputs("mul")[0].mul_(inputs("mul")[1]), 1e-6, 1e-6, "mul_");
        assertClose(OPS.tensor("sub.out"), inputs("sub")[0].sub_(inputs("sub")[1]), 1e-6, 1e-6, "sub_");
        assertClose(OPS.tensor("add.out"), inputs("add")[0].add_(inputs("add")[1], 1f), 1e-6, 1e-6, "add_ alpha 1");
    }

    @Test
    void addInPlaceWithAlphaAddsAlphaTimesOther() {
        Tensor x = Brasa.tensor(1f, 2f, 3f), y = Brasa.tensor(10f, -4f, 0.5f);
        assertArrayEquals(new float[] {26f, -8f, 4.25f}, x.add_(y, 2.5f).toFloatArray());
    }

    @Test
    void comparisonsWithTiesAndSignAndBoolAsPyTorch() {
        Tensor a = Brasa.tensor(1f, 2f, 3f, Float.NaN), b = Brasa.tensor(1f, 3f, 2f, 1f);
        assertArrayEquals(new boolean[] {true, false, true, false}, a.ge(b).toBooleanArray(), "ge: NaN compares false");
        assertArrayEquals(new boolean[] {true, true, false, false}, a.le(b).toBooleanArray(), "le");
        Tensor s = Brasa.tensor(-2f, 0f, 3f, -0f).requiresGrad_();
        Tensor sg = s.sign();
        assertArrayEquals(new float[] {-1f, 0f, 1f, -0f}, sg.toFloatArray());
        assertEquals("SignBackward0", sg.gradFn().name());
        sg.sum().backward();
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, s.grad().toFloatArray(), "sign's gradient is zero");
        assertArrayEquals(new boolean[] {false, true, true, false}, Brasa.tensor(0f, 1.5f, -2f, -0f).toBool().toBooleanArray());
        assertArrayEquals(new boolean[] {true, false}, Brasa.tensor(7L, 0L).toBool().toBooleanArray());
        assertEquals(2L, Brasa.tensor(new float[][] {{3, 1}, {0, 5}}).argmin().itemLong(), "argmin of all, flattened");
    }

    @Test
    void maximumGivesTheLargerOperandItsGradientAndHalfOnTies() {
        Tensor x = Brasa.tensor(1f, 5f, 3f).requiresGrad_(), y = Brasa.tensor(4f, 2f, 3f).requiresGrad_();
        Tensor m = Brasa.maximum(x, y);
        assertArrayEquals(new float[] {4f, 5f, 3f}, m.toFloatArray());
        m.sum().backward();
        assertArrayEquals(new float[] {0f, 1f, 0.5f}, x.grad().toFloatArray());
        assertArrayEquals(new float[] {1f, 0f, 0.5f}, y.grad().toFloatArray());
    }

    @Test
    void factoriesAsPyTorch() {
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Brasa.eye(3).toFloatArray());
        assertArrayEquals(new int[] {3, 3}, Brasa.eye(3).shape());
        Tensor d = Brasa.tensor(new double[][] {{1.5, 2}, {3, 4}, {5, 6.25}});
        assertEquals(DType.FLOAT32, d.dtype(), "torch.tensor of Python floats is float32");
        assertArrayEquals(new int[] {3, 2}, d.shape());
        assertArrayEquals(new float[] {1.5f, 2, 3, 4, 5, 6.25f}, d.toFloatArray());
        Tensor f = Brasa.tensor(new float[][][] {{{1, 2, 3}}, {{4, 5, 6}}});
        assertArrayEquals(new int[] {2, 1, 3}, f.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f.toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, Brasa.onesLike(f).toFloatArray());
        assertArrayEquals(new int[] {2, 1, 3}, Brasa.zerosLike(f).shape());
        assertArrayEquals(new float[6], Brasa.zerosLike(f).toFloatArray());
        assertEquals(DType.FLOAT64, Brasa.onesLike(d.toDouble()).dtype(), "ones_like keeps the dtype");
        Tensor r = Brasa.arange(2L, 6L);
        assertEquals(DType.INT64, r.dtype());
        assertArrayEquals(new long[] {2, 3, 4, 5}, r.toLongArray());
    }

    @Test
    void explicitGeneratorsFollowPyTorchsStreams() {
        Generator g = new Generator(1234);
        assertExact(RNG.tensor("rand.1234.3x4"), Brasa.rand(g, 3, 4), "rand(generator)");
        assertEquals(1234, g.initialSeed());
        Generator p = new Generator(0);
        assertExact(RNG.tensor("randperm.10"), Brasa.randperm(10, p), "randperm(generator)");
        Generator b = new Generator(3);
        Tensor half = Brasa.full(0.5f, 40);
        assertExact(RNG.tensor("bernoulli.half"), Brasa.bernoulli(half, b), "bernoulli(generator)");
        Generator u = new Generator(11);
        assertExact(RNG.tensor("uniform_.m2_3"), Brasa.empty(5, 5).uniform_(-2, 3, u), "uniform_(generator)");
        assertExact(RNG.tensor("normal_.1_2"), Brasa.empty(20).normal_(1.0, 2.0, u), "normal_(generator), same stream");
        Brasa.manualSeed(5);
        assertEquals(5, Brasa.defaultGenerator().initialSeed());
        assertEquals("Generator(seed=5)", Brasa.defaultGenerator().toString());
    }

    @Test
    void theGeneratorIsMt19937() {
        // std::mt19937 seeded 5489 (its default) starts 3499211612, 581869302, 3890346734 (C++ [rand.predef])
        Generator g = new Generator(5489);
        assertEquals(3499211612L, g.random());
        assertEquals(581869302L, g.random());
        Generator h = new Generator(5489);
        assertEquals((3499211612L << 32) | 581869302L, h.random64(), "PyTorch's random64: the first draw is the high half");
        assertEquals(3890346734L, h.random());
    }

    @Test
    void dtypesDevicesAndGradModeAsPyTorchNamesThem() {
        assertEquals(List.of(4, 8, 8, 1), Stream.of(DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL).map(DType::itemSize).toList(),
                "element_size()");
        assertEquals(List.of("torch.float32", "torch.float64", "torch.int64", "torch.bool"),
                Stream.of(DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL).map(DType::torchName).toList());
        assertEquals(List.of("torch.FloatTensor", "torch.DoubleTensor", "torch.LongTensor", "torch.BoolTensor"),
                Stream.of(Brasa.zeros(1), Brasa.zeros(1).toDouble(), Brasa.zeros(1).toLong(), Brasa.zeros(1).toBool())
                        .map(Tensor::typeName).toList(), "x.type()");
        Device c1 = Device.cuda(1);
        assertEquals("cuda:1", c1.toString());
        assertEquals(1, c1.index());
        assertEquals(Device.Type.CUDA, c1.type());
        assertFalse(c1.isCpu());
        assertTrue(Device.CPU.isCpu());
        assertTrue(c1.equals(Device.parse("cuda:1")));
        assertFalse(c1.equals("cuda:1"));
        assertEquals(c1.hashCode(), Device.parse("cuda:1").hashCode());
        assertNotEquals(c1, Device.cuda(0));
        assertNotEquals(Device.CPU, c1);
        assertTrue(NoGrad.isGradEnabled());
        try (NoGrad ng = new NoGrad()) {
            assertFalse(NoGrad.isGradEnabled());
        }
        assertTrue(NoGrad.isGradEnabled());
    }

    @Test
    void theVersionCounterCountsInPlaceChanges() {
        Tensor x = Brasa.zeros(3);
        assertEquals(0, x.version(), "x._version of a new tensor");
        x.add_(1);
        x.mul_(2);
        assertEquals(2, x.version());
        Tensor v = x.view(3);
        v.add_(-1);
        assertEquals(3, x.version(), "a view shares its base's counter");
    }
}
