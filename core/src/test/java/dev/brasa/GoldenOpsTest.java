package dev.brasa;

import static dev.brasa.Assertions2.assertClose;
import static dev.brasa.Assertions2.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Tensor op against PyTorch 1.13 (fixtures from scripts/golden/ops.py): forward values,
 * gradients of sum(out * w) for every floating input, and the grad_fn name. Runs on the backend
 * in use (the build runs it on both CPU backends; scripts/gpu-check runs it with the inputs on the GPU,
 * {@code -Dbrasa.test.device=cuda}).
 */
@org.junit.jupiter.api.extension.ExtendWith(FixtureGuard.class)
class GoldenOpsTest {
    /** Where the inputs live: the CPU, or the device that {@code -Dbrasa.test.device} names. */
    static final Device DEVICE = Device.parse(System.getProperty("brasa.test.device", "cpu"));
    static final Fixtures F = Fixtures.load("ops.txt");
    static final Map<String, Function<Tensor[], Tensor>> CASES = new LinkedHashMap<>();
    static final Map<String, Function<Tensor[], Tensor>> FORWARD = new LinkedHashMap<>();

    static {
        CASES.put("add", x -> x[0].add(x[1]));
        CASES.put("add_bcast_row", x -> x[0].add(x[1]));
        CASES.put("add_bcast_col", x -> x[0].add(x[1]));
        CASES.put("add_bcast_3d", x -> x[0].add(x[1]));
        CASES.put("add_scalar", x -> x[0].add(2.5f));
        CASES.put("sub", x -> x[0].sub(x[1]));
        CASES.put("sub_scalar", x -> x[0].sub(1.25f));
        CASES.put("mul", x -> x[0].mul(x[1]));
        CASES.put("mul_bcast", x -> x[0].mul(x[1]));
        CASES.put("mul_scalar", x -> x[0].mul(-3f));
        CASES.put("div", x -> x[0].div(x[1]));
        CASES.put("div_bcast", x -> x[0].div(x[1]));
        CASES.put("div_scalar", x -> x[0].div(4f));
        CASES.put("neg", x -> x[0].neg());
        CASES.put("exp", x -> x[0].exp());
        CASES.put("log", x -> x[0].log());
        CASES.put("tanh", x -> x[0].tanh());
        CASES.put("sigmoid", x -> x[0].sigmoid());
        CASES.put("relu", x -> x[0].relu());
        CASES.put("sqrt", x -> x[0].sqrt());
        CASES.put("abs", x -> x[0].abs());
        CASES.put("reciprocal", x -> x[0].reciprocal());
        CASES.put("pow2", x -> x[0].pow(2));
        CASES.put("pow_half", x -> x[0].pow(0.5f));
        CASES.put("pow_3", x -> x[0].pow(3f));
        CASES.put("clamp", x -> x[0].clamp(-0.5f, 0.7f));
        CASES.put("leaky_relu", x -> x[0].leakyRelu(0.1f));
        CASES.put("gelu", x -> x[0].gelu());
        for (String m : List.of("matmul_2d", "matmul_2d_big", "matmul_1d_1d", "matmul_2d_1d", "matmul_1d_2d", "matmul_3d",
                "matmul_3d_2d", "matmul_2d_3d")) {
            CASES.put(m, x -> x[0].matmul(x[1]));
        }
        CASES.put("matmul_t", x -> x[0].matmul(x[1].t()));
        CASES.put("matmul_tt", x -> x[0].t().matmul(x[1].t()));
        CASES.put("sum_all", x -> x[0].sum());
        CASES.put("sum_dim0", x -> x[0].sum(0));
        CASES.put("sum_dim1_keep", x -> x[0].sum(1, true));
        CASES.put("sum_dim_neg", x -> x[0].sum(-1));
        CASES.put("sum_dims", x -> x[0].sum(new int[] {0, 2}, false));
        CASES.put("mean_all", x -> x[0].mean());
        CASES.put("mean_dim", x -> x[0].mean(1));
        CASES.put("mean_dim_keep", x -> x[0].mean(0, true));
        CASES.put("max_all", x -> x[0].max());
        CASES.put("max_dim", x -> x[0].max(1).values());
        CASES.put("max_dim_keep", x -> x[0].max(0, true).values());
        CASES.put("min_all", x -> x[0].min());
        CASES.put("min_dim", x -> x[0].min(-1).values());
        CASES.put("softmax_last", x -> x[0].softmax(-1));
        CASES.put("softmax_dim0", x -> x[0].softmax(0));
        CASES.put("softmax_3d_mid", x -> x[0].softmax(1));
        CASES.put("log_softmax_last", x -> x[0].logSoftmax(-1));
        CASES.put("log_softmax_dim0", x -> x[0].logSoftmax(0));
        CASES.put("t", x -> x[0].t());
        CASES.put("transpose", x -> x[0].transpose(0, 2));
        CASES.put("permute", x -> x[0].permute(2, 0, 1));
        CASES.put("view", x -> x[0].view(4, -1));
        CASES.put("reshape_t", x -> x[0].t().reshape(-1));
        CASES.put("flatten", x -> x[0].flatten());
        CASES.put("flatten_1", x -> x[0].flatten(1, -1));
        CASES.put("squeeze", x -> x[0].squeeze());
        CASES.put("squeeze_dim", x -> x[0].squeeze(1));
        CASES.put("unsqueeze", x -> x[0].unsqueeze(1));
        CASES.put("unsqueeze_neg", x -> x[0].unsqueeze(-1));
        CASES.put("repeat", x -> x[0].repeat(2, 3));
        CASES.put("repeat_more_dims", x -> x[0].repeat(2, 1, 2));
        CASES.put("expand", x -> x[0].expand(4, 3, 5));
        CASES.put("select", x -> x[0].select(0, 1));
        CASES.put("select_dim1", x -> x[0].select(1, -1));
        CASES.put("slice", x -> x[0].slice(1, 1, 3));
        CASES.put("slice_step", x -> x[0].slice(0, 1, Integer.MAX_VALUE, 2));
        CASES.put("slice_neg", x -> x[0].slice(0, -3, -1));
        CASES.put("index", x -> x[0].index(Brasa.tensor(2L, 0L, 2L, 3L)));
        CASES.put("index_2d", x -> x[0].index(Brasa.tensor(new long[][] {{1, 0}, {1, 1}})));
        CASES.put("index_mask_rows", x -> x[0].index(Brasa.tensor(true, false, true, true)));
        CASES.put("index_mask_elems", x -> x[0].index(x[0].gt(0f)));
        CASES.put("cat0", x -> Brasa.cat(List.of(x[0], x[1]), 0));
        CASES.put("cat1", x -> Brasa.cat(List.of(x[0], x[1]), 1));
        CASES.put("stack0", x -> Brasa.stack(List.of(x[0], x[1]), 0));
        CASES.put("stack1", x -> Brasa.stack(List.of(x[0], x[1]), 1));
        CASES.put("hstack_1d", x -> Brasa.hstack(x[0], x[1]));
        CASES.put("hstack_2d", x -> Brasa.hstack(x[0], x[1]));
        CASES.put("vstack_1d", x -> Brasa.vstack(x[0], x[1]));
        CASES.put("vstack_2d", x -> Brasa.vstack(x[0], x[1]));
        CASES.put("clone", x -> x[0].clone());
        CASES.put("contiguous_t", x -> x[0].t().contiguous());
        CASES.put("to_double", x -> x[0].toDouble().mul(2f));
        CASES.put("chain_mlp", x -> x[0].matmul(x[1]).add(x[2]).tanh().matmul(x[3]).sigmoid().mean());
        CASES.put("chain_reuse", x -> x[0].mul(x[0]).add(x[0].exp().mul(x[0])));

        FORWARD.put("ge", x -> x[0].ge(0.25f));
        FORWARD.put("gt", x -> x[0].gt(x[1]));
        FORWARD.put("le", x -> x[0].le(-0.1f));
        FORWARD.put("lt", x -> x[0].lt(x[1]));
        FORWARD.put("eq", x -> x[0].eq(x[1]));
        FORWARD.put("eq_scalar", x -> x[0].eq(2f));
        FORWARD.put("ne", x -> x[0].ne(x[1]));
        FORWARD.put("argmax_all", x -> x[0].argmax());
        FORWARD.put("argmax_dim", x -> x[0].argmax(1));
        FORWARD.put("argmax_dim0", x -> x[0].argmax(0));
        FORWARD.put("argmin_dim", x -> x[0].argmin(-1));
        FORWARD.put("to_long", x -> x[0].mul(3f).toLong());
        FORWARD.put("to_float", x -> x[0].gt(0f).toFloat());
        FORWARD.put("sum_bool", x -> x[0].gt(0f).sum());
        FORWARD.put("sum_long", x -> x[0].sum());
        FORWARD.put("long_eq", x -> x[0].eq(x[1]));
        FORWARD.put("long_add", x -> x[0].add(x[1]));
        FORWARD.put("long_div", x -> x[0].div(x[1]));
        FORWARD.put("long_plus_float", x -> x[0].add(x[1]));
        FORWARD.put("mean_of_eq", x -> x[0].argmax(1).eq(x[1]).toFloat().mean());
    }

