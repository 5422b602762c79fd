package dev.brasa.backend;

/**
 * Elementwise binary operations with broadcasting. {@link #apply} is the specification. Comparison
 * ops produce BOOL (1 or 0).
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, EQ, NE, GT, GE, LT, LE,
    /** a * (b > 0): the ReLU backward, fused. */
    MASK_POSITIVE;

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
            case DIV, POW -> throw new AssertionError(this + " is not an integer op");
        };
    }
}
