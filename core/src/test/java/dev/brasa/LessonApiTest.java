package dev.brasa;

import static dev.brasa.Assertions2.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.autograd.GradCheck;
import dev.brasa.nn.F;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tensor API the lessons use, against PyTorch 1.13 (fixtures from
 * {@code scripts/golden/lesson_api.py}): norms, max/min along a dim with their indices, gather,
 * scatter, scatter_add, one_hot and indexing by several index tensors; values and the gradients of
 * sum(out * w), and central differences on the differentiable ones.
 */
@ExtendWith(FixtureGuard.class)
class LessonApiTest {
    static final Fixtures F_ = Fixtures.load("lesson_api.txt");
    static final double INF = Double.POSITIVE_INFINITY;
    static final Map<String, Function<Tensor[], Tensor>> CASES = new LinkedHashMap<>();

    static {
        CASES.put("norm_p1", x -> Brasa.norm(x[0], 1));
        CASES.put("norm_p2", x -> x[0].norm(2));
        CASES.put("norm_default", x -> x[0].norm());
        CASES.put("norm_p3_dim1_keep", x -> x[0].norm(3, 1, true));
        CASES.put("norm_p05", x -> x[0].norm(0.5));
        CASES.put("norm_inf_dim0", x -> x[0].norm(INF, 0, false));
        CASES.put("norm_inf_all", x -> x[0].norm(INF));
        CASES.put("norm_p2_zero_row", x -> x[0].norm(2, 1, false));
        CASES.put("norm_p1_dim1", x -> x[0].norm(1, 1, false));
        CASES.put("norm_p3_zero_row", x -> x[0].norm(3, 1, false));
        CASES.put("max_dim1_values", x -> x[0].max(1).values());
        CASES.put("max_dim0_keep_values", x -> x[0].max(0, true).values());
        CASES.put("min_dim1_values", x -> x[0].min(1).values());
        CASES.put("gather_dim1", x -> x[0].gather(1, x[1]));
        CASES.put("gather_dim0", x -> x[0].gather(0, x[1]));
        CASES.put("scatter_add_dim1", x -> x[0].scatterAdd(1, x[1], x[2]));
        CASES.put("scatter_add_dim0", x -> x[0].scatterAdd(0, x[1], x[2]));
        CASES.put("scatter_dim1", x -> x[0].scatter(1, x[1], x[2]));
        CASES.put("scatter_dim0_src_larger", x -> x[0].scatter(0, x[1], x[2]));
        CASES.put("scatter_value", x -> x[0].scatter(1, x[1], -7.5));
        CASES.put("index_rows_cols", x -> x[0].index(x[1], x[2]));
        CASES.put("index_broadcast", x -> x[0].index(x[1], x[2]));
    }

    static Stream<String> cases() { return CASES.keySet().stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void valuesAndGradientsMatchPyTorch(String name) {
        Assertions2.assertCase(F_, name, CASES.get(name), name);
    }

    @Test
    void indicesOfMaxAndMinAndOneHotAsPyTorch() {
        Tensor t = F_.tensor("max_dim1_values.in0");
        assertExact(F_.tensor("max_dim1_indices"), t.max(1).indices(), "max indices (first of ties)");
        assertExact(F_.tensor("max_dim0_keep_indices"), t.max(0, true).indices(), "max keepdim indices");
        assertExact(F_.tensor("min_dim1_indices"), t.min(1).indices(), "min indices");
        ValuesIndices vi = new ValuesIndices(Brasa.tensor(1f), Brasa.tensor(0L));
        assertEquals("ValuesIndices(\nvalues=tensor([1.]),\nindices=tensor([0]))", vi.toString());
        assertExact(F_.tensor("one_hot"), F.oneHot(Brasa.tensor(0L, 3L, 1L, 3L), 5), "one_hot");
        assertExact(F_.tensor("one_hot_infer"), F.oneHot(Brasa.tensor(new long[][] {{2, 0}, {1, 2}}), -1), "one_hot, classes inferred");
    }

    @Test
    void centralDifferencesAgree() {
        Brasa.manualSeed(3);
        Tensor x = Brasa.randn(3, 4).toDouble().requiresGrad_();
        Tensor idx = Brasa.tensor(new long[][] {{0, 3, 3}, {1, 1, 0}, {2, 0, 1}});
        Tensor src = Brasa.randn(3, 3).toDouble().requiresGrad_();
        assertTrue(GradCheck.check(t -> t[0].norm(3, 1, false), x));
        assertTrue(GradCheck.check(t -> t[0].norm(1.5), x));
        assertTrue(GradCheck.check(t -> t[0].norm(INF, 1, true), x));
        assertTrue(GradCheck.check(t -> t[0].gather(1, idx), x));
        assertTrue(GradCheck.check(t -> t[0].scatterAdd(1, idx, t[1]), x, src));
        Tensor unique = Brasa.tensor(new long[][] {{0, 3}, {1, 2}, {2, 0}});
        assertTrue(GradCheck.check(t -> t[0].scatter(1, unique, t[1]), x, Brasa.randn(3, 2).toDouble().requiresGrad_()));
        assertTrue(GradCheck.check(t -> t[0].index(Brasa.tensor(2L, 0L, 2L), Brasa.tensor(1L, 3L, 1L)), x));
    }

    @Test
    void badArgumentsGetPyTorchsMessages() {
        Tensor x = Brasa.randn(3, 4);
        assertEquals("index 4 is out of bounds for dimension 1 with size 4",
                assertThrows(IllegalArgumentException.class, () -> x.gather(1, Brasa.tensor(new long[][] {{4}}))).getMessage());
        assertEquals("index -1 is out of bounds for dimension 1 with size 4",
                assertThrows(IllegalArgumentException.class, () -> x.gather(1, Brasa.tensor(new long[][] {{-1}}))).getMessage());
        assertEquals("Index tensor must have the same number of dimensions as input tensor",
                assertThrows(IllegalArgumentException.class, () -> x.gather(1, Brasa.tensor(1L))).getMessage());
        assertEquals("gather(): Expected dtype int64 for index",
                assertThrows(IllegalArgumentException.class, () -> x.gather(1, Brasa.zeros(3, 1))).getMessage());
        assertEquals("Size does not match at dimension 0 expected index [4, 1] to be smaller than self [3, 4] apart from dimension 1",
                assertThrows(IllegalArgumentException.class, () -> x.gather(1, Brasa.zeros(DType.INT64, 4, 1))).getMessage());
        assertEquals("index 3 is out of bounds for dimension 0 with size 3",
                assertThrows(IllegalArgumentException.class, () -> x.index(Brasa.tensor(3L), Brasa.tensor(0L))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> x.index(Brasa.tensor(0L, 1L), Brasa.tensor(0L, 1L, 2L)))
                .getMessage().startsWith("shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]"));
        assertEquals("Class values must be smaller than num_classes.",
                assertThrows(IllegalArgumentException.class, () -> F.oneHot(Brasa.tensor(5L), 5)).getMessage());
        assertEquals("linalg.vector_norm: Expected a floating point or complex tensor as input. Got int64",
                assertThrows(IllegalArgumentException.class, () -> Brasa.tensor(1L, 2L).norm(1)).getMessage());
    }
}