    /**
     * Cases where PyTorch's matmul is a composite of view ops and its grad_fn names the last view
     * (SqueezeBackward3, UnsafeViewBackward0, ...); Brasa runs one batched GEMM node instead.
     */
    static final java.util.Set<String> COMPOSITE = java.util.Set.of("matmul_1d_2d", "matmul_3d", "matmul_3d_2d", "matmul_2d_3d");

    static Stream<String> cases() { return CASES.keySet().stream(); }

    static Stream<String> forwardCases() { return FORWARD.keySet().stream(); }

    private static Tensor[] inputs(String name) {
        List<Tensor> in = new ArrayList<>();
        for (int i = 0; F.has(name + ".in" + i); i++) in.add(F.tensor(name + ".in" + i).to(DEVICE));
        return in.toArray(new Tensor[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardAndGradientsMatchPyTorch(String name) {
        Tensor[] xs = inputs(name);
        for (Tensor x : xs) if (x.dtype().isFloatingPoint()) x.requiresGrad_();
        Tensor out = CASES.get(name).apply(xs);
        assertClose(F.tensor(name + ".out"), out, 1e-5, 1e-5, name + " forward");
        if (!COMPOSITE.contains(name)) {
            assertEquals(F.text(name + ".grad_fn"), out.gradFn() == null ? "" : out.gradFn().name(), name + " grad_fn");
        } else {
            assertTrue(java.util.Set.of("SqueezeBackward3", "UnsafeViewBackward0", "CloneBackward0").contains(F.text(name + ".grad_fn")),
                    name + ": PyTorch ends its composite matmul with a view node, " + F.text(name + ".grad_fn"));
        }
        out.mul(F.tensor(name + ".w").to(DEVICE)).sum().backward();
        for (int i = 0; i < xs.length; i++) {
            if (!F.has(name + ".grad" + i)) continue;
            assertNotNull(xs[i].grad(), name + " grad" + i);
            assertClose(F.tensor(name + ".grad" + i), xs[i].grad(), 1e-4, 1e-5, name + " grad" + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forwardCases")
    void forwardOnlyOpsMatchPyTorch(String name) {
        assertExact(F.tensor(name + ".out"), FORWARD.get(name).apply(inputs(name)), name);
    }

    @Test
    void runsOnTheBackendTheBuildAskedFor() {
        assertEquals(System.getProperty("brasa.backend", "simd"), Brasa.backendName());
    }

    @Test
    void everyFixtureCaseHasAJavaCase() {
        for (String k : F.keys()) {
            String name = k.substring(0, k.indexOf('.'));
            assertTrue(CASES.containsKey(name) || FORWARD.containsKey(name), "fixture case without Java case: " + name);
        }
    }
}
