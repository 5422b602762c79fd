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
 * Lines a lesson prints that depend on the machine (times) are marked {@code <time>} in the fixture
 * and compared by shape only; the few lines listed in {@link #APPROXIMATE} have their numbers
 * compared within a tolerance, and those in {@link #BY_FORM} by form (see there why).
 */
class LessonsTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    /**
     * Lines whose numbers may differ, with the largest difference allowed, and why:
     * <ul>
     * <li>lesson 000, line 126: the second run trains an unstable network (lr 0.06, batch 32) for
     * 15,700 SGD steps, and float32 sums in another order move its final loss by 2e-4 (0.6466 vs
     * PyTorch's 0.6464; every earlier line is identical). PyTorch itself prints other digits on other
     * machines (the lesson shows 1.3564 at epoch 3 where PyTorch 1.13 here prints 1.3565).
     * <li>lesson 003, line 39: PyTorch 1.13's float32 {@code torch.norm(w, p=1)} of the 1.57M-element
     * first weight is 14184.38 where the exact sum is 14188.24 (2.7e-4 low; Brasa's is within 1 ulp),
     * so the L1 term and the epoch it regularises differ: 1.2027 vs PyTorch's 1.1980.
     * </ul>
     */
    static final java.util.Map<String, java.util.Map<Integer, Double>> APPROXIMATE = java.util.Map.of(
            "000", java.util.Map.of(126, 1e-3), "003", java.util.Map.of(39, 1e-2));

    /**
     * Lines compared by form only (numbers and spacing masked): lesson 001 trains full-batch with
     * lr 0.8, which on the Fashion-MNIST stand-in is unstable (the loss jumps from 1.8 to 3.6 at
     * step 5): a 1-ulp difference in a float32 sum at step 1 grows tenfold every few steps and
     * reaches the printed digits by epoch 20, in PyTorch as much as in Brasa (checked step by step:
     * 2.4e-7 at step 1, 2e-5 at step 13, 0.19 at step 30). The training logs, accuracies and trained
     * weights are such lines; everything before the first training and the model printing, the
     * random input and the layer surgery after it are compared exactly.
     */
    static final java.util.Map<String, int[][]> BY_FORM = java.util.Map.of("001", new int[][] {{11, 196}, {205, 226}, {234, 260}});

    private static boolean byForm(String lesson, int line) {
        for (int[] r : BY_FORM.getOrDefault(lesson, new int[0][])) if (line >= r[0] && line <= r[1]) return true;
        return false;
    }

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
            if (byForm(lesson, i + 1)) {
                String mask = "-?[0-9]+(\\.[0-9]+)?(e[-+][0-9]+)?";
                assertEquals(w.replaceAll(mask, "#").replaceAll(" +", " "), g.replaceAll(mask, "#").replaceAll(" +", " "),
                        "lesson " + lesson + ", line " + (i + 1) + " (compared by form)");
            } else if (APPROXIMATE.getOrDefault(lesson, java.util.Map.of()).containsKey(i + 1)) {
                assertNumbersClose(w, g, APPROXIMATE.get(lesson).get(i + 1), "lesson " + lesson + ", line " + (i + 1));
            } else if (w.contains("<time>")) {
                assertTrue(g.matches(w.replace("<time>", "[0-9.]+").replace("(", "\\(").replace(")", "\\)")), "line " + (i + 1) + ": " + g);
            } else {
                assertEquals(w, g, "lesson " + lesson + ", line " + (i + 1));
            }
        }
        assertEquals(want.size(), got.size(), "lines printed by lesson " + lesson + ":\n" + out);
    }

    /** Same text around the numbers, each number within tolerance (times skipped). */
    private static void assertNumbersClose(String want, String got, double tolerance, String what) {
        String pattern = "-?[0-9]+\\.[0-9]+";
        assertEquals(want.replace("<time>", "0.0").replaceAll(pattern, "#"), got.replaceAll(pattern, "#"), what);
        var w = java.util.regex.Pattern.compile(pattern).matcher(want.replace("<time>", ""));
        var g = java.util.regex.Pattern.compile(pattern).matcher(got);
        while (w.find() && g.find()) {
            assertEquals(Double.parseDouble(w.group()), Double.parseDouble(g.group()), tolerance, what + ": " + got);
        }
    }
}
