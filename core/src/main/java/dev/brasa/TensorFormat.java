package dev.brasa;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Tensor.toString()} in PyTorch's layout (torch/_tensor_str.py with default print options:
 * precision 4, threshold 1000, edgeitems 3, linewidth 80): the same formatter choice (integer,
 * fixed or scientific mode), widths, line wrapping, summarisation and suffixes.
 */
final class TensorFormat {
    private static final int PRECISION = 4, THRESHOLD = 1000, EDGE = 3, LINEWIDTH = 80;

    private TensorFormat() {}

    static String format(Tensor t) {
        if (t.isClosed()) return "tensor(<closed>, size=" + tuple(t.shape) + ")";
        String prefix = "tensor(";
        int indent = prefix.length();
        List<String> suffixes = new ArrayList<>();
        if (!t.device().isCpu()) suffixes.add("device='" + t.device() + "'");
        String body;
        if (t.numel() == 0) {
            if (t.dim() != 1) suffixes.add("size=" + tuple(t.shape));
            if (t.dtype != DType.FLOAT32) suffixes.add("dtype=" + t.dtype.torchName());
            body = "[]";
        } else {
            if (t.dtype == DType.FLOAT64) suffixes.add("dtype=" + t.dtype.torchName());
            double[] v = t.toDoubleArray();
            boolean summarize = t.numel() > THRESHOLD;
            Formatter f = new Formatter(t.dtype, summarized(v, t.shape, summarize));
            body = str(v, 0, t.shape, 0, indent, summarize, f);
        }
        if (t.gradFn() != null) suffixes.add("grad_fn=<" + t.gradFn().name() + ">");
        else if (t.requiresGrad()) suffixes.add("requires_grad=True");
        return addSuffixes(prefix + body, suffixes, indent);
    }

