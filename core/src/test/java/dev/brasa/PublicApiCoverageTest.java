package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public method and constructor of the exported packages is called by some test: the test
 * classes' bytecode is read (the JDK's ClassFile API) for every method they reference (calls and
 * method references alike), and each public member of an exported class must be among them,
 * directly or through a subclass that inherits it. The few left uncalled are listed with a reason in
 * {@code api-uncalled.txt}; a new public method no test calls fails this test, and so does a listed
 * one that a test now calls (the list must not go stale).
 *
 * <p>This checks reach, not values: the suites that call these methods compare with PyTorch
 * fixtures, finite differences or the scalar backend.
 */
class PublicApiCoverageTest {
    private static final List<String> EXPORTED = List.of("dev.brasa", "dev.brasa.autograd", "dev.brasa.nn", "dev.brasa.optim",
            "dev.brasa.optim.lr", "dev.brasa.io", "dev.brasa.data", "dev.brasa.data.datasets", "dev.brasa.data.transforms", "dev.brasa.metrics");

    @Test
    void theExportedPackagesAreTheModulesExports() throws IOException {
        Path info = mainSource().resolve("module-info.java");
        List<String> exports = Files.readAllLines(info).stream().map(String::strip).filter(l -> l.startsWith("exports "))
                .map(l -> l.substring(8, l.length() - 1)).toList();
        assertEquals(new TreeSet<>(exports), new TreeSet<>(EXPORTED), "module-info's exports");
    }

    @Test
    void everyPublicMethodOfTheExportedPackagesIsCalledByATest() throws IOException, ClassNotFoundException {
        Set<String> called = referencedByTests();
        Map<String, String> listed = listed();
        List<String> uncalled = new ArrayList<>();
        int members = 0;
        for (Class<?> c : exportedClasses()) {
            for (Executable m : publicMembers(c)) {
                members++;
                if (!isCalled(c, m, called)) uncalled.add(signature(c, m));
            }
        }
        List<String> fresh = uncalled.stream().filter(s -> !listed.containsKey(s)).sorted().toList();
        List<String> stale = listed.keySet().stream().filter(s -> !uncalled.contains(s)).sorted().toList();
        assertTrue(fresh.isEmpty(), fresh.size() + " public methods no test calls (call each from a test that checks its values "
                + "against an oracle, or list it with a reason in api-uncalled.txt):\n  " + String.join("\n  ", fresh));
        assertTrue(stale.isEmpty(), "listed in api-uncalled.txt but called by a test now (drop the line):\n  " + String.join("\n  ", stale));
        assertTrue(members > 500, "only " + members + " public members found: is the scan looking at the right classes?");
    }

    // ------------------------------------------------------------------ what the tests reference

