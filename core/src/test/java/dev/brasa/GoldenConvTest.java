package dev.brasa;

import static dev.brasa.Assertions2.assertClose;
import static dev.brasa.Assertions2.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.brasa.nn.AdaptiveAvgPool2d;
import dev.brasa.nn.AvgPool2d;
import dev.brasa.nn.BatchNorm1d;
import dev.brasa.nn.BatchNorm2d;
import dev.brasa.nn.Conv2d;
import dev.brasa.nn.Dropout2d;
import dev.brasa.nn.F;
import dev.brasa.nn.Flatten;
import dev.brasa.nn.Linear;
import dev.brasa.nn.MaxPool2d;
import dev.brasa.nn.Module;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.optim.Adam;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Convolution, pooling, BatchNorm2d and Dropout2d against PyTorch 1.13 (scripts/golden/conv.py):
 * init, values and every gradient, on the tested device ({@code -Dbrasa.test.device}).
 */
@org.junit.jupiter.api.extension.ExtendWith(FixtureGuard.class)
class GoldenConvTest {
    static final Fixtures F_ = Fixtures.load("conv.txt");

    static Tensor in(String key) { return F_.tensor(key).to(GoldenOpsTest.DEVICE); }

    /** The output gradient the fixtures used: cos(0.37 i) over the elements in order. */
    static Tensor gradWeights(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] g = new float[n];
        for (int i = 0; i < n; i++) g[i] = (float) Math.cos(i * 0.37f);
        return Brasa.fromArray(g, shape).to(GoldenOpsTest.DEVICE);
    }

    /** Backward of sum(y * gradWeights). */
    static void backward(Tensor y) { y.mul(gradWeights(y.shape())).sum().backward(); }

    @Test
    void conv2dDefaultInitIsPyTorchsForTheSameSeed() {
        Brasa.manualSeed(3);
        Conv2d c = new Conv2d(3, 8, 3);
        assertExact(F_.tensor("init.conv_3_8_3.weight"), c.weight().detach(), "weight");
        assertExact(F_.tensor("init.conv_3_8_3.bias"), c.bias().detach(), "bias");
        Conv2d g = Conv2d.builder(4, 6, 3).kernelSize(3, 5).groups(2).bias(false).build();
        assertExact(F_.tensor("init.conv_4_6_3x5_g2.weight"), g.weight().detach(), "grouped weight");
        assertNull(g.bias());
        assertEquals(4, g.inChannels());
        assertEquals(6, g.outChannels());
    }

    static Conv2d conv(String name) {
        return switch (name) {
            case "basic" -> new Conv2d(3, 4, 3);
            case "pad_stride" -> new Conv2d(3, 5, 3, 2, 1);
            case "dil_group" -> Conv2d.builder(4, 6, 3).kernelSize(3, 2).stride(1, 2).padding(2, 1).dilation(2, 1).groups(2).build();
            case "same_even" -> Conv2d.builder(2, 3, 4).padding("same").build();
            case "valid" -> Conv2d.builder(2, 3, 3).kernelSize(2, 3).padding("valid").build();
            case "one_by_one" -> new Conv2d(5, 7, 1);
            case "depthwise" -> Conv2d.builder(4, 4, 3).padding(1).groups(4).bias(false).build();
            case "stride3_pad2" -> new Conv2d(3, 4, 5, 3, 2);
            case "mnist" -> new Conv2d(1, 16, 3, 1, 1);
            case "wide" -> new Conv2d(16, 32, 3, 1, 1);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic", "pad_stride", "dil_group", "same_even", "valid", "one_by_one", "depthwise", "stride3_pad2", "mnist",
            "wide"})
    void conv2dForwardAndEveryGradientMatch(String name) {
        Conv2d c = conv(name);
        String k = "conv." + name + ".";
        boolean bias = F_.has(k + "bias");
        c.loadStateDict(bias ? Map.of("weight", F_.tensor(k + "weight"), "bias", F_.tensor(k + "bias")) : Map.of("weight", F_.tensor(k + "weight")));
        c.to(GoldenOpsTest.DEVICE);
        Tensor x = in(k + "x").requiresGrad_();
        Tensor y = c.forward(x);
        assertEquals("ConvolutionBackward0", y.gradFn().name());
        assertClose(F_.tensor(k + "out"), y, 1e-4, 1e-5, name + " out");
        backward(y);
        assertClose(F_.tensor(k + "grad"), x.grad(), 1e-4, 1e-5, name + " grad x");
        assertClose(F_.tensor(k + "grad_weight"), c.weight().grad(), 1e-4, 1e-4, name + " grad W");
        if (bias) assertClose(F_.tensor(k + "grad_bias"), c.bias().grad(), 1e-4, 1e-4, name + " grad b");
    }

    @Test
    void conv2dTakesAnUnbatchedImage() {
        Tensor y = F.conv2d(in("conv.unbatched.x"), in("conv.unbatched.weight"), in("conv.unbatched.bias"), 1, 1);
        assertClose(F_.tensor("conv.unbatched.out"), y, 1e-5, 1e-6, "unbatched");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k2", "k3s2p1_ceil", "k3s1p1d2_ceil", "k2s1", "k3s3_ceil"})
    void maxPoolPicksPyTorchsMaximaAndRoutesTheGradientThere(String name) {
        Map<String, int[]> opts = Map.of("k2", new int[] {2, 2, 0, 1, 0}, "k3s2p1_ceil", new int[] {3, 2, 1, 1, 1},
                "k3s1p1d2_ceil", new int[] {3, 1, 1, 2, 1}, "k2s1", new int[] {2, 1, 0, 1, 0}, "k3s3_ceil", new int[] {3, 3, 0, 1, 1});
        int[] o = opts.get(name);
        Tensor x = in("max.x").requiresGrad_();
        Tensor y = switch (name) {       // every form reaches the same op
            case "k2s1" -> new MaxPool2d(2, 1).forward(x);
            case "k3s2p1_ceil" -> F.maxPool2d(x, new int[] {3, 3}, new int[] {2}, new int[] {1, 1}, new int[] {1}, true);
            default -> F.maxPool2d(x, o[0], o[1], o[2], o[3], o[4] == 1);
        };
        assertEquals("MaxPool2DWithIndicesBackward0", y.gradFn().name());
        assertClose(F_.tensor("max." + name + ".out"), y, 0, 0, name);
        backward(y);
        assertClose(F_.tensor("max." + name + ".grad"), x.grad(), 1e-6, 1e-6, name + " grad");
        var vi = F.maxPool2dWithIndices(in("max.x"), new int[] {o[0]}, new int[] {o[1]}, new int[] {o[2]}, new int[] {o[3]}, o[4] == 1);
        assertExact(F_.tensor("max." + name + ".indices"), vi.indices(), name + " indices");
        assertClose(F_.tensor("max." + name + ".out"), vi.values(), 0, 0, name + " values");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k2", "k3s2p1_exclude_ceil", "k3s2p1_include", "k3s1p1_div5", "k3s2p1_include_ceil", "k3s2p1_include_ceil_t"})
    void avgPoolMatchesWithItsDivisorRules(String name) {
        Tensor x = in(name.endsWith("_t") ? "avg.xt" : "avg.x").requiresGrad_();   // _t: 8 rows, 9 columns
        Tensor y = switch (name) {
            case "k2" -> new AvgPool2d(2).forward(x);
            case "k3s2p1_exclude_ceil" -> new AvgPool2d(3, 2, 1, true, false).forward(x);
            case "k3s2p1_include" -> new AvgPool2d(3, 2, 1, false, true).forward(x);
            case "k3s1p1_div5" -> F.avgPool2d(x, new int[] {3}, new int[] {1}, new int[] {1}, false, true, 5);
            default -> new AvgPool2d(3, 2, 1, true, true).forward(x);
        };
        assertEquals("AvgPool2DBackward0", y.gradFn().name());
        assertClose(F_.tensor("avg." + name + ".out"), y, 1e-5, 1e-6, name);
        if (name.equals("k2")) {
            assertClose(F_.tensor("avg.k2.out"), new AvgPool2d(2, 2).forward(x), 1e-5, 1e-6, "AvgPool2d(2, 2)");
            assertClose(F_.tensor("avg.k2.out"), F.avgPool2d(x, 2, 2), 1e-5, 1e-6, "F.avgPool2d(x, 2, 2)");
        }
        backward(y);
        assertClose(F_.tensor("avg." + name + ".grad"), x.grad(), 1e-5, 1e-6, name + " grad");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1x1", "2x3", "5x4", "4x4_of_7x10"})
    void adaptiveAvgPoolMatches(String name) {
        Tensor x = in("adaptive." + name + ".x").requiresGrad_();
        Tensor y = switch (name) {
            case "1x1" -> new AdaptiveAvgPool2d(1).forward(x);
            case "2x3" -> new AdaptiveAvgPool2d(2, 3).forward(x);
            case "5x4" -> F.adaptiveAvgPool2d(x, 5, 4);
            default -> F.adaptiveAvgPool2d(x, 4);
        };
        assertEquals("AdaptiveAvgPool2DBackward0", y.gradFn().name());
        assertClose(F_.tensor("adaptive." + name + ".out"), y, 1e-5, 1e-6, name);
        backward(y);
        assertClose(F_.tensor("adaptive." + name + ".grad"), x.grad(), 1e-5, 1e-6, name + " grad");
    }

    @Test
    void batchNorm2dTrainingStatisticsAndEvalMatch() {
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5, 0.2);
        bn.to(GoldenOpsTest.DEVICE);
        for (int step = 0; step < 2; step++) {
            Tensor x = in("bn2d.step" + step + ".x").requiresGrad_();
            Tensor y = bn.forward(x);
            assertClose(F_.tensor("bn2d.step" + step + ".out"), y, 1e-4, 1e-5, "out " + step);
            backward(y);
            assertClose(F_.tensor("bn2d.step" + step + ".grad"), x.grad(), 1e-4, 1e-5, "grad " + step);
        }
        assertClose(F_.tensor("bn2d.running_mean"), bn.buffer("running_mean"), 1e-5, 1e-6, "running_mean");
        assertClose(F_.tensor("bn2d.running_var"), bn.buffer("running_var"), 1e-5, 1e-6, "running_var");
        assertClose(F_.tensor("bn2d.grad_weight"), bn.weight().grad(), 1e-4, 1e-5, "grad weight");
        assertClose(F_.tensor("bn2d.grad_bias"), bn.bias().grad(), 1e-4, 1e-5, "grad bias");
        bn.eval();
        Tensor xe = in("bn2d.step0.x").sub(0f).detach();   // step 0's x is the raw input (times 1, plus 0)
        assertClose(F_.tensor("bn2d.eval.out"), bn.forward(xe), 1e-5, 1e-5, "eval");
    }

    @ParameterizedTest
    @ValueSource(strings = {"noaffine", "notrack", "neither"})
    void batchNorm2dWithoutAffineOrRunningStatisticsMatches(String name) {
        boolean affine = name.equals("notrack"), track = name.equals("noaffine");
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5, 0.1, affine, track);
        bn.to(GoldenOpsTest.DEVICE);
        assertEquals(affine ? 2 : 0, bn.parameters().size(), "weight and bias only when affine");
        assertEquals(track ? 3 : 0, bn.stateDict().size() - bn.parameters().size(), "buffers only when tracking");
        Tensor x = in("bn2d.step0.x").mul(2f).sub(1f).detach().requiresGrad_();
        Tensor y = bn.forward(x);
        assertClose(F_.tensor("bn2d." + name + ".out"), y, 1e-4, 1e-5, name + " out");
        backward(y);
        assertClose(F_.tensor("bn2d." + name + ".grad"), x.grad(), 1e-4, 1e-5, name + " grad");
        bn.eval();
        assertClose(F_.tensor("bn2d." + name + ".eval"), bn.forward(in("bn2d.step0.x")), 1e-4, 1e-5, name + " eval");
    }

    @Test
    void batchNorm1dWithoutAffineOrRunningStatisticsIsTheDefinition() {
        Brasa.manualSeed(12);
        Tensor x = Brasa.randn(6, 4).mul(3f).add(1f);
        BatchNorm1d bn = new BatchNorm1d(4, 1e-5, 0.1, false, false);
        assertEquals("BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)", bn.toString());
        Tensor mean = x.mean(0, true), var = x.sub(mean).pow(2f).mean(0, true);       // the biased batch variance, as in training
        Tensor expected = x.sub(mean).div(var.add(1e-5f).sqrt());
        assertClose(expected, bn.forward(x), 1e-5, 1e-5, "train");
        bn.eval();
        assertClose(expected, bn.forward(x), 1e-5, 1e-5, "eval normalises by the batch, too");
    }

    @Test
    void dropout2dDrawsPyTorchsChannelMask() {
        Brasa.manualSeed(11);
        assertClose(F_.tensor("dropout2d.out"), new Dropout2d(0.4).forward(Brasa.ones(3, 5, 2, 2)), 1e-6, 1e-6, "dropout2d");
        Brasa.manualSeed(11);
        assertClose(F_.tensor("dropout2d.out"), F.dropout2d(Brasa.ones(3, 5, 2, 2), 0.4, true), 1e-6, 1e-6, "F.dropout2d");
        Tensor x = Brasa.ones(3, 5, 2, 2);
        org.junit.jupiter.api.Assertions.assertSame(x, F.dropout2d(x, 0.4, false), "identity in eval");
    }

    @Test
    void modulesPrintAsPyTorchPrintsThem() {
        assertEquals(F_.text("print.sequential"), new Sequential(
                new Conv2d(1, 16, 3, 1, 1), Conv2d.builder(4, 8, 3).kernelSize(3, 5).stride(2).dilation(2).groups(2).bias(false).build(),
                Conv2d.builder(2, 2, 3).padding("same").build(), Conv2d.builder(2, 2, 1).padding("valid").build(), new MaxPool2d(2),
                new MaxPool2d(3, 1, 1, 2, true), new AvgPool2d(2), new AvgPool2d(3, 2, 1, true, false), new AdaptiveAvgPool2d(1),
                new AdaptiveAvgPool2d(2, 3), new BatchNorm2d(16), new Dropout2d(0.25), new Dropout2d(),
                new BatchNorm2d(4, 1e-3, 0.2, false, false)).toString());
    }

    @Test
    void unbatchedPoolingEmptyBatchesAndFusedActivationsBehaveAsTheirBatchedForms() {
        Brasa.manualSeed(13);
        Tensor x = Brasa.randn(3, 7, 6);
        assertClose(F.maxPool2d(x.unsqueeze(0), 2).squeeze(0), F.maxPool2d(x, 2), 0, 0, "max pool of [C, H, W]");
        assertEquals(java.util.List.of(3, 3, 3), java.util.Arrays.stream(F.maxPool2dWithIndices(x, new int[] {2}, new int[] {2}, new int[] {0},
                new int[] {1}, false).indices().shape()).boxed().toList(), "indices of [C, H, W]");
        assertClose(F.avgPool2d(x.unsqueeze(0), 2, 2).squeeze(0), F.avgPool2d(x, 2, 2), 0, 0, "avg pool of [C, H, W]");
        assertClose(F.adaptiveAvgPool2d(x.unsqueeze(0), 2).squeeze(0), F.adaptiveAvgPool2d(x, 2), 0, 0, "adaptive pool of [C, H, W]");
        // an empty batch: empty output, zero gradients for the weight and bias
        Conv2d c = new Conv2d(3, 4, 3);
        Tensor empty = Brasa.zeros(0, 3, 5, 5).requiresGrad_();
        Tensor y = c.forward(empty);
        assertEquals(java.util.List.of(0, 4, 3, 3), java.util.Arrays.stream(y.shape()).boxed().toList());
        y.sum().backward();
        assertExact(Brasa.zeros(4, 3, 3, 3), c.weight().grad(), "no images, no weight gradient");
        assertExact(Brasa.zeros(4), c.bias().grad(), "no images, no bias gradient");
        // Conv2d + Tanh / Sigmoid fuse in a Sequential: PyTorch's node names and the unfused values
        Tensor img = Brasa.randn(2, 3, 6, 6);
        for (Module act : new Module[] {new dev.brasa.nn.Tanh(), new dev.brasa.nn.Sigmoid()}) {
            Tensor fused = new Sequential(c, act).forward(img.requiresGrad_());
            assertEquals(act instanceof dev.brasa.nn.Tanh ? "TanhBackward0" : "SigmoidBackward0", fused.gradFn().name());
            assertClose(act.forward(c.forward(img)), fused, 1e-6, 1e-6, "fused " + act);
        }
    }

    static void refused(String message, org.junit.jupiter.api.function.Executable call) {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void badShapesGetPyTorchsMessagesAndChangeNothing() {
        Brasa.manualSeed(2);
        Tensor x = Brasa.randn(8, 1, 28, 28).requiresGrad_();
        Conv2d c = new Conv2d(3, 16, 3);
        Tensor before = c.weight().detach().clone();
        refused("Given groups=1, weight of size [16, 3, 3, 3], expected input[8, 1, 28, 28] to have 3 channels, but got 1 channels instead",
                () -> c.forward(x));
        assertExact(before, c.weight().detach(), "weight unchanged");
        assertNull(c.weight().grad());
        assertNull(x.grad());
        refused("Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size",
                () -> F.conv2d(Brasa.randn(1, 1, 2, 2), Brasa.randn(4, 1, 3, 3), null));
        refused("non-positive stride is not supported", () -> F.conv2d(x, Brasa.randn(16, 1, 3, 3), null, 0, 0));
        refused("negative padding is not supported", () -> F.conv2d(x, Brasa.randn(16, 1, 3, 3), null, 1, -1));
        refused("non-positive dilation is not supported", () -> F.conv2d(x, Brasa.randn(16, 1, 3, 3), null, 1, 0, 0, 1));
        refused("Given weight of size [16, 1, 3, 3], expected bias to be 1-dimensional with 16 elements, but got bias of size [5] instead",
                () -> F.conv2d(x, Brasa.randn(16, 1, 3, 3), Brasa.randn(5)));
        refused("Given groups=3, weight of size [6, 2, 3, 3], expected input[8, 4, 5, 5] to have 6 channels, but got 4 channels instead",
                () -> F.conv2d(Brasa.randn(8, 4, 5, 5), Brasa.randn(6, 2, 3, 3), null, 1, 0, 1, 3));
        refused("padding='same' is not supported for strided convolutions",
                () -> F.conv2d(Brasa.randn(8, 4, 5, 5), Brasa.randn(6, 2, 3, 3), null, new int[] {2, 2}, "same", new int[] {1}, 2));
        refused("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [28, 28]",
                () -> F.conv2d(Brasa.randn(28, 28), Brasa.randn(6, 1, 3, 3), null));
        refused("out_channels must be divisible by groups", () -> Conv2d.builder(4, 6, 3).groups(4).build());
        refused("Invalid padding string 'foo', should be one of {'same', 'valid'}", () -> Conv2d.builder(4, 6, 3).padding("foo"));
        refused("pad should be at most half of kernel size, but got pad=2 and kernel_size=2", () -> F.maxPool2d(x, 2, 2, 2, 1, false));
        refused("Given input size: (1x1x1). Calculated output size: (1x0x0). Output size is too small",
                () -> F.maxPool2d(Brasa.randn(1, 1, 1, 1), 3));
        refused("stride should not be zero", () -> F.maxPool2d(x, 2, 0));
        // one dimension bad at a time: each is checked on its own
        int[] one = {1};
        refused("kernel size should be greater than zero, but got kH: 2 kW: 0", () -> F.maxPool2d(x, new int[] {2, 0}, new int[] {2}, new int[] {0}, one, false));
        refused("kernel size should be greater than zero, but got kH: 0 kW: 2", () -> F.maxPool2d(x, new int[] {0, 2}, new int[] {2}, new int[] {0}, one, false));
        refused("stride should not be zero", () -> F.maxPool2d(x, new int[] {2}, new int[] {2, 0}, new int[] {0}, one, false));
        refused("stride should not be zero", () -> F.maxPool2d(x, new int[] {2}, new int[] {0, 2}, new int[] {0}, one, false));
        refused("dilation should be greater than zero, but got dilationH: 1 dilationW: 0",
                () -> F.maxPool2d(x, new int[] {2}, new int[] {2}, new int[] {0}, new int[] {1, 0}, false));
        refused("dilation should be greater than zero, but got dilationH: 0 dilationW: 1",
                () -> F.maxPool2d(x, new int[] {2}, new int[] {2}, new int[] {0}, new int[] {0, 1}, false));
        refused("pad should be at most half of kernel size, but got pad=2 and kernel_size=2",
                () -> F.maxPool2d(x, new int[] {2}, new int[] {2}, new int[] {0, 2}, one, false));
        refused("pad should be at most half of kernel size, but got pad=2 and kernel_size=2",
                () -> F.maxPool2d(x, new int[] {2}, new int[] {2}, new int[] {2, 0}, one, false));
        refused("Given input size: (1x1x5). Calculated output size: (1x0x1). Output size is too small", () -> F.maxPool2d(Brasa.randn(1, 1, 1, 5), 3));
        refused("Given input size: (1x5x1). Calculated output size: (1x1x0). Output size is too small", () -> F.maxPool2d(Brasa.randn(1, 1, 5, 1), 3));
        // the boundaries themselves are accepted: pad = kernel / 2, a kernel as large as the padded input
        assertEquals(java.util.List.of(1, 1, 3, 3), java.util.Arrays.stream(F.maxPool2d(Brasa.randn(1, 1, 5, 5), 2, 2, 1, 1, true).shape())
                .boxed().toList(), "ceil_mode drops the window that would start in the padding (PyTorch: [1, 1, 3, 3])");
        assertEquals(java.util.List.of(1, 1, 4, 4), java.util.Arrays.stream(F.maxPool2d(Brasa.randn(1, 1, 6, 6), 2, 2, 1, 1, false).shape())
                .boxed().toList(), "PyTorch: [1, 1, 4, 4]");
        assertEquals(java.util.List.of(1, 1, 1, 1), java.util.Arrays.stream(F.conv2d(Brasa.randn(1, 1, 3, 3), Brasa.randn(1, 1, 5, 5), null, 1, 1)
                .shape()).boxed().toList(), "a 5x5 kernel on a 3x3 input padded by 1 (PyTorch: [1, 1, 1, 1])");
        refused("non-empty 3D or 4D (batch mode) tensor expected for input", () -> F.maxPool2d(Brasa.randn(28, 28), 2));
        refused("pad should be at most half of kernel size, but got pad=2 and kernel_size=2",
                () -> F.avgPool2d(x, new int[] {2}, new int[] {2}, new int[] {2}, false, true, null));
        refused("Given input size: (1x1x1). Calculated output size: (1x0x0). Output size is too small",
                () -> F.avgPool2d(Brasa.randn(1, 1, 1, 1), 3));
        refused("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [28, 28]", () -> F.adaptiveAvgPool2d(Brasa.randn(28, 28), 2));
        refused("running_mean should contain 4 elements not 3", () -> new BatchNorm2d(3).forward(Brasa.randn(2, 4, 5, 5)));
        refused("expected 4D input (got 3D input)", () -> new BatchNorm2d(3).forward(Brasa.randn(2, 3, 5)));
        refused("weight should contain 4 elements not 3", () -> new BatchNorm2d(3, 1e-5, 0.1, true, false).forward(Brasa.randn(2, 4, 5, 5)));
        assertEquals(4, new BatchNorm2d(3, 1e-5, 0.1, false, false).forward(Brasa.randn(2, 4, 5, 5)).size(1), "neither: any channels");
        refused("running_mean must be defined in evaluation mode", () -> F.batchNorm(Brasa.randn(2, 3), null, null, null, null, false, 0.1,
                1e-5, null));
        refused("dropout probability has to be between 0 and 1, but got 1.5", () -> new Dropout2d(1.5));
        refused("\"slow_conv2d_cpu\" not implemented for 'Long'", () -> F.conv2d(Brasa.zeros(1, 1, 5, 5).toLong(), Brasa.zeros(1, 1, 3, 3), null));
        refused("conv2d: input (torch.float32), weight (torch.float64) must have one dtype",
                () -> F.conv2d(Brasa.zeros(1, 1, 5, 5), Brasa.zeros(1, 1, 3, 3).toDouble(), null));
        assertNull(x.grad());
    }

    @Test
    void pyTorchsSavedCnnLoadsAndPredictsAsPyTorch(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        // through a copy: scripts/gpu-check runs the tests from a jar, where a resource has no Path
        java.nio.file.Path file = tmp.resolve("cnn.pt");
        try (var in = GoldenConvTest.class.getResourceAsStream("/golden/pth/cnn.pt")) {
            java.nio.file.Files.copy(in, file);
        }
        var sd = Brasa.load(file);
        Module net = cnn();
        net.loadStateDict(sd);
        for (var e : net.stateDict().entrySet()) assertExact(F_.tensor("cnn.after." + e.getKey()), head(e.getValue()), "loaded " + e.getKey());
        net.to(GoldenOpsTest.DEVICE);
        net.eval();
        try (var g = Brasa.noGrad()) {
            assertClose(F_.tensor("cnn.after.logits"), net.forward(in("cnn.x")), 1e-5, 1e-5, "logits of PyTorch's trained CNN");
        }
    }

    /** Issue 26's network. */
    static Sequential cnn() {
        return new Sequential(new Conv2d(1, 16, 3, 1, 1), new ReLU(), new MaxPool2d(2), new Conv2d(16, 32, 3, 1, 1), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(1568, 10));
    }

    /** The first 200 input columns of Linear(1568, 10)'s weight, as the fixture keeps them. */
    static Tensor head(Tensor t) { return t.dim() == 2 && t.size(1) == 1568 ? t.slice(1, 0, 200) : t; }

    @Test
    void theFashionMnistCnnInitialisesStepsAndLearnsAsPyTorchDoes() {
        Brasa.manualSeed(1);
        Module net = cnn();
        for (var e : net.stateDict().entrySet()) assertExact(F_.tensor("cnn.init." + e.getKey()), head(e.getValue()).cpu(), "init " + e.getKey());
        net.to(GoldenOpsTest.DEVICE);
        Tensor x = in("cnn.x"), t = in("cnn.target");
        Adam opt = new Adam(net.parameters(), 1e-3);
        for (int step = 0; step < 2; step++) {
            opt.zeroGrad();
            Tensor loss = F.crossEntropy(net.forward(x), t);
            loss.backward();
            assertClose(F_.tensor("cnn.step" + step + ".loss"), loss, 1e-5, 1e-6, "loss " + step);
            if (step == 0) {
                for (var p : net.namedParameters().entrySet()) {
                    assertClose(F_.tensor("cnn.step0.grad." + p.getKey()), head(p.getValue().grad()), 1e-4, 1e-6, "grad " + p.getKey());
                }
            }
            opt.step();
        }
        for (var e : net.stateDict().entrySet()) {
            assertClose(F_.tensor("cnn.after." + e.getKey()), head(e.getValue()), 1e-5, 1e-6, "after " + e.getKey());
        }
        net.eval();
        try (var g = Brasa.noGrad()) {
            assertClose(F_.tensor("cnn.after.logits"), net.forward(x), 1e-4, 1e-5, "logits after two Adam steps");
        }
    }
}
