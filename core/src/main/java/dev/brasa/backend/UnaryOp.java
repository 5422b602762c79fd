package dev.brasa.backend;

/**
 * Elementwise unary operations, one row each: PyTorch's name for the backward node, what the
 * backward needs saved ({@link Saves}), and the float CUDA expressions of the forward (in
 * {@code x, p, q}) and of the backward (in {@code g, x, y, p, q}), from which
 * {@code KernelCompiler} generates the CUDA switch, so op codes never depend on a hand-kept list.
 * {@link #apply} is the specification every backend must match; {@link #derivative} gives
 * d(out)/d(in) from the input {@code x} and output {@code y}, reading only what {@link #saves}
 * keeps (a test checks this). The parameters {@code p} and {@code q} are the exponent of POW, the
 * bounds of CLAMP and the slope of LEAKY_RELU; other ops ignore them. A new op: one row here, its
 * cases in {@link #apply} and {@link #derivative} (the compiler insists), the {@code Tensor}
 * method and its golden case.
 */
public enum UnaryOp {
    NEG("NegBackward0", Saves.NOTHING, "-x", "-g"),
    EXP("ExpBackward0", Saves.OUTPUT, "expf(x)", "g * y"),
    LOG("LogBackward0", Saves.INPUT, "logf(x)", "g / x"),
    TANH("TanhBackward0", Saves.OUTPUT, "tanhf(x)", "g * (1.0f - y * y)"),
    SIGMOID("SigmoidBackward0", Saves.OUTPUT, "1.0f / (1.0f + expf(-x))", "g * y * (1.0f - y)"),
    RELU("ReluBackward0", Saves.OUTPUT, "x < 0.0f ? 0.0f : x", "y > 0.0f ? g : 0.0f"),
    SQRT("SqrtBackward0", Saves.OUTPUT, "sqrtf(x)", "g / (2.0f * y)"),
    ABS("AbsBackward0", Saves.INPUT, "fabsf(x)", "x > 0.0f ? g : (x < 0.0f ? -g : 0.0f)"),
    RECIPROCAL("ReciprocalBackward0", Saves.OUTPUT, "1.0f / x", "-g * y * y"),
    POW("PowBackward0", Saves.INPUT, "powf(x, p)", "p == 0.0f ? 0.0f : g * p * powf(x, p - 1.0f)"),
    CLAMP("ClampBackward1", Saves.INPUT, "(x < p ? p : x) > q ? q : (x < p ? p : x)", "(x >= p && x <= q) ? g : 0.0f"),
    LEAKY_RELU("LeakyReluBackward0", Saves.INPUT, "x > 0.0f ? x : x * p", "x > 0.0f ? g : g * p"),
    GELU("GeluBackward0", Saves.INPUT, "0.5f * x * (1.0f + erff(x * 0.70710678118654752f))",
            "g * (0.5f * (1.0f + erff(x * 0.70710678118654752f)) + x * 0.3989422804014327f * expf(-0.5f * x * x))"),
    SIGN("SignBackward0", Saves.NOTHING, "x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x)", "0.0f"),
    /** y = x; used by copy-like kernels. */
    IDENTITY("AliasBackward0", Saves.NOTHING, "x", "g");

    /** What an op's backward reads besides the output gradient. */
    public enum Saves {
        /** Nothing: the derivative is a constant. */ NOTHING,
        /** The input x. */ INPUT,
        /** The output y. */ OUTPUT
    }

    private final String nodeName, cudaForward, cudaBackward;
    private final Saves saves;

    UnaryOp(String nodeName, Saves saves, String cudaForward, String cudaBackward) {
        this.nodeName = nodeName;
        this.saves = saves;
        this.cudaForward = cudaForward;
        this.cudaBackward = cudaBackward;
    }

    /** PyTorch's name for the backward node, e.g. {@code ExpBackward0}. */
    public String nodeName() { return nodeName; }

    /** What the backward reads: the input, the output or neither. */
    public Saves saves() { return saves; }

    /** The forward as a CUDA float expression in {@code x, p, q}. */
    public String cudaForward() { return cudaForward; }

    /** The gradient as a CUDA float expression in {@code g, x, y, p, q}. */
    public String cudaBackward() { return cudaBackward; }

