package dev.brasa.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layout rules, kept by a short scan of core's sources (comments stripped, so javadoc links do
 * not count): the backends sit below everything and import nothing above them; the Vector API only
 * in the CPU backend; the FFM API only in the CUDA backend; no source file over 800 lines; and the
 * package cycles (none but {@link #DECLARED_CYCLE}). What breaks a rule today is listed in {@code architecture-known.txt} with the
 * issue that removes it: a new violation fails, and so does a listed one that is gone (the list
 * only shrinks).
 */
class ArchitectureTest {
    private static final Path SRC = Path.of(System.getProperty("user.dir")).resolve("src/main/java");
    /**
     * The one cycle the layout declares: {@code Tensor} and its ops with their backward nodes, the
     * engine and the doors between them. Any other cycle, or this one grown by a package, is a violation.
     */
    static final Set<String> DECLARED_CYCLE = Set.of("dev.brasa", "dev.brasa.autograd", "dev.brasa.internal", "dev.brasa.internal.ops");
    private static final Pattern REF = Pattern.compile("\\bdev\\.brasa((?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

    /** Package name -> the source files in it (relative paths), their text without comments and strings. */
    static Map<String, Map<String, String>> sources() throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SRC)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("module-info.java")).toList()) {
                String rel = SRC.relativize(f).toString().replace('\\', '/');
                String pkg = rel.substring(0, rel.lastIndexOf('/')).replace('/', '.');
                out.computeIfAbsent(pkg, k -> new TreeMap<>()).put(rel, stripCommentsAndStrings(Files.readString(f)));
            }
        }
        return out;
    }

    static String stripCommentsAndStrings(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ").replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }

    /** Every rule's violations as one line each. */
    static List<String> violations() throws IOException {
        Map<String, Map<String, String>> src = sources();
        List<String> v = new ArrayList<>();
        Map<String, Set<String>> deps = new TreeMap<>();
        for (var pkg : src.entrySet()) {
            Set<String> d = deps.computeIfAbsent(pkg.getKey(), k -> new TreeSet<>());
            for (var file : pkg.getValue().entrySet()) {
                String text = file.getValue();
                Matcher m = REF.matcher(text);
                while (m.find()) {
                    String target = "dev.brasa" + m.group(1);
                    if (target.startsWith("dev.brasa.cuda")) continue;          // the bindings module
                    if (!target.equals(pkg.getKey()) && src.containsKey(target)) d.add(target);
                }
                // a class in the same package is referenced by simple name: those edges stay inside the package
                if (!pkg.getKey().equals("dev.brasa.backend.cpu") && text.contains("jdk.incubator.vector")) {
                    v.add("vector API outside the CPU backend: " + file.getKey());
                }
                if (!pkg.getKey().startsWith("dev.brasa.backend.cuda") && text.contains("java.lang.foreign")) {
                    v.add("FFM outside the CUDA backend: " + file.getKey());
                }
                long lines = Files.readAllLines(SRC.resolve(file.getKey())).size();
                if (lines > 800) v.add("over 800 lines: " + file.getKey());
            }
        }
        for (var e : deps.entrySet()) {
            if (!e.getKey().startsWith("dev.brasa.backend")) continue;
            for (String t : e.getValue()) if (!t.startsWith("dev.brasa.backend")) v.add("backend imports a layer above it: " + e.getKey() + " -> " + t);
        }
        for (Set<String> cycle : cycles(deps)) if (!cycle.equals(DECLARED_CYCLE)) v.add("package cycle: " + String.join(", ", cycle));
        return v;
    }

    /** The strongly connected components with more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Set<String>> g) {
        List<Set<String>> out = new ArrayList<>();
        Map<String, Integer> index = new TreeMap<>(), low = new TreeMap<>();
        java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
        Set<String> on = new TreeSet<>();
        int[] counter = {0};
        for (String n : g.keySet()) if (!index.containsKey(n)) strong(n, g, index, low, stack, on, counter, out);
        return out;
    }

    private static void strong(String n, Map<String, Set<String>> g, Map<String, Integer> index, Map<String, Integer> low,
                               java.util.ArrayDeque<String> stack, Set<String> on, int[] counter, List<Set<String>> out) {
        index.put(n, counter[0]);
        low.put(n, counter[0]++);
        stack.push(n);
        on.add(n);
        for (String m : g.getOrDefault(n, Set.of())) {
            if (!index.containsKey(m)) {
                strong(m, g, index, low, stack, on, counter, out);
                low.put(n, Math.min(low.get(n), low.get(m)));
            } else if (on.contains(m)) {
                low.put(n, Math.min(low.get(n), index.get(m)));
            }
        }
        if (low.get(n).equals(index.get(n))) {
            Set<String> c = new TreeSet<>();
            String m;
            do {
                m = stack.pop();
                on.remove(m);
                c.add(m);
            } while (!m.equals(n));
            if (c.size() > 1) out.add(c);
        }
    }

    @Test
    void theLayoutRulesHoldExceptWhatIsListedWithItsIssue() throws IOException {
        List<String> known = new ArrayList<>();
        try (var in = ArchitectureTest.class.getResourceAsStream("/architecture-known.txt")) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) known.add(line.split(" \\| ")[0].trim());
            }
        }
        List<String> now = violations();
        List<String> fresh = now.stream().filter(x -> !known.contains(x)).toList();
        List<String> gone = known.stream().filter(x -> !now.contains(x)).toList();
        assertTrue(fresh.isEmpty(), "layout rules broken (fix it, or list it with its reason in architecture-known.txt):\n  "
                + String.join("\n  ", fresh));
        assertTrue(gone.isEmpty(), "listed as known but no longer true: delete these lines from architecture-known.txt:\n  "
                + String.join("\n  ", gone));
    }

    @Test
    void theScanSeesThePackagesAndTheEdges() throws IOException {
        Map<String, Map<String, String>> src = sources();
        assertTrue(src.keySet().containsAll(List.of("dev.brasa", "dev.brasa.nn", "dev.brasa.backend.cpu", "dev.brasa.backend.cuda")), src.keySet().toString());
        assertEquals("x   \"\" y ", stripCommentsAndStrings("x /* dev.brasa.io.A */ \"dev.brasa.io.B\" y// dev.brasa.io.C"));
        Map<String, Set<String>> g = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a")));
        assertEquals(List.of(Set.of("a", "b", "c")), cycles(g));
    }
}
