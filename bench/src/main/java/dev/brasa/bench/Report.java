package dev.brasa.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link MatmulBenchmark} and writes a Markdown table (ms per GEMM, GFLOP/s, SIMD/scalar
 * ratio) with the machine it ran on. Usage: {@code Report OUT.md [jmh include regex]}.
 */
public final class Report {
    private Report() {}

    /** Entry point. */
    public static void main(String[] args) throws RunnerException, IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results/matmul-cpu.md");
        Options opt = new OptionsBuilder().include(MatmulBenchmark.class.getSimpleName()).build();
        Collection<RunResult> results = new Runner(opt).run();
        Map<String, Map<String, double[]>> byShape = new LinkedHashMap<>();
        for (RunResult r : results) {
            String shape = r.getParams().getParam("shape"), backend = r.getParams().getParam("backend");
            var s = r.getPrimaryResult();
            byShape.computeIfAbsent(shape, x -> new LinkedHashMap<>()).put(backend, new double[] {s.getScore(), s.getScoreError()});
        }
        StringBuilder md = new StringBuilder();
        md.append("# CPU GEMM: scalar vs Vector API backend\n\n");
        md.append("Measured ").append(LocalDate.now()).append(" by `scripts/bench-matmul` (JMH, `MatmulBenchmark`, 1 fork, ")
                .append("2 x 2 s warm-up, 3 x 2 s measurement, average time).\n\n");
        md.append(Machine.describe()).append('\n');
        md.append("| M x K x N | scalar ms | scalar GFLOP/s | SIMD ms | SIMD GFLOP/s | SIMD / scalar |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        for (var e : byShape.entrySet()) {
            String[] p = e.getKey().split("x");
            double flops = 2.0 * Long.parseLong(p[0]) * Long.parseLong(p[1]) * Long.parseLong(p[2]);
            double[] sc = e.getValue().get("scalar"), si = e.getValue().get("simd");
            md.append(String.format("| %s | %.3f ± %.3f | %.2f | %.3f ± %.3f | %.2f | %.1fx |%n", e.getKey(),
                    sc[0], sc[1], flops / sc[0] / 1e6, si[0], si[1], flops / si[0] / 1e6, sc[0] / si[0]));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
    }

    /** The machine a result was measured on. */
    static final class Machine {
        static String describe() {
            String cpu = "unknown CPU";
            try {
                for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (l.startsWith("model name")) {
                        cpu = l.substring(l.indexOf(':') + 1).trim();
                        break;
                    }
                }
            } catch (IOException ignored) {
                // not Linux: leave unknown
            }
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "unknown";
            }
            return "Machine: " + cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB max heap (runner), "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", JDK "
                    + System.getProperty("java.vm.version") + " (" + System.getProperty("java.vm.vendor") + "), host " + host
                    + ", vector species " + vectorBits() + " bits, brasa.threads default = all cores.\n";
        }

        private static String vectorBits() {
            try {
                return String.valueOf(Class.forName("dev.brasa.backend.cpu.SimdBackend").getMethod("bits").invoke(null));
            } catch (ReflectiveOperationException | LinkageError e) {
                return "n/a";
            }
        }
    }
}
