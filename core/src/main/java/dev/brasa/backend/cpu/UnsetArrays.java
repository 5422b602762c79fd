package dev.brasa.backend.cpu;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Float arrays for outputs that a kernel writes in full before anything reads them (PyTorch's
 * {@code torch.empty}): allocated without zeroing through the JDK's own
 * {@code jdk.internal.misc.Unsafe.allocateUninitializedArray}, which {@code StringBuilder} uses,
 * where the JVM exports that package to Brasa ({@code --add-exports
 * java.base/jdk.internal.misc=ALL-UNNAMED} on the class path, {@code =dev.brasa} on the module path;
 * the scripts and {@code brasa.jar}'s manifest do), else as plain zeroed {@code new float[n]}.
 * Zeroing a new output was 15% of lesson 000's main thread in steady training (JFR) and the
 * steady epoch 7% shorter without it (bench/results/unset-outputs.md).
 */
final class UnsetArrays {
    private UnsetArrays() {}

    /** Below this many elements zeroing is cheap and a plain array stays in the allocator's fast path. */
    static final int MIN = 1024;

    /** The JDK's allocateUninitializedArray bound to its Unsafe, or null where the package is not exported to Brasa. */
    static final MethodHandle ALLOCATE = allocator();

    /**
     * Test hook: fill each array with {@link #POISON} instead, with or without the JDK's method, so a
     * test sees any element a kernel leaves unwritten.
     */
    static volatile boolean poison;

    /** A quiet NaN with a payload no float operation produces from Brasa's inputs: what poisoned arrays hold. */
    static final int POISON = 0x7fc0dead;

    private static MethodHandle allocator() {
        try {
            Class<?> unsafe = Class.forName("jdk.internal.misc.Unsafe");
            Object instance = unsafe.getMethod("getUnsafe").invoke(null);
            return MethodHandles.lookup().findVirtual(unsafe, "allocateUninitializedArray",
                    MethodType.methodType(Object.class, Class.class, int.class)).bindTo(instance);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;                     // not exported to this module (IllegalAccessException): zeroed arrays
        }
    }

    /** A float array of n elements whose contents are undefined until the caller writes them. */
    static float[] floats(int n) {
        if (poison) {
            float[] a = new float[n];
            java.util.Arrays.fill(a, Float.intBitsToFloat(POISON));
            return a;
        }
        if (ALLOCATE == null || n < MIN) return new float[n];
        try {
            return (float[]) (Object) ALLOCATE.invokeExact((Class<?>) float.class, n);
        } catch (Throwable e) {
            throw new IllegalStateException("allocateUninitializedArray(float, " + n + ") failed", e);
        }
    }
}
