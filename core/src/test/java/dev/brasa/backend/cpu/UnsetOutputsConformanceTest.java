package dev.brasa.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.backend.Backend;
import dev.brasa.backend.Backends;
import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.Kind;
import dev.brasa.backend.UnaryOp;
import dev.brasa.internal.ops.Binary;
import dev.brasa.internal.ops.LinearOp;
import dev.brasa.internal.ops.Unary;
import dev.brasa.nn.F;
import dev.brasa.nn.Reduction;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The ops whose float outputs are allocated without zeroing ({@link UnsetArrays}: unary and binary
 * elementwise ops, matmul, linear, softmax, cross entropy's gradient, copies, cat, row indexing, and
 * their backward) write every element: with the arrays poisoned (a NaN no
 * op makes), each result must hold no poison and the same bits as without poison, on whichever
 * backend and vector width this run uses (scripts/test runs the class on the scalar backend and at
 * 256 and 128 bits too). Shapes cover vector tails, strided and broadcast inputs, and an empty K.
 */
class UnsetOutputsConformanceTest {

    @Test
    void theBuildsFlagLetsOutputsSkipZeroing() {
        // the surefire JVMs get --add-exports java.base/jdk.internal.misc=ALL-UNNAMED (the root pom's brasa.jvm.flags)
        assertTrue(UnsetArrays.ALLOCATE != null, "jdk.internal.misc.Unsafe.allocateUninitializedArray is not reachable");
        assertEquals(4099, UnsetArrays.floats(4099).length);
        assertEquals(0f, UnsetArrays.floats(10)[9]);      // small arrays stay plain, zeroed ones
        UnsetArrays.poison = true;
        try {
            // the hook the next test relies on poisons every element, and both CPU backends' unset storage comes from it
            for (float v : UnsetArrays.floats(3)) assertEquals(UnsetArrays.POISON, Float.floatToRawIntBits(v));
            for (Backend b : new Backend[] {Backends.scalar(), Backends.simdOrNull()}) {
                for (float v : ((CpuStorage) b.allocateUnset(Kind.F32, 3)).f()) assertEquals(UnsetArrays.POISON, Float.floatToRawIntBits(v), b.name());
                assertEquals(0L, ((CpuStorage) b.allocateUnset(Kind.I64, 3)).l[2], b.name());      // other kinds stay zeroed
            }
        } finally {
            UnsetArrays.poison = false;
        }
    }