    /** "owner.name(descriptor)" for every method reference in every test class of this module. */
    private static Set<String> referencedByTests() throws IOException {
        Path root = location(PublicApiCoverageTest.class);
        Set<String> refs = new HashSet<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".class")).toList()) methodRefs(Files.readAllBytes(f), refs);
        }
        return refs;
    }

    /**
     * Adds the Methodref and InterfaceMethodref constants of a class file (JVMS 4.4): every method
     * its code calls or names in a method reference.
     */
    static void methodRefs(byte[] classFile, Set<String> out) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) throw new IOException("not a class file");
        in.readUnsignedShort();
        in.readUnsignedShort();
        int n = in.readUnsignedShort();
        String[] utf = new String[n];
        int[] a = new int[n], b = new int[n], tag = new int[n];
        for (int i = 1; i < n; i++) {
            tag[i] = in.readUnsignedByte();
            switch (tag[i]) {
                case 1 -> utf[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case 7, 8, 16, 19, 20 -> a[i] = in.readUnsignedShort();
                case 9, 10, 11, 12, 17, 18 -> {
                    a[i] = in.readUnsignedShort();
                    b[i] = in.readUnsignedShort();
                }
                case 15 -> {
                    in.readUnsignedByte();
                    a[i] = in.readUnsignedShort();
                }
                default -> throw new IOException("constant pool tag " + tag[i] + " at entry " + i);
            }
        }
        for (int i = 1; i < n; i++) {
            if (tag[i] == 10 || tag[i] == 11) {
                String owner = utf[a[a[i]]].replace('/', '.');
                int nat = b[i];
                out.add(owner + "." + utf[a[nat]] + utf[b[nat]]);
            }
        }
    }

    /** Called when a test references m on c or on any subclass of c that a test names (inherited methods). */
    private static boolean isCalled(Class<?> c, Executable m, Set<String> called) {
        String tail = "." + (m instanceof Constructor<?> ? "<init>" : m.getName()) + descriptor(m);
        if (called.contains(c.getName() + tail)) return true;
        if (m instanceof Constructor<?>) return false;
        if (overrides(c, m) && instantiated(c, called) && (Modifier.isProtected(m.getModifiers()) || superCalled(c, m, called))) {
            return true;      // reached by dynamic dispatch on an instance a test built
        }
        for (String ref : called) {
            if (!ref.endsWith(tail)) continue;
            String owner = ref.substring(0, ref.length() - tail.length());
            try {
                Class<?> o = Class.forName(owner, false, PublicApiCoverageTest.class.getClassLoader());
                if (c.isAssignableFrom(o)) return true;
            } catch (ClassNotFoundException | LinkageError ignored) {
                // a JDK or library class: not ours
            }
        }
        return false;
    }

    /** True when m overrides or implements a method of a supertype of c. */
    private static boolean overrides(Class<?> c, Executable m) {
        for (Class<?> s : supertypes(c)) {
            try {
                s.getDeclaredMethod(m.getName(), m.getParameterTypes());
                return true;
            } catch (NoSuchMethodException ignored) {
                // not declared there
            }
        }
        return false;
    }

    /** True when a test references the method m overrides, on some supertype of c. */
    private static boolean superCalled(Class<?> c, Executable m, Set<String> called) {
        String tail = "." + m.getName() + descriptor(m);
        for (Class<?> s : supertypes(c)) if (called.contains(s.getName() + tail)) return true;
        return false;
    }

    /** True when a test calls a constructor of c or of a subclass of c (or c is abstract: a subclass does). */
    private static boolean instantiated(Class<?> c, Set<String> called) {
        if (Modifier.isAbstract(c.getModifiers())) return true;
        boolean publicConstructor = false;
        for (Constructor<?> k : c.getDeclaredConstructors()) publicConstructor |= Modifier.isPublic(k.getModifiers());
        if (!publicConstructor) return true; // instances come from its factories (Device.cuda(), ...)
        for (String ref : called) {
            int at = ref.indexOf(".<init>(");
            if (at < 0) continue;
            try {
                if (c.isAssignableFrom(Class.forName(ref.substring(0, at), false, PublicApiCoverageTest.class.getClassLoader()))) return true;
            } catch (ClassNotFoundException | LinkageError ignored) {
                // not ours
            }
        }
        return false;
    }

    private static List<Class<?>> supertypes(Class<?> c) {
        List<Class<?>> out = new ArrayList<>();
        List<Class<?>> todo = new ArrayList<>(List.of(c));
        while (!todo.isEmpty()) {
            Class<?> k = todo.remove(0);
            if (k != c && !out.contains(k)) out.add(k);
            if (k.getSuperclass() != null) todo.add(k.getSuperclass());
            todo.addAll(List.of(k.getInterfaces()));
        }
        return out;
    }

    // ------------------------------------------------------------------ what is public

    private static List<Class<?>> exportedClasses() throws IOException, ClassNotFoundException {
        Path root = location(Tensor.class);
        List<Class<?>> out = new ArrayList<>();
        for (String pkg : EXPORTED) {
            Path dir = root.resolve(pkg.replace('.', '/'));
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                    String name = pkg + "." + f.getFileName().toString().replace(".class", "");
                    if (name.endsWith("package-info")) continue;
                    Class<?> c = Class.forName(name, false, Tensor.class.getClassLoader());
                    if (isExported(c)) out.add(c);
                }
            }
        }
        return out;
    }

    private static boolean isExported(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers())) return false;
        }
        return !c.isSynthetic() && !c.isAnonymousClass();
    }

    /** Public and protected methods and constructors c declares, less what the compiler writes. */
    private static List<Executable> publicMembers(Class<?> c) {
        List<Executable> out = new ArrayList<>();
        if (!c.isInterface() && !c.isEnum() && !Modifier.isAbstract(c.getModifiers())) {
            for (Constructor<?> k : c.getDeclaredConstructors()) if (visible(k.getModifiers()) && !k.isSynthetic()) out.add(k);
        }
        for (Method m : c.getDeclaredMethods()) {
            if (!visible(m.getModifiers()) || m.isSynthetic() || m.isBridge()) continue;
            if (c.isEnum() && (m.getName().equals("values") || m.getName().equals("valueOf")) && Modifier.isStatic(m.getModifiers())) continue;
            if (c.isRecord() && m.getParameterCount() == 0
                    && (m.getName().equals("hashCode") || m.getName().equals("toString"))) continue;
            if (c.isRecord() && m.getName().equals("equals") && m.getParameterCount() == 1) continue;
            out.add(m);
        }
        return out;
    }

    private static boolean visible(int mod) { return Modifier.isPublic(mod) || Modifier.isProtected(mod); }

    private static String signature(Class<?> c, Executable m) {
        StringBuilder sb = new StringBuilder(c.getName());
        sb.append('.').append(m instanceof Constructor<?> ? "<init>" : m.getName()).append('(');
        Class<?>[] p = m.getParameterTypes();
        for (int i = 0; i < p.length; i++) sb.append(i > 0 ? ", " : "").append(p[i].getSimpleName());
        return sb.append(')').toString();
    }

    private static String descriptor(Executable m) {
        StringBuilder sb = new StringBuilder("(");
        for (Class<?> p : m.getParameterTypes()) sb.append(p.descriptorString());
        sb.append(')').append(m instanceof Method mm ? mm.getReturnType().descriptorString() : "V");
        return sb.toString();
    }

    // ------------------------------------------------------------------ files

    private static Map<String, String> listed() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        var in = PublicApiCoverageTest.class.getResourceAsStream("/api-uncalled.txt");
        if (in == null) return m;
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int bar = line.indexOf(" | ");
            assertTrue(bar > 0, "api-uncalled.txt: '" + line + "' has no ' | reason'");
            m.put(line.substring(0, bar).strip(), line.substring(bar + 3).strip());
        }
        return m;
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path mainSource() {
        Path p = location(Tensor.class); // core/target/classes
        return p.getParent().getParent().resolve("src/main/java");
    }

    static {
        if (!Files.isDirectory(location(PublicApiCoverageTest.class))) {
            throw new UncheckedIOException(new IOException("test classes are not a directory: " + location(PublicApiCoverageTest.class)));
        }
    }
}
