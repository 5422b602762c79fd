package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Provider lookup, in child JVMs: without the Vector API module one warning line says how to
 * enable it and everything still works on the scalar backend; -Dbrasa.backend forces a backend.
 */
class BackendSelectionTest {

    /** The child's main: prints the backend and a seeded randn sum, so both JVMs can be compared. */
    public static void main(String[] args) {
        Brasa.manualSeed(3);
        Tensor x = Brasa.randn(64, 33);
        System.out.println(Brasa.backendName() + " " + x.matmul(x.t()).sum().item());
    }

    private static String[] run(String... jvmArgs) throws IOException, InterruptedException {
        return run(0, jvmArgs);
    }

    private static String[] run(int wantExit, String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BackendSelectionTest.class.getName()));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(wantExit, p.exitValue(), err);
        return new String[] {out, err};
    }

    @Test
    void withoutTheVectorModuleOneLineSaysHowToEnableItAndScalarRuns() throws Exception {
        String[] r = run();
        assertTrue(r[0].startsWith("scalar "), r[0]);
        long lines = r[1].lines().filter(l -> l.contains("add --add-modules jdk.incubator.vector")).count();
        assertEquals(1, lines, r[1]);
    }

    @Test
    void theVectorModuleSelectsSimdAndThePropertyForcesScalar() throws Exception {
        String[] simd = run("--add-modules", "jdk.incubator.vector");
        String[] scalar = run("--add-modules", "jdk.incubator.vector", "-Dbrasa.backend=scalar");
        assertTrue(simd[0].startsWith("simd "), simd[0]);
        assertTrue(scalar[0].startsWith("scalar "), scalar[0]);
        float a = Float.parseFloat(simd[0].split(" ")[1]), b = Float.parseFloat(scalar[0].split(" ")[1]);
        assertEquals(b, a, 1e-3 * Math.max(1, Math.abs(b)), "both backends compute the same result");
        String[] narrow = run("--add-modules", "jdk.incubator.vector", "-Dbrasa.simd.bits=128", "-Dbrasa.threads=1");
        assertTrue(narrow[0].startsWith("simd "), narrow[0]);
    }

    @Test
    void withoutC2TheVectorApiIsRefusedInOneLine() throws Exception {
        String[] r = run("--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1");
        assertTrue(r[0].startsWith("scalar "), r[0]);
        assertEquals(1, r[1].lines().filter(l -> l.contains("-XX:TieredStopAtLevel=1 keeps C2 off")).count(), r[1]);
        String[] forced = run("--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1", "-Dbrasa.backend=simd");
        assertTrue(forced[0].startsWith("simd "), "-Dbrasa.backend=simd overrides the guard: " + forced[0]);
    }

    @Test
    void aBadPropertyFailsWithItsNameAndValueAndATypoIsLogged() throws Exception {
        String[] bad = run(1, "--add-modules", "jdk.incubator.vector", "-Dbrasa.simd.bits=300");
        assertTrue(bad[1].contains("-Dbrasa.simd.bits=300: expected 64, 128, 256 or 512"), bad[1]);
        assertTrue(!bad[1].contains("ExceptionInInitializerError") && bad[0].isEmpty(), "no silent fallback: " + bad[0] + bad[1]);
        String[] typo = run("--add-modules", "jdk.incubator.vector", "-Dbrasa.thread=2");
        assertTrue(typo[0].startsWith("simd "), typo[0]);
        assertEquals(1, typo[1].lines().filter(l -> l.contains("unknown property -Dbrasa.thread=2 ignored")).count(), typo[1]);
    }
}