    @Test
    void everyOpWithUnsetOutputsWritesTheWholeOutput() {
        Brasa.manualSeed(7);
        Tensor a = Brasa.randn(37, 67), b = Brasa.randn(37, 67), row = Brasa.randn(67), col = Brasa.randn(37, 1);
        Tensor aT = Brasa.randn(67, 37).t(), pos = a.abs().add(0.5f);
        Map<String, Supplier<Tensor[]>> ops = new LinkedHashMap<>();
        for (UnaryOp op : UnaryOp.values()) {
            for (Tensor x : List.of(a, aT, pos)) {
                String of = " of " + Arrays.toString(x.shape()) + (x.isContiguous() ? "" : " strided");
                ops.put(op + of, () -> new Tensor[] {Unary.apply(op, x, -0.5, 0.75)});
                ops.put(op + " backward" + of, () -> grads(List.of(x), l -> Unary.apply(op, l.get(0), -0.5, 0.75).mul(b)));
            }
        }
        for (BinaryOp op : BinaryOp.values()) {
            if (op.isComparison()) continue;                  // bool outputs are zeroed
            for (Tensor[] xy : List.of(new Tensor[] {a, b}, new Tensor[] {aT, row}, new Tensor[] {col, row}, new Tensor[] {pos, Brasa.scalarTensor(1.5f)})) {
                ops.put(op + " of " + Arrays.toString(xy[0].shape()) + " and " + Arrays.toString(xy[1].shape()),
                        () -> new Tensor[] {Binary.apply(op, xy[0], xy[1])});
            }
        }
        Tensor w = Brasa.randn(67, 300), big = Brasa.randn(130, 67), batched = Brasa.randn(3, 37, 67);
        ops.put("matmul 37x67 @ 67x300", () -> new Tensor[] {a.matmul(w)});
        ops.put("matmul 130x67 @ 67x300", () -> new Tensor[] {big.matmul(w)});
        ops.put("matmul A^T 37x67 @ 67x300", () -> new Tensor[] {aT.matmul(w)});
        ops.put("matmul 3x37x67 @ 67x300", () -> new Tensor[] {batched.matmul(w)});
        ops.put("matmul 37x67 @ 67", () -> new Tensor[] {a.matmul(row)});
        Tensor k0a = Brasa.randn(40, 0), k0b = Brasa.randn(0, 50);
        ops.put("matmul K = 0", () -> new Tensor[] {k0a.matmul(k0b)});
        ops.put("matmul backward", () -> grads(List.of(big, w), l -> l.get(0).matmul(l.get(1))));
        Tensor lw = Brasa.randn(45, 67), lb = Brasa.randn(45);
        for (UnaryOp act : Arrays.asList(null, UnaryOp.RELU, UnaryOp.TANH, UnaryOp.SIGMOID)) {
            for (Tensor x : List.of(a, aT, batched, k0a.reshape(0, 67))) {
                String of = " " + act + " of " + Arrays.toString(x.shape());
                ops.put("linear" + of, () -> new Tensor[] {LinearOp.apply(x, lw, lb, act)});
                ops.put("linear backward" + of, () -> grads(List.of(x, lw, lb), l -> LinearOp.apply(l.get(0), l.get(1), l.get(2), act)));
                ops.put("linear without bias, backward" + of, () -> grads(List.of(x, lw), l -> LinearOp.apply(l.get(0), l.get(1), null, act)));
            }
        }
        for (int dim : new int[] {0, 1}) {
            ops.put("softmax backward, dim " + dim, () -> grads(List.of(aT), l -> l.get(0).softmax(dim).mul(b)));
            ops.put("log_softmax backward, dim " + dim, () -> grads(List.of(a), l -> l.get(0).logSoftmax(dim).mul(b)));
        }
        Tensor target = Brasa.randint(0, 67, 37);
        ops.put("cross entropy backward", () -> grads(List.of(a), l -> F.crossEntropy(l.get(0), target)));
        long[] some = new long[37];
        for (int i = 0; i < some.length; i++) some[i] = i % 3 == 0 ? 34 : i * 7 % 67;     // every third row ignored
        ops.put("cross entropy backward, ignored rows and smoothing",
                () -> grads(List.of(aT), l -> F.crossEntropy(l.get(0), Brasa.tensor(some), 34, 0.1, Reduction.SUM)));
        ops.put("contiguous copy", () -> new Tensor[] {aT.contiguous(), batched.transpose(0, 2).contiguous()});
        Tensor doubles = a.toDouble();
        ops.put("to float32", () -> new Tensor[] {doubles.toFloat()});
        ops.put("cat", () -> new Tensor[] {Brasa.cat(List.of(a, b, aT), 0), Brasa.cat(List.of(a, col, b), 1), Brasa.stack(List.of(a, aT), 1)});
        Tensor rows = Brasa.randint(0, 130, 64), none = Brasa.randint(0, 130, 0);
        ops.put("index by rows", () -> new Tensor[] {big.index(rows), big.index(none)});

        for (var e : ops.entrySet()) {
            Tensor[] plain = e.getValue().get(), poisoned;
            UnsetArrays.poison = true;
            try {
                poisoned = e.getValue().get();
            } finally {
                UnsetArrays.poison = false;
            }
            assertEquals(plain.length, poisoned.length, e.getKey());
            for (int t = 0; t < plain.length; t++) {
                String what = e.getKey() + (plain.length > 1 ? ", result " + t : "");
                float[] want = plain[t].toFloatArray(), got = poisoned[t].toFloatArray();
                assertEquals(want.length, got.length, what);
                for (int j = 0; j < want.length; j++) {
                    int bits = Float.floatToRawIntBits(got[j]);
                    if (bits == UnsetArrays.POISON || Float.floatToIntBits(want[j]) != Float.floatToIntBits(got[j])) {
                        throw new AssertionError(what + ": element " + j + " of " + want.length + " is " + got[j]
                                + (bits == UnsetArrays.POISON ? " (never written)" : "") + " with poisoned outputs, " + want[j] + " without");
                    }
                }
            }
        }
    }

    /** The gradients of sum(f(leaves)) for fresh leaves holding the inputs' values (fresh: no gradient buffer yet). */
    private static Tensor[] grads(List<Tensor> inputs, Function<List<Tensor>, Tensor> f) {
        List<Tensor> leaves = inputs.stream().map(t -> t.detach().requiresGrad_()).toList();
        f.apply(leaves).sum().backward();
        return leaves.stream().map(Tensor::grad).toArray(Tensor[]::new);
    }
}
