package dev.brasa;

/**
 * A scope in which operations record no autograd graph, like {@code with torch.no_grad():}.
 * Per thread; scopes nest. Use {@code try (var g = Brasa.noGrad()) { ... }}.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private final int[] depth;
    private boolean closed;

    NoGrad() {
        depth = DEPTH.get();
        depth[0]++;
    }

    /** True when the current thread records graphs (no {@code noGrad} scope is open). */
    public static boolean isGradEnabled() { return DEPTH.get()[0] == 0; }

    /** Ends the scope; closing twice is harmless. */
    @Override public void close() {
        if (!closed) {
            closed = true;
            depth[0]--;
        }
    }
}
