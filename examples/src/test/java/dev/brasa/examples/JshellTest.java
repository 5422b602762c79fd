package dev.brasa.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Drives scripts/jshell with a script on stdin, as a user would type it, and checks what it
 * prints: the first line {@code var x = randn(3, 4)} works with no import typed.
 */
class JshellTest {

    @Test
    void theFirstLineWorksAndPrintsLikePyTorch() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        Path script = root.resolve("scripts/jshell");
        assertTrue(Files.isExecutable(script), script + " must exist and be executable");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("BRASA_NO_BUILD", "1");
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(("manualSeed(1234);\n"
                    + "var x = randn(3, 4)\n"
                    + "System.out.println(\"OUT:\" + x.matmul(x.t()).shape().length + \":\" + backendName());\n"
                    + "Module m = new Sequential(new Linear(4, 2), new ReLU());\n"
                    + "System.out.println(\"MODEL:\" + m.forward(x).shape()[1]);\n"
                    + "/exit\n").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("x ==> tensor([[ 0.0461,  0.4024, -1.0115,  0.2167],"), out);
        assertTrue(out.contains("OUT:2:simd"), out);
        assertTrue(out.contains("MODEL:2"), out);
    }
}
