package dev.brasa.backend;

import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;

/**
 * Finds the CPU backend, Lucene-style: a chain of early returns, each rejected choice logging one
 * line that says how to enable it: the Vector API module missing, or C2 off ({@link Config#withoutC2}).
 * {@code -Dbrasa.backend=scalar|simd} forces one. The lookup runs on first use, after
 * {@link Config#get()} has checked every property, never in a static initialiser of a user-visible class.
 */
public final class Backends {
    private static volatile Backend cpu;

    private Backends() {}

    /** The CPU backend in use. */
    public static Backend cpu() {
        Backend b = cpu;
        if (b == null) {
            synchronized (Backends.class) {
                b = cpu;
                if (b == null) cpu = b = lookup();
            }
        }
        return b;
    }

    /** The scalar reference backend (always available). */
    public static Backend scalar() {
        return ScalarHolder.INSTANCE;
    }

    /** The Vector API backend, or null with the reason logged when the module is not readable. */
    public static Backend simdOrNull() {
        return SimdHolder.INSTANCE;
    }

    private static final class ScalarHolder {
        static final Backend INSTANCE = newInstance("dev.brasa.backend.cpu.ScalarBackend");
    }

    private static final class SimdHolder {
        static final Backend INSTANCE = loadSimd();
    }

    private static Backend lookup() {
        String forced = Config.get().backend();
        if (forced.equals("scalar")) return scalar();
        String noC2 = Config.withoutC2();
        if (noC2 != null && !forced.equals("simd")) {
            Config.log().log(Level.WARNING, "Brasa: " + noC2 + ", so Vector API code would run far slower than plain loops; using the scalar "
                    + "CPU backend (remove the flag for SIMD kernels, or -Dbrasa.backend=simd to use them anyway)");
            return scalar();
        }
        Backend simd = simdOrNull();
        if (simd != null) return simd;
        if (forced.equals("simd")) {
            throw new IllegalStateException("-Dbrasa.backend=simd forces the Vector API backend, which is unavailable "
                    + "(see the warning above): add --add-modules jdk.incubator.vector, or drop -Dbrasa.backend to run on the scalar backend");
        }
        return scalar();
    }

    private static Backend loadSimd() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            Config.log().log(Level.WARNING, "Brasa: Vector API not enabled, using the scalar CPU backend; "
                    + "add --add-modules jdk.incubator.vector to the java command line for SIMD kernels");
            return null;
        }
        try {
            return newInstance("dev.brasa.backend.cpu.SimdBackend");
        } catch (RuntimeException | LinkageError e) {
            Config.log().log(Level.WARNING, "Brasa: Vector API backend unavailable (" + e + "), using the scalar CPU backend");
            return null;
        }
    }

    private static Backend newInstance(String cls) {
        try {
            return (Backend) Class.forName(cls).getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot create " + cls + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + cls + ": " + e, e);
        }
    }
}
