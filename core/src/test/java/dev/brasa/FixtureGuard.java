package dev.brasa;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The guard that every row of a golden fixture is checked by some test: after a test class whose
 * every test method ran and passed, each {@link Fixtures} in its static fields must have had every
 * row read. A row PyTorch computed that no test compares is a blind spot (a run filtered to a few
 * methods, or one with a failure, is not judged).
 */
public final class FixtureGuard implements AfterEachCallback, AfterAllCallback {
    private static final Map<Class<?>, Set<String>> RAN = new ConcurrentHashMap<>();
    private static final Set<Class<?>> FAILED = ConcurrentHashMap.newKeySet();

    @Override public void afterEach(ExtensionContext c) {
        Class<?> cls = c.getRequiredTestClass();
        RAN.computeIfAbsent(cls, k -> ConcurrentHashMap.newKeySet()).add(c.getRequiredTestMethod().getName());
        if (c.getExecutionException().isPresent()) FAILED.add(cls);
    }

    @Override public void afterAll(ExtensionContext c) throws IllegalAccessException {
        Class<?> cls = c.getRequiredTestClass();
        if (FAILED.contains(cls)) return;
        Set<String> declared = new TreeSet<>();
        for (Method m : cls.getDeclaredMethods()) {
            if (m.isAnnotationPresent(org.junit.jupiter.api.Test.class)
                    || m.isAnnotationPresent(org.junit.jupiter.params.ParameterizedTest.class)) {
                declared.add(m.getName());
            }
        }
        if (!RAN.getOrDefault(cls, Set.of()).containsAll(declared)) return; // a filtered run
        for (Field f : cls.getDeclaredFields()) {
            if (f.getType() == Fixtures.class && Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                Set<String> unread = ((Fixtures) f.get(null)).unread();
                if (!unread.isEmpty()) {
                    throw new AssertionError(cls.getSimpleName() + ": fixture rows no test compares (add a check or drop the row): " + unread);
                }
            }
        }
    }
}
