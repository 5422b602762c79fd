package dev.brasa.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The nn constructors and functions no other test reached, each against its definition computed
 * here in double precision (the formulas of PyTorch's documentation) or a value PyTorch prints.
 */
class NnReachTest {
    private static final float[] P = {0.2f, 0.7f, 0.9f, 0.4f}, T = {0f, 1f, 1f, 0f}, W = {1f, 2f, 0.5f, 3f};

    private static void close(double expected, Tensor actual, String what) {
        assertEquals(expected, actual.item(), 1e-5 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void binaryCrossEntropyWithWeightsAndReductions() {
        double sum = 0, logits = 0, logitsW = 0;
        for (int i = 0; i < 4; i++) {
            double l = -(T[i] * Math.log(P[i]) + (1 - T[i]) * Math.log(1 - P[i]));
            sum += W[i] * l;
            double z = P[i] * 4 - 2; // logits
            double lz = Math.max(z, 0) - z * T[i] + Math.log1p(Math.exp(-Math.abs(z)));
            logits += lz;
            logitsW += W[i] * lz;
        }
        Tensor p = Brasa.tensor(P), t = Brasa.tensor(T), w = Brasa.tensor(W), z = p.mul(4).sub(2);
        close(sum, new BCELoss(w, Reduction.SUM).forward(p, t), "BCELoss(weight, sum)");
        close(logits / 4, new BCEWithLogitsLoss(Reduction.MEAN).forward(z, t), "BCEWithLogitsLoss(mean)");
        close(logitsW, new BCEWithLogitsLoss(w, Reduction.SUM).forward(z, t), "BCEWithLogitsLoss(weight, sum)");
        assertArrayEquals(new int[] {4}, new BCEWithLogitsLoss(Reduction.NONE).forward(z, t).shape());
    }

    @Test
    void crossEntropyAndNllWithReductionsAndIgnoredClass() {
        float[][] x = {{1f, 2f, 0.5f}, {0.1f, -1f, 3f}, {2f, 2f, 2f}};
        long[] target = {1, 2, 1};
        double[] nll = new double[3];
        for (int i = 0; i < 3; i++) {
            double lse = 0;
            for (float v : x[i]) lse += Math.exp(v);
            nll[i] = Math.log(lse) - x[i][(int) target[i]];
        }
        Tensor in = Brasa.tensor(x), t = Brasa.tensor(target);
        close(nll[0] + nll[1] + nll[2], new CrossEntropyLoss(Reduction.SUM).forward(in, t), "CrossEntropyLoss(sum)");
        close(nll[1], new CrossEntropyLoss(Reduction.MEAN, 1, 0).forward(in, t), "ignore_index=1 leaves row 1");
        Tensor logp = in.logSoftmax(1);
        float[] rows = new NLLLoss(Reduction.NONE, 2).forward(logp, t).toFloatArray();
        assertArrayEquals(new float[] {(float) nll[0], 0f, (float) nll[2]}, rows, 1e-5f, "NLLLoss(none, ignore_index=2)");
    }

    @Test
    void functionalLossesDropoutAndBatchNorm() {
        Tensor a = Brasa.tensor(1f, -2f, 3f), b = Brasa.tensor(0.5f, 1f, 1f);
        close((0.25 + 9 + 4) / 3, F.mseLoss(a, b, Reduction.MEAN), "mse");
        close(0.5 + 3 + 2, F.l1Loss(a, b, Reduction.SUM), "l1");
        assertArrayEquals(a.toFloatArray(), F.dropout(a, 0.5, false).toFloatArray(), "eval: identity");
        assertArrayEquals(new float[] {0f, -0f, 0f}, F.dropout(a, 1.0, true).toFloatArray(), "p = 1: x * 0, signs kept as PyTorch");
        Dropout d = new Dropout();
        assertEquals("Dropout(p=0.5, inplace=False)", d.toString());
        d.eval();
        assertArrayEquals(a.toFloatArray(), d.forward(a).toFloatArray());

        float[][] x = {{1f, 10f}, {3f, 20f}, {5f, 60f}};
        Tensor rm = Brasa.zeros(2), rv = Brasa.ones(2), w = Brasa.tensor(2f, 1f), bias = Brasa.tensor(0f, -1f);
        Tensor y = F.batchNorm(Brasa.tensor(x), rm, rv, w, bias, true, 0.1, 1e-5, null);
        for (int c = 0; c < 2; c++) {
            double mean = (x[0][c] + x[1][c] + x[2][c]) / 3, ss = 0;
            for (float[] r : x) ss += (r[c] - mean) * (r[c] - mean);
            for (int i = 0; i < 3; i++) {
                double want = (x[i][c] - mean) / Math.sqrt(ss / 3 + 1e-5) * w.toFloatArray()[c] + bias.toFloatArray()[c];
                assertEquals(want, y.toFloatArray()[i * 2 + c], 1e-5, "y[" + i + "," + c + "]");
            }
            assertEquals(0.1 * mean, rm.toFloatArray()[c], 1e-5, "running mean");
            assertEquals(0.9 + 0.1 * ss / 2, rv.toFloatArray()[c], 1e-4, "running var (unbiased)");
        }
    }

    @Test
    void flattenParameterAndModuleHelpers() {
        Tensor x = Brasa.randn(2, 3, 4);
        Flatten f = new Flatten(0, 1);
        assertArrayEquals(new int[] {6, 4}, f.forward(x).shape());
        assertEquals("Flatten(start_dim=0, end_dim=1)", f.toString());
        Parameter frozen = new Parameter(Brasa.ones(2), false);
        assertFalse(frozen.requiresGrad());
        Linear l = new Linear(3, 2);
        assertSame(l.parameters().get(0), l.parameter("weight"));
        assertArrayEquals(new int[] {2, 3}, l.parameter("weight").shape());
        assertEquals(null, l.parameter("nope"));
        class Custom extends Module {
            @Override public Tensor forward(Tensor t) { return t; }

            @Override public String extraRepr() { return name() + " " + py(true) + " " + py(false) + " " + py(0.5) + " " + py(1.0); }
        }
        assertEquals("Custom(Custom True False 0.5 1.0)", new Custom().toString());
        assertEquals(new Module.LoadResult(List.of(), List.of()), l.loadStateDict(l.stateDict()));
    }

    /** Python's repr(float) for each value (Python 3 printed them), as a module's extraRepr writes hyperparameters. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} -> {1}")
    @org.junit.jupiter.params.provider.CsvSource({"0.1,0.1", "-2.0,-2.0", "1e-4,0.0001", "5e-4,0.0005", "1.5e-4,0.00015", "9.99e-5,9.99e-05",
        "1e-5,1e-05", "2.5e-7,2.5e-07", "1e-300,1e-300", "0.001,0.001", "12345678.5,12345678.5", "1e15,1000000000000000.0",
        "1e16,1e+16", "1.2345678901234568e17,1.2345678901234568e+17", "9999999999999998.0,9999999999999998.0"})
    void floatsPrintAsPythonsRepr(double v, String python) {
        class Repr extends Module {
            @Override public Tensor forward(Tensor t) { return t; }

            String of(double d) { return py(d); }
        }
        assertEquals(python, new Repr().of(v));
    }

    @Test
    void gainsAsTorchNnInitCalculateGain() {
        assertEquals(1.0, Init.calculateGain("linear", null));
        assertEquals(1.0, Init.calculateGain("sigmoid", null));
        assertEquals(5.0 / 3, Init.calculateGain("tanh", null), 1e-15);
        assertEquals(Math.sqrt(2), Init.calculateGain("relu", null), 1e-15);
        assertEquals(Math.sqrt(2 / (1 + 0.2 * 0.2)), Init.calculateGain("leaky_relu", 0.2), 1e-15);
        assertEquals(Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.calculateGain("leaky_relu", null), 1e-15);
    }
}
