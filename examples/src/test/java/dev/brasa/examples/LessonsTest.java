package dev.brasa.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each lesson script ({@code lessons/NNN.jsh}) runs in jshell through {@code scripts/jshell} as a
 * student would run it, and prints, line for line, what PyTorch 1.13 prints for the same cells
 * ({@code src/test/resources/lessons/NNN.out}, written by {@code scripts/golden/lessons/NNN.py}).
 * Lines a lesson prints that depend on the machine (times) are marked in the script and the
 * fixture and compared by shape only.
 */
class LessonsTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    static Stream<String> lessons() throws IOException {
        try (Stream<Path> s = Files.list(ROOT.resolve("examples/src/test/resources/lessons"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".out")).map(n -> n.substring(0, n.length() - 4))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "lesson {0}")
    @MethodSource("lessons")
    void printsWhatPyTorchPrints(String lesson) throws Exception {
        Path script = ROOT.resolve("lessons/" + lesson + ".jsh");
        assertTrue(Files.exists(script), script + " must exist");
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("scripts/jshell").toString(), "-q", script.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("BRASA_NO_BUILD", "1");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        List<String> want = Files.readAllLines(ROOT.resolve("examples/src/test/resources/lessons/" + lesson + ".out"));
        List<String> got = out.lines().toList();
        for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
            String w = want.get(i), g = got.get(i);
            if (w.contains("<time>")) {
                assertTrue(g.matches(w.replace("<time>", "[0-9.]+").replace("(", "\\(").replace(")", "\\)")), "line " + (i + 1) + ": " + g);
            } else {
                assertEquals(w, g, "lesson " + lesson + ", line " + (i + 1));
            }
        }
        assertEquals(want.size(), got.size(), "lines printed by lesson " + lesson + ":\n" + out);
    }
}
