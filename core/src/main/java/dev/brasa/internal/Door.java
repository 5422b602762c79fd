package dev.brasa.internal;

import java.lang.invoke.MethodHandles;

/**
 * One slot of the JDK's {@code SharedSecrets} pattern: the implementation a public class installs
 * from its static initialiser, and the way to get it that initialises that class first when nothing
 * has yet. {@link TensorAccess} and {@link AutogradAccess} each hold one.
 */
final class Door<T> {
    private final String name;
    private final Class<?> installer;
    private volatile T impl;

    Door(String name, Class<?> installer) {
        this.name = name;
        this.installer = installer;
    }

    void install(T access) {
        if (impl != null) throw new IllegalStateException(name + " is installed already");
        impl = java.util.Objects.requireNonNull(access, name);
    }

    T get() {
        T d = impl;
        if (d == null) {
            try {
                MethodHandles.lookup().ensureInitialized(installer);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            d = impl;
        }
        return d;
    }
}
