package dev.brasa.backend;

/**
 * Elementwise binary operations with broadcasting. {@link #apply} is the specification. Comparison
 * ops produce BOOL (1 or 0).
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, EQ, NE, GT, GE, LT, LE,
    /** a * (b > 0): the ReLU backward, fused. */
    MASK_POSITIVE,
    /** Binary cross-entropy of probability a against target b, logs clamped at -100 as PyTorch. */
    BCE,
    /** Binary cross-entropy of logit a against target b, in the stable log-sum-exp form. */
    BCE_WITH_LOGITS;

    /** True for the ops whose result is BOOL. */
    public boolean isComparison() {
        return switch (this) {
            case EQ, NE, GT, GE, LT, LE -> true;
            default -> false;
        };
    }

    /** The value for doubles. */
    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
            case MIN -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case MASK_POSITIVE -> b > 0 ? a : 0;
            case BCE -> -(b * Math.max(Math.log(a), -100) + (1 - b) * Math.max(Math.log1p(-a), -100));
            case BCE_WITH_LOGITS -> {
                double m = Math.max(-a, 0);
                yield (1 - b) * a + m + Math.log(Math.exp(-m) + Math.exp(-a - m));
            }
        };
    }

    /** The value for 64-bit integers (DIV and POW are not integer ops and never reach here). */
    public long apply(long a, long b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case MASK_POSITIVE -> b > 0 ? a : 0;
            case DIV, POW, BCE, BCE_WITH_LOGITS -> throw new AssertionError(this + " is not an integer op");
        };
    }
}
