package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.brasa.data.DataLoader;
import dev.brasa.data.Sample;
import dev.brasa.data.TensorDataset;
import dev.brasa.nn.BatchNorm1d;
import dev.brasa.nn.Parameter;
import dev.brasa.optim.Adam;
import dev.brasa.optim.AdamW;
import dev.brasa.optim.Optimizer;
import dev.brasa.optim.SGD;
import dev.brasa.optim.lr.CosineAnnealingLR;
import dev.brasa.optim.lr.LRScheduler;
import dev.brasa.optim.lr.StepLR;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Code no test reached before, each against PyTorch 1.13 (scripts/golden/blind_spots.py): the
 * gradients of maximum/minimum (ties split) and of clamp at its bounds, every optimizer option over a
 * fixed gradient sequence, two param groups, the schedulers, BatchNorm1d on [N, C, L], and a shuffled
 * epoch visiting every sample once. Each test fails on the bug it names.
 */
@org.junit.jupiter.api.extension.ExtendWith(FixtureGuard.class)
class BlindSpotsTest {
    static final Fixtures G = Fixtures.load("blind_spots.txt");

    @Test
    void maximumAndMinimumSendTheGradientToTheWinnerAndSplitTies() {
        for (String op : List.of("maximum", "minimum")) {
            Tensor x = Brasa.tensor(1f, 5f, 3f).requiresGrad_(), y = Brasa.tensor(4f, 2f, 3f).requiresGrad_();
            (op.equals("maximum") ? x.maximum(y) : x.minimum(y)).sum().backward();
            Assertions2.assertExact(G.tensor(op + ".gx"), x.grad(), op + " d/dx");
            Assertions2.assertExact(G.tensor(op + ".gy"), y.grad(), op + " d/dy");
        }
    }

    @Test
    void clampPassesTheGradientAtItsBounds() {
        Tensor c = Brasa.tensor(-1f, 0f, 0.5f, 1f, 2f).requiresGrad_();
        c.clamp(0f, 1f).sum().backward();
        Assertions2.assertExact(G.tensor("clamp.grad"), c.grad(), "clamp(0, 1) gradient");
        Tensor d = Brasa.tensor(-1f, 0f, 0.5f, 1f, 2f).requiresGrad_();
        Tensor m = d.clampMin(0.5f);
        m.sum().backward();
        Assertions2.assertExact(G.tensor("clamp_min.value"), m.detach(), "clampMin value");
        Assertions2.assertExact(G.tensor("clamp_min.grad"), d.grad(), "clampMin gradient");
    }

    /** The parameter after each of PyTorch's five steps, for one optimizer configuration. */
    private static void steps(String name, Function<List<Parameter>, Optimizer> make) {
        Parameter p = new Parameter(Brasa.tensor(1f, -2f, 0.5f));
        Optimizer opt = make.apply(List.of(p));
        for (int i = 0; i < 5; i++) {
            p.setGrad(G.tensor("grads." + i));
            opt.step();
            Assertions2.assertClose(G.tensor(name + "." + i), p.detach(), 2e-6, 2e-7, name + " after step " + (i + 1));
        }
    }

    @Test
    void everySgdOptionStepsAsPyTorchDoes() {
        steps("sgd_momentum", p -> SGD.builder(p).lr(0.1).momentum(0.9).build());
        steps("sgd_dampening", p -> SGD.builder(p).lr(0.1).momentum(0.9).dampening(0.3).weightDecay(0.01).build());
        steps("sgd_nesterov", p -> SGD.builder(p).lr(0.1).momentum(0.8).nesterov(true).weightDecay(0.1).build());
        steps("sgd_maximize", p -> SGD.builder(p).lr(0.05).momentum(0.5).maximize(true).build());
    }

    @Test
    void everyAdamOptionStepsAsPyTorchDoes() {
        steps("adam_betas_eps", p -> Adam.builder(p).lr(0.1).betas(0.8, 0.9).eps(1e-3).build());
        steps("adam_weight_decay", p -> Adam.builder(p).lr(0.1).weightDecay(0.5).build());
        steps("adam_amsgrad", p -> Adam.builder(p).lr(0.1).amsgrad(true).build());
        steps("adam_maximize", p -> Adam.builder(p).lr(0.1).maximize(true).build());
        steps("adamw_amsgrad", p -> AdamW.builder(p).lr(0.1).weightDecay(0.2).amsgrad(true).build());
        steps("adamw_maximize", p -> AdamW.builder(p).lr(0.1).betas(0.7, 0.95).maximize(true).build());
    }

    @Test
    void paramGroupsKeepTheirOwnOptions() {
        Parameter a = new Parameter(Brasa.tensor(1f, 2f)), b = new Parameter(Brasa.tensor(-1f));
        SGD opt = SGD.builder(List.of(a)).lr(0.1).momentum(0.9).build();
        opt.addParamGroup(List.of(b), Map.of("lr", 0.01, "momentum", 0.5));
        for (int i = 0; i < 5; i++) {
            Tensor g = G.tensor("grads." + i);
            a.setGrad(g.slice(0, 0, 2).contiguous());
            b.setGrad(g.slice(0, 2, 3).contiguous());
            opt.step();
            Assertions2.assertClose(G.tensor("groups.a." + i), a.detach(), 2e-6, 2e-7, "group 0 after step " + (i + 1));
            Assertions2.assertClose(G.tensor("groups.b." + i), b.detach(), 2e-6, 2e-7, "group 1 after step " + (i + 1));
        }
    }