    /** The value of the op at x. */
    public double apply(double x, double p, double q) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
            case RELU -> x < 0 ? 0.0 : x;                     // -0.0 and NaN kept, as PyTorch
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case RECIPROCAL -> 1.0 / x;
            case POW -> Math.pow(x, p);
            case CLAMP -> clamp(x, p, q);
            case LEAKY_RELU -> x > 0 ? x : x * p;
            case GELU -> 0.5 * x * (1.0 + erf(x / Math.sqrt(2.0)));
            case SIGN -> Math.signum(x);
            case IDENTITY -> x;
        };
    }

    /**
     * The value for a 64-bit integer, exact beyond 2^53 for the ops that keep integers (NEG, ABS, RELU,
     * SIGN); any other op goes through {@link #apply(double, double, double)} and is truncated back.
     * A name of its own, not an overload: apply(0, p, q) with an int literal must stay the double form.
     */
    public long applyLong(long x, double p, double q) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case RELU -> Math.max(x, 0);
            case SIGN -> Long.signum(x);
            default -> (long) apply((double) x, p, q);
        };
    }

    /** d(out)/d(in) at input x with output y (PyTorch's conventions at kinks). */
    public double derivative(double x, double y, double p, double q) {
        return switch (this) {
            case NEG -> -1.0;
            case EXP -> y;
            case LOG -> 1.0 / x;
            case TANH -> 1.0 - y * y;
            case SIGMOID -> y * (1.0 - y);
            case RELU -> y > 0 ? 1.0 : 0.0;
            case SQRT -> 0.5 / y;
            case ABS -> Math.signum(x);
            case RECIPROCAL -> -y * y;
            case POW -> p == 0 ? 0.0 : p * Math.pow(x, p - 1);
            case CLAMP -> (x >= p && x <= q) ? 1.0 : 0.0;
            case LEAKY_RELU -> x > 0 ? 1.0 : p;
            case GELU -> {
                double cdf = 0.5 * (1.0 + erf(x / Math.sqrt(2.0)));
                double pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2.0 * Math.PI);
                yield cdf + x * pdf;
            }
            case SIGN -> 0.0;
            case IDENTITY -> 1.0;
        };
    }

    /** PyTorch's clamp: x below p is p, then above q is q; NaN and a -0.0 at a bound of 0.0 stay (Java's max and min would not keep them). */
    private static double clamp(double x, double p, double q) {
        double y = x < p ? p : x;
        return y > q ? q : y;
    }

    /** The error function, to double precision (W. J. Cody's rational approximations). */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 0.5) {
            double t = x * x;
            double top = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t
                    + 377.485237685302021) * t + 3209.37758913846947;
            double bot = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t
                    + 2844.23683343917062;
            return x * top / bot;
        } else if (ax < 4.0) {
            double top = (((((((2.15311535474403846e-8 * ax + 5.64188496988670089e-1) * ax + 8.88314979438837594) * ax
                    + 66.1191906371416295) * ax + 298.635138197400131) * ax + 881.952221241769090) * ax
                    + 1712.04761263407058) * ax + 2051.07837782607147) * ax + 1230.33935479799725;
            double bot = (((((((ax + 15.7449261107098347) * ax + 117.693950891312499) * ax + 537.181101862009858) * ax
                    + 1621.38957456669019) * ax + 3290.79923573345963) * ax + 4362.61909014324716) * ax
                    + 3439.36767414372164) * ax + 1230.33935480374942;
            r = 1.0 - Math.exp(-ax * ax) * top / bot;
        } else {
            double z = 1.0 / (ax * ax);
            double top = ((((1.63153871373020978e-2 * z + 3.05326634961232344e-1) * z + 3.60344899949804439e-1) * z
                    + 1.25781726111229246e-1) * z + 1.60837851487422766e-2) * z + 6.58749161529837803e-4;
            double bot = ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 5.27905102951428412e-1) * z
                    + 6.05183413124413191e-2) * z + 2.33520497626869185e-3;
            double v = (1.0 / Math.sqrt(Math.PI) - z * top / bot) / ax;
            r = 1.0 - Math.exp(-ax * ax) * v;
        }
        return x < 0 ? -r : r;
    }
}
