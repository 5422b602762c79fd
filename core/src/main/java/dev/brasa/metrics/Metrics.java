package dev.brasa.metrics;

import dev.brasa.Tensor;
import java.util.Objects;

/**
 * Classification metrics over predicted and true class indices (INT64 tensors or arrays):
 * accuracy, the confusion matrix, and scikit-learn's text classification report.
 */
public final class Metrics {
    private Metrics() {}

    /** Fraction of equal entries. */
    public static double accuracy(Tensor predicted, Tensor target) {
        long[] p = predicted.toLongArray(), t = target.toLongArray();
        check(p, t);
        long ok = 0;
        for (int i = 0; i < p.length; i++) if (p[i] == t[i]) ok++;
        return p.length == 0 ? Double.NaN : (double) ok / p.length;
    }

    /** counts[true][predicted] over classes 0..numClasses-1. */
    public static long[][] confusionMatrix(Tensor predicted, Tensor target, int numClasses) {
        long[] p = predicted.toLongArray(), t = target.toLongArray();
        check(p, t);
        if (numClasses <= 0) throw new IllegalArgumentException("numClasses must be > 0, got " + numClasses);
        long[][] m = new long[numClasses][numClasses];
        for (int i = 0; i < p.length; i++) {
            if (p[i] < 0 || p[i] >= numClasses || t[i] < 0 || t[i] >= numClasses) {
                throw new IllegalArgumentException("class index out of range 0.." + (numClasses - 1) + " at position " + i
                        + ": predicted " + p[i] + ", true " + t[i]);
            }
            m[(int) t[i]][(int) p[i]]++;
        }
        return m;
    }

    /**
     * scikit-learn's {@code classification_report} text: per class precision, recall, f1-score and
     * support, then accuracy, macro avg and weighted avg, 2 decimals.
     */
    public static String classificationReport(Tensor predicted, Tensor target, String... classNames) {
        Objects.requireNonNull(classNames, "classNames");
        int k = classNames.length;
        long[][] m = confusionMatrix(predicted, target, k);
        double[] prec = new double[k], rec = new double[k], f1 = new double[k];
        long[] support = new long[k];
        long total = 0, correct = 0;
        for (int c = 0; c < k; c++) {
            long tp = m[c][c], col = 0, row = 0;
            for (int j = 0; j < k; j++) {
                col += m[j][c];
                row += m[c][j];
            }
            prec[c] = col == 0 ? 0 : (double) tp / col;
            rec[c] = row == 0 ? 0 : (double) tp / row;
            f1[c] = prec[c] + rec[c] == 0 ? 0 : 2 * prec[c] * rec[c] / (prec[c] + rec[c]);
            support[c] = row;
            total += row;
            correct += tp;
        }
        int width = "weighted avg".length();
        for (String n : classNames) width = Math.max(width, n.length());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%" + width + "s  %9s %9s %9s %9s%n%n", "", "precision", "recall", "f1-score", "support"));
        for (int c = 0; c < k; c++) {
            sb.append(String.format("%" + width + "s  %9s %9s %9s %9d%n", classNames[c], f2(prec[c]), f2(rec[c]), f2(f1[c]), support[c]));
        }
        sb.append('\n');
        sb.append(String.format("%" + width + "s  %9s %9s %9s %9d%n", "accuracy", "", "", f2(total == 0 ? 0 : (double) correct / total), total));
        // as numpy's mean and weighted average: sum, then one division
        double mp = 0, mr = 0, mf = 0, wp = 0, wr = 0, wf = 0;
        for (int c = 0; c < k; c++) {
            mp += prec[c];
            mr += rec[c];
            mf += f1[c];
            wp += prec[c] * support[c];
            wr += rec[c] * support[c];
            wf += f1[c] * support[c];
        }
        double t = Math.max(1, total);
        sb.append(String.format("%" + width + "s  %9s %9s %9s %9d%n", "macro avg", f2(mp / k), f2(mr / k), f2(mf / k), total));
        sb.append(String.format("%" + width + "s  %9s %9s %9s %9d%n", "weighted avg", f2(wp / t), f2(wr / t), f2(wf / t), total));
        return sb.toString();
    }

    /**
     * v with 2 decimals as Python formats it ({@code f"{v:.2f}"}, which scikit-learn's report uses):
     * the exact binary value rounded half to even, so 0.615 (just below 0.615 in binary) is 0.61;
     * Java's %.2f rounds the shortest decimal form half up and would print 0.62.
     */
    static String f2(double v) {
        return new java.math.BigDecimal(v).setScale(2, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    private static void check(long[] p, long[] t) {
        if (p.length != t.length) {
            throw new IllegalArgumentException("predicted and target must have the same number of elements, got " + p.length + " and " + t.length);
        }
    }
}