    private static String tuple(int[] s) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < s.length; i++) sb.append(i == 0 ? "" : ", ").append(s[i]);
        return sb.append(s.length == 1 ? ",)" : ")").toString();
    }

    private static String addSuffixes(String s, List<String> suffixes, int indent) {
        StringBuilder sb = new StringBuilder(s);
        int lastLineLen = s.length() - s.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLineLen + suffix.length() + 2 > LINEWIDTH) {
                sb.append(",\n").append(" ".repeat(indent)).append(suffix);
                lastLineLen = indent + suffix.length();
            } else {
                sb.append(", ").append(suffix);
                lastLineLen += suffix.length() + 2;
            }
        }
        return sb.append(')').toString();
    }

    /** The values the formatter sees: all of them, or the edges when summarising. */
    private static double[] summarized(double[] v, int[] shape, boolean summarize) {
        if (!summarize) return v;
        List<Double> out = new ArrayList<>();
        collect(v, 0, shape, 0, out);
        double[] r = new double[out.size()];
        for (int i = 0; i < r.length; i++) r[i] = out.get(i);
        return r;
    }

    private static void collect(double[] v, int base, int[] shape, int d, List<Double> out) {
        if (d == shape.length) {
            out.add(v[base]);
            return;
        }
        int n = shape[d], stride = 1;
        for (int i = d + 1; i < shape.length; i++) stride *= shape[i];
        for (int i : indices(n)) collect(v, base + i * stride, shape, d + 1, out);
    }

    private static int[] indices(int n) {
        if (n <= 2 * EDGE) {
            int[] r = new int[n];
            for (int i = 0; i < n; i++) r[i] = i;
            return r;
        }
        int[] r = new int[2 * EDGE];
        for (int i = 0; i < EDGE; i++) {
            r[i] = i;
            r[EDGE + i] = n - EDGE + i;
        }
        return r;
    }

    private static String str(double[] v, int base, int[] shape, int d, int indent, boolean summarize, Formatter f) {
        int rank = shape.length - d;
        if (rank == 0) return f.format(v[base]);
        int n = shape[d], stride = 1;
        for (int i = d + 1; i < shape.length; i++) stride *= shape[i];
        if (rank == 1) {
            int elementLength = f.width + 2;
            int perLine = Math.max(1, (LINEWIDTH - indent) / elementLength);
            List<String> data = new ArrayList<>();
            if (summarize && n > 2 * EDGE) {
                for (int i = 0; i < EDGE; i++) data.add(f.format(v[base + i]));
                data.add(" ...");
                for (int i = n - EDGE; i < n; i++) data.add(f.format(v[base + i]));
            } else {
                for (int i = 0; i < n; i++) data.add(f.format(v[base + i]));
            }
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < data.size(); i += perLine) {
                lines.add(String.join(", ", data.subList(i, Math.min(data.size(), i + perLine))));
            }
            return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
        }
        List<String> slices = new ArrayList<>();
        if (summarize && n > 2 * EDGE) {
            for (int i = 0; i < EDGE; i++) slices.add(str(v, base + i * stride, shape, d + 1, indent + 1, summarize, f));
            slices.add("...");
            for (int i = n - EDGE; i < n; i++) slices.add(str(v, base + i * stride, shape, d + 1, indent + 1, summarize, f));
        } else {
            for (int i = 0; i < n; i++) slices.add(str(v, base + i * stride, shape, d + 1, indent + 1, summarize, f));
        }
        return "[" + String.join("," + "\n".repeat(rank - 1) + " ".repeat(indent + 1), slices) + "]";
    }

    /** PyTorch's _Formatter: picks int, fixed or scientific mode and one width for all elements. */
    private static final class Formatter {
        final DType dtype;
        boolean intMode = true, sciMode = false;
        int width = 1;

        Formatter(DType dtype, double[] values) {
            this.dtype = dtype;
            if (!dtype.isFloatingPoint()) {
                for (double v : values) width = Math.max(width, plain(v).length());
                return;
            }
            List<Double> nz = new ArrayList<>();
            for (double v : values) if (Double.isFinite(v) && v != 0) nz.add(v);
            if (nz.isEmpty()) return;
            double min = Double.MAX_VALUE, max = 0;
            for (double v : nz) {
                min = Math.min(min, Math.abs(v));
                max = Math.max(max, Math.abs(v));
                if (v != Math.ceil(v)) intMode = false;
            }
            if (intMode) {
                if (max / min > 1000. || max > 1.e8) {
                    sciMode = true;
                    for (double v : nz) width = Math.max(width, sci(v).length());
                } else {
                    for (double v : nz) width = Math.max(width, fixed(v, 0).length() + 1);
                }
            } else if (max / min > 1000. || max > 1.e8 || min < 1.e-4) {
                sciMode = true;
                for (double v : nz) width = Math.max(width, sci(v).length());
            } else {
                for (double v : nz) width = Math.max(width, fixed(v, PRECISION).length());
            }
        }

        String plain(double v) {
            if (dtype == DType.BOOL) return v != 0 ? "True" : "False";
            return Long.toString((long) v);
        }

        String format(double v) {
            String r;
            if (!dtype.isFloatingPoint()) r = plain(v);
            else if (sciMode) r = sci(v);
            else if (intMode) {
                r = fixed(v, 0);
                if (Double.isFinite(v)) r += ".";
            } else r = fixed(v, PRECISION);
            return r.length() >= width ? r : " ".repeat(width - r.length()) + r;
        }
    }

    /** Python's '{:.Nf}': exact binary value, round half to even, sign kept for negative zero. */
    static String fixed(double v, int prec) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        String s = new BigDecimal(v).setScale(prec, RoundingMode.HALF_EVEN).toPlainString();
        boolean negative = v < 0 || (v == 0 && 1 / v < 0);
        return negative && !s.startsWith("-") ? "-" + s : s;
    }

    /** Python's '{:.4e}'. */
    static String sci(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        String sign = v < 0 || (v == 0 && 1 / v < 0) ? "-" : "";
        if (v == 0) return sign + "0." + "0".repeat(PRECISION) + "e+00";
        BigDecimal bd = new BigDecimal(Math.abs(v)).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale();
        while (digits.length() < PRECISION + 1) digits += "0";
        digits = digits.substring(0, PRECISION + 1);
        String e = String.format("%02d", Math.abs(exp));
        return sign + digits.charAt(0) + "." + digits.substring(1) + "e" + (exp < 0 ? "-" : "+") + e;
    }
}
