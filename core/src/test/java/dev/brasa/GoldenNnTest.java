package dev.brasa;

import static dev.brasa.Assertions2.assertClose;
import static dev.brasa.Assertions2.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brasa.nn.BatchNorm1d;
import dev.brasa.nn.Dropout;
import dev.brasa.nn.F;
import dev.brasa.nn.Flatten;
import dev.brasa.nn.GELU;
import dev.brasa.nn.Identity;
import dev.brasa.nn.LeakyReLU;
import dev.brasa.nn.Linear;
import dev.brasa.nn.LogSoftmax;
import dev.brasa.nn.Module;
import dev.brasa.nn.ModuleList;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Reduction;
import dev.brasa.nn.Sequential;
import dev.brasa.nn.Sigmoid;
import dev.brasa.nn.Softmax;
import dev.brasa.nn.Tanh;
import dev.brasa.optim.Adam;
import dev.brasa.optim.AdamW;
import dev.brasa.optim.Optimizer;
import dev.brasa.optim.SGD;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layers, losses, init, printing and optimizer steps against PyTorch 1.13 (scripts/golden/nn.py). The
 * inputs, targets and modules live where {@code -Dbrasa.test.device} says (scripts/gpu-check: cuda); the
 * expected values stay on the CPU.
 */
@org.junit.jupiter.api.extension.ExtendWith(FixtureGuard.class)
class GoldenNnTest {
    static final Fixtures F_ = Fixtures.load("nn.txt");

    /** Fixture key as an input on the tested device. */
    static Tensor in(String key) { return F_.tensor(key).to(GoldenOpsTest.DEVICE); }

