package dev.brasa.autograd;

import dev.brasa.Tensor;

/**
 * Anomaly detection ({@code torch.autograd.detect_anomaly()}), per thread: while a scope is open,
 * every recorded op checks its output and every backward node checks the gradients it returns,
 * and the first NaN or infinity fails naming the op. Slow: for debugging.
 * Open it with {@code try (var a = Brasa.detectAnomaly()) { ... }}.
 */
public final class AnomalyMode implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private final int[] depth;
    private boolean closed;

    /** Opens a scope on the current thread. */
    public AnomalyMode() {
        depth = DEPTH.get();
        depth[0]++;
    }

    /** True while a scope is open on the current thread. */
    public static boolean isEnabled() { return DEPTH.get()[0] > 0; }

    /** Ends the scope; closing twice is harmless. */
    @Override public void close() {
        if (!closed) {
            closed = true;
            depth[0]--;
        }
    }

    /** "nan", "inf" or null for a floating tensor's values. */
    static String nonFinite(Tensor t) {
        if (t == null || !t.dtype().isFloatingPoint()) return null;
        boolean inf = false;
        for (double v : t.detach().toDoubleArray()) {
            if (Double.isNaN(v)) return "nan";
            if (Double.isInfinite(v)) inf = true;
        }
        return inf ? "inf" : null;
    }

    /** Called when an op's output is attached to the graph: fails if it holds NaN or infinity. */
    public static void checkForward(Node node, Tensor output) {
        String bad = nonFinite(output);
        if (bad != null) {
            throw new IllegalStateException("Anomaly detected: the forward op of '" + node.name() + "' produced " + bad
                    + " values in its output (shape " + java.util.Arrays.toString(output.shape()) + ")");
        }
    }

    static void checkBackward(Node node, Tensor[] grads) {
        for (int i = 0; i < grads.length; i++) {
            String bad = nonFinite(grads[i]);
            if (bad != null) {
                throw new IllegalStateException("Function '" + node.name() + "' returned " + bad + " values in its " + i
                        + "th" + " output.");
            }
        }
    }
}