    @Test
    void theSchedulersFollowPyTorchsLearningRates() {
        for (String name : List.of("steplr", "cosine")) {
            SGD opt = new SGD(List.of(Brasa.zeros(1).requiresGrad_()), 0.1);
            LRScheduler s = name.equals("steplr") ? new StepLR(opt, 2, 0.5) : new CosineAnnealingLR(opt, 5, 0.01);
            double[] want = G.tensor(name + ".lr").toDoubleArray();
            for (int e = 0; e < want.length; e++) {
                s.step();
                assertEquals(want[e], opt.paramGroups().get(0).lr(), 1e-12, name + " after epoch " + (e + 1));
            }
        }
    }

    @Test
    void batchNorm1dOnThreeDimensionsUsesEveryPositionOfEachChannel() {
        BatchNorm1d bn = new BatchNorm1d(3);
        Tensor x = G.tensor("bn3d.x");
        Assertions2.assertClose(G.tensor("bn3d.out"), bn.forward(x).detach(), 1e-5, 1e-5, "training output");
        Assertions2.assertClose(G.tensor("bn3d.running_mean"), bn.buffer("running_mean"), 1e-6, 1e-7, "running mean");
        Assertions2.assertClose(G.tensor("bn3d.running_var"), bn.buffer("running_var"), 1e-6, 1e-7, "running var (unbiased over N*L)");
        bn.eval();
        Assertions2.assertClose(G.tensor("bn3d.eval_out"), bn.forward(x).detach(), 1e-5, 1e-5, "eval output");
    }

    @Test
    void aShuffledEpochVisitsEverySampleOnce() {
        int n = 103;
        TensorDataset ds = new TensorDataset(Brasa.arange(n).toFloat().view(n, 1), Brasa.arange(n));
        for (boolean dropLast : new boolean[] {false, true}) {
            for (int workers : new int[] {0, 2}) {
                DataLoader loader = DataLoader.builder(ds).batchSize(8).shuffle(true).dropLast(dropLast).numWorkers(workers).seed(5).build();
                for (int epoch = 0; epoch < 2; epoch++) {
                    Set<Long> seen = new HashSet<>();
                    int count = 0;
                    for (Sample s : loader) {
                        for (long v : s.y().toLongArray()) {
                            if (!seen.add(v)) fail("sample " + v + " twice in one epoch (dropLast " + dropLast + ", workers " + workers + ")");
                            count++;
                        }
                        assertArrayEquals(s.y().toFloat().toFloatArray(), s.x().view(-1).toFloatArray(), "x and y stay paired");
                    }
                    assertEquals(dropLast ? 96 : n, count, "samples per epoch (dropLast " + dropLast + ", workers " + workers + ")");
                    assertTrue(seen.stream().allMatch(v -> v >= 0 && v < n));
                }
            }
        }
    }

    @Test
    void nnInitFillsAsTorchNnInitForTheSameSeed() {
        Map<String, Function<Tensor, Tensor>> inits = new java.util.LinkedHashMap<>();
        inits.put("xavier_uniform", dev.brasa.nn.Init::xavierUniform_);
        inits.put("xavier_uniform_gain", t -> dev.brasa.nn.Init.xavierUniform_(t, 2.0));
        inits.put("xavier_normal", dev.brasa.nn.Init::xavierNormal_);
        inits.put("xavier_normal_gain", t -> dev.brasa.nn.Init.xavierNormal_(t, 0.5));
        inits.put("kaiming_uniform", dev.brasa.nn.Init::kaimingUniform_);
        inits.put("kaiming_uniform_relu_out", t -> dev.brasa.nn.Init.kaimingUniform_(t, 0, false, "relu"));
        inits.put("kaiming_normal", dev.brasa.nn.Init::kaimingNormal_);
        inits.put("kaiming_normal_leaky", t -> dev.brasa.nn.Init.kaimingNormal_(t, 0.2, true, "leaky_relu"));
        inits.put("normal", t -> dev.brasa.nn.Init.normal_(t, 0.5, 2.0));
        inits.put("uniform", t -> dev.brasa.nn.Init.uniform_(t, -1.0, 3.0));
        inits.put("ones", dev.brasa.nn.Init::ones_);
        inits.put("zeros", dev.brasa.nn.Init::zeros_);
        inits.put("constant", t -> dev.brasa.nn.Init.constant_(t, 0.25));
        for (var e : inits.entrySet()) {
            Brasa.manualSeed(5);
            Tensor t = Brasa.empty(4, 6);
            Tensor r = e.getValue().apply(t);
            assertTrue(r == t, e.getKey() + " fills in place and returns its tensor");
            Assertions2.assertClose(G.tensor("init." + e.getKey()), t, 1e-6, 1e-7, "nn.init." + e.getKey() + "_");
        }
    }
}
