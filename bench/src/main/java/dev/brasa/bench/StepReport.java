package dev.brasa.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link OpBenchmark} and {@link StepBenchmark} with JMH's GC profiler and writes
 * bench/results/steps.md: time per op or step and bytes allocated per op or step.
 * Usage: {@code StepReport [results-dir]}.
 */
public final class StepReport {
    private StepReport() {}

    /** Entry point. */
    public static void main(String[] args) throws IOException, RunnerException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/results");
        var results = new Runner(new OptionsBuilder().include(OpBenchmark.class.getSimpleName())
                .include(StepBenchmark.class.getSimpleName()).addProfiler(GCProfiler.class).build()).run();
        StringBuilder md = new StringBuilder("# Fixed costs and training steps, with allocation\n\n");
        md.append("Measured ").append(LocalDate.now()).append(" by `scripts/bench-steps` (JMH OpBenchmark and StepBenchmark with ")
                .append("`-prof gc`, one thread, 1 fork, 3 warm-up and 3 measured iterations).\n").append(Report.Machine.describe())
                .append("\n\n| benchmark | network | time | unit | bytes allocated per op |\n|---|---|---:|---|---:|\n");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            String net = r.getParams().getParamsKeys().contains("net") ? r.getParams().getParam("net") : "";
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            md.append(String.format("| %s | %s | %.3f | %s | %s |%n", name, net, r.getPrimaryResult().getScore(),
                    r.getPrimaryResult().getScoreUnit(), alloc == null ? "n/a" : String.format("%.0f", alloc.getScore())));
        }
        Files.writeString(dir.resolve("steps.md"), md.toString());
        System.out.print(md);
    }
}