    @Test
    void linearDefaultInitIsPyTorchsForTheSameSeed() {
        Brasa.manualSeed(28);
        Linear l = new Linear(7, 4);
        assertExact(F_.tensor("init.linear_7_4.weight"), l.weight().detach(), "weight");
        assertExact(F_.tensor("init.linear_7_4.bias"), l.bias().detach(), "bias");
        Brasa.manualSeed(5);
        Linear big = new Linear(784, 100);
        assertExact(F_.tensor("init.linear_784_100.weight"), big.weight().detach(), "weight 784x100");
        assertExact(F_.tensor("init.linear_784_100.bias"), big.bias().detach(), "bias 784x100");
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu", "sigmoid", "tanh", "leaky_relu", "gelu", "softmax", "log_softmax", "identity", "flatten"})
    void layerForwardAndGradientMatch(String name) {
        Module m = switch (name) {
            case "relu" -> new ReLU();
            case "sigmoid" -> new Sigmoid();
            case "tanh" -> new Tanh();
            case "leaky_relu" -> new LeakyReLU(0.2);
            case "gelu" -> new GELU();
            case "softmax" -> new Softmax(1);
            case "log_softmax" -> new LogSoftmax(1);
            case "identity" -> new Identity();
            default -> new Flatten();
        };
        m.to(GoldenOpsTest.DEVICE);
        Tensor x = in("layer." + name + ".x").requiresGrad_();
        Tensor y = m.forward(x);
        assertClose(F_.tensor("layer." + name + ".out"), y, 1e-5, 1e-6, name);
        y.mul(in("layer." + name + ".g")).sum().backward();
        assertClose(F_.tensor("layer." + name + ".grad"), x.grad(), 1e-5, 1e-6, name + " grad");
    }

    @Test
    void linearForwardAndAllGradientsMatch() {
        Linear l = new Linear(5, 3);
        l.loadStateDict(Map.of("weight", F_.tensor("layer.linear.weight"), "bias", F_.tensor("layer.linear.bias")));
        l.to(GoldenOpsTest.DEVICE);
        Tensor x = in("layer.relu.x").requiresGrad_();
        Tensor y = l.forward(x);
        assertClose(F_.tensor("layer.linear.out"), y, 1e-5, 1e-6, "out");
        y.mul(in("layer.linear.g")).sum().backward();
        assertClose(F_.tensor("layer.linear.grad"), x.grad(), 1e-5, 1e-6, "grad x");
        assertClose(F_.tensor("layer.linear.grad_weight"), l.weight().grad(), 1e-5, 1e-6, "grad W");
        assertClose(F_.tensor("layer.linear.grad_bias"), l.bias().grad(), 1e-5, 1e-6, "grad b");
    }

    @Test
    void batchNormTrainingStatisticsAndEvalMatch() {
        BatchNorm1d bn = new BatchNorm1d(5, 1e-5, 0.1);
        bn.to(GoldenOpsTest.DEVICE);
        for (int step = 0; step < 2; step++) {
            Tensor x = in("bn.step" + step + ".x").requiresGrad_();
            Tensor y = bn.forward(x);
            assertClose(F_.tensor("bn.step" + step + ".out"), y, 1e-4, 1e-5, "bn out " + step);
            y.mul(in("bn.step" + step + ".g")).sum().backward();
            assertClose(F_.tensor("bn.step" + step + ".grad"), x.grad(), 1e-4, 1e-5, "bn grad " + step);
        }
        assertClose(F_.tensor("bn.running_mean"), bn.buffer("running_mean"), 1e-5, 1e-6, "running_mean");
        assertClose(F_.tensor("bn.running_var"), bn.buffer("running_var"), 1e-5, 1e-6, "running_var");
        assertEquals(2L, bn.buffer("num_batches_tracked").itemLong());
        assertClose(F_.tensor("bn.grad_weight"), bn.weight().grad(), 1e-4, 1e-5, "bn grad weight");
        assertClose(F_.tensor("bn.grad_bias"), bn.bias().grad(), 1e-4, 1e-5, "bn grad bias");
        bn.eval();
        assertClose(F_.tensor("bn.eval.out"), bn.forward(in("layer.relu.x")), 1e-5, 1e-5, "bn eval");
    }

    @Test
    void dropoutDrawsPyTorchsMask() {
        Brasa.manualSeed(9);
        assertClose(F_.tensor("dropout.out"), new Dropout(0.3).forward(Brasa.ones(4, 10)), 1e-6, 1e-6, "dropout");
        Dropout d = new Dropout(0.3);
        d.eval();
        Tensor x = Brasa.randn(3);
        assertEquals(x, d.forward(x), "eval dropout is the identity");
    }

    static final Map<String, Function<Tensor, Tensor>> LOSSES = new LinkedHashMap<>();

    static {
        Supplier<Tensor> cls = () -> in("loss.target.cls"), ign = () -> in("loss.target.cls_ign");
        Supplier<Tensor> bin = () -> in("loss.target.bin_t"), reg = () -> in("loss.target.reg_t");
        LOSSES.put("ce", i -> F.crossEntropy(i, cls.get()));
        LOSSES.put("ce_sum", i -> F.crossEntropy(i, cls.get(), -100, 0, Reduction.SUM));
        LOSSES.put("ce_none", i -> F.crossEntropy(i, cls.get(), -100, 0, Reduction.NONE));
        LOSSES.put("ce_ignore", i -> F.crossEntropy(i, ign.get()));
        LOSSES.put("ce_smooth", i -> F.crossEntropy(i, cls.get(), -100, 0.1, Reduction.MEAN));
        LOSSES.put("ce_ignore_smooth", i -> F.crossEntropy(i, ign.get(), -100, 0.2, Reduction.MEAN));
        LOSSES.put("ce_probs", i -> F.crossEntropy(i, in("loss.target.soft_t")));
        LOSSES.put("nll", i -> F.nllLoss(i.logSoftmax(1), cls.get(), -100, Reduction.MEAN));
        LOSSES.put("bce", i -> new dev.brasa.nn.BCELoss().forward(i, bin.get()));
        LOSSES.put("bce_sum", i -> new dev.brasa.nn.BCELoss(Reduction.SUM).forward(i, bin.get()));
        LOSSES.put("bce_logits", i -> new dev.brasa.nn.BCEWithLogitsLoss().forward(i, bin.get()));
        LOSSES.put("bce_logits_zero", i -> new dev.brasa.nn.BCEWithLogitsLoss().forward(i, bin.get()));
        LOSSES.put("mse", i -> new dev.brasa.nn.MSELoss().forward(i, reg.get()));
        LOSSES.put("l1", i -> new dev.brasa.nn.L1Loss().forward(i, reg.get()));
        LOSSES.put("l1_none", i -> new dev.brasa.nn.L1Loss(Reduction.NONE).forward(i, reg.get()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce", "ce_sum", "ce_none", "ce_ignore", "ce_smooth", "ce_ignore_smooth", "ce_probs", "nll", "bce",
        "bce_sum", "bce_logits", "bce_logits_zero", "mse", "l1", "l1_none"})
    void lossValueAndGradientMatch(String name) {
        Tensor x = in("loss." + name + ".in").requiresGrad_();
        Tensor out = LOSSES.get(name).apply(x);
        assertClose(F_.tensor("loss." + name + ".out"), out, 1e-5, 1e-6, name);
        out.mul(in("loss." + name + ".g")).sum().backward();
        assertClose(F_.tensor("loss." + name + ".grad"), x.grad(), 1e-5, 1e-6, name + " grad");
    }

    static final class Net extends Module {
        final Linear fc1, fc2;
        final ReLU act;
        final Sequential head;

        Net() {
            fc1 = register("fc1", new Linear(784, 100));
            act = register("act", new ReLU());
            fc2 = register("fc2", new Linear(100, 10));
            head = register("head", new Sequential(new Dropout(0.3), new BatchNorm1d(10), new Softmax(1)));
        }

        @Override public Tensor forward(Tensor x) { return head.forward(fc2.forward(act.forward(fc1.forward(x)))); }
    }

    @Test
    void modulesPrintLikePyTorch() {
        assertEquals(F_.text("print.net"), new Net().toString());
        assertEquals(F_.text("print.seq"), new Sequential(new Linear(784, 100), new ReLU(), new Linear(100, 10)).toString());
        assertEquals(F_.text("print.misc"), new Sequential(new LeakyReLU(), new GELU(), new Tanh(), new Sigmoid(), new Identity(),
                new Flatten(), new LogSoftmax(1), new ModuleList(List.of(new Linear(2, 2, false)))).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam", "adamw", "sgd_nesterov"})
    void threeTrainingStepsLandOnPyTorchsParameters(String opt) {
        String p = "train." + opt + ".";
        Sequential model = new Sequential(new Linear(5, 8), new Tanh(), new Linear(8, 3));
        Map<String, Tensor> init = new LinkedHashMap<>();
        for (String k : model.stateDict().keySet()) init.put(k, F_.tensor(p + "init." + k));
        model.loadStateDict(init);
        model.to(GoldenOpsTest.DEVICE);
        Optimizer o = switch (opt) {
            case "sgd" -> SGD.builder(model.parameters()).lr(0.1).momentum(0.9).weightDecay(1e-3).build();
            case "sgd_nesterov" -> SGD.builder(model.parameters()).lr(0.05).momentum(0.8).nesterov(true).build();
            case "adam" -> Adam.builder(model.parameters()).lr(0.01).weightDecay(1e-3).build();
            default -> AdamW.builder(model.parameters()).lr(0.01).weightDecay(0.05).build();
        };
        Tensor x = in(p + "x"), y = in(p + "y");
        for (int step = 0; step < 3; step++) {
            o.zeroGrad();
            Tensor loss = F.crossEntropy(model.forward(x), y);
            loss.backward();
            o.step();
            assertClose(F_.tensor(p + "loss" + step), loss.detach(), 1e-5, 1e-6, opt + " loss " + step);
        }
        for (var e : model.stateDict().entrySet()) {
            assertClose(F_.tensor(p + "final." + e.getKey()), e.getValue(), 1e-5, 1e-5, opt + " " + e.getKey());
        }
    }
}
