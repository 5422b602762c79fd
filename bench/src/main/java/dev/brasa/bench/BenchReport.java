package dev.brasa.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Writes bench/results/report.md and its charts: runs {@link GemmBenchmark} (SIMD vs OpenBLAS, 1 and
 * 2 threads, every shape and layout) into gemm-cpu.md / gemm-cpu.png, charts the newest
 * vs-pytorch.md (from scripts/bench-vs-pytorch) into vs-pytorch.png, and sets the CPU figures beside
 * the cuBLAS ones of the newest GPU result (bench/results/gpu-*.md from scripts/gpu-check) in
 * simd-vs-cublas.md / .png, or says there is no GPU result.
 * Usage: {@code BenchReport [results-dir]}; -Dgemm.skip=true reuses gemm-cpu.md's run, -Dgemm.passes=N sets the
 * passes over the GEMM rows (2).
 */
public final class BenchReport {
    private BenchReport() {}

    /** Entry point. */
    public static void main(String[] args) throws IOException, RunnerException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/results");
        Files.createDirectories(dir);
        if (!Boolean.getBoolean("gemm.skip")) gemm(dir);
        vsPytorchChart(dir);
        String gpu = simdVsCublas(dir);
        report(dir, gpu);
    }

    /** -Dgemm.passes: 2 when unset; a value that is not a positive integer is refused by name. */
    static int passes(String spec) {
        if (spec == null) return 2;
        try {
            int p = Integer.parseInt(spec.trim());
            if (p >= 1) return p;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("-Dgemm.passes must be a positive integer, got '" + spec + "'");
    }

    private static void gemm(Path dir) throws IOException, RunnerException {
        int passes = passes(System.getProperty("gemm.passes"));
        // key: shape|layout|threads -> variant -> microseconds of the best measurement iteration over all passes (on a
        // shared machine other tenants only ever slow a run down, for stretches of a second to a minute: the fastest of
        // ten short iterations is the least disturbed one, and a second pass, in the other order, gives each library
        // a second chance at a quiet stretch)
        Map<String, Map<String, Double>> t = new LinkedHashMap<>();
        Map<String, List<Double>> passRatios = new LinkedHashMap<>();
        for (int pass = 0; pass < passes; pass++) {
            String[] order = pass % 2 == 0 ? new String[] {"simd", "openblas"} : new String[] {"openblas", "simd"};
            var results = new Runner(new OptionsBuilder().include(GemmBenchmark.class.getSimpleName()).param("variant", order).build()).run();
            Map<String, Map<String, Double>> one = new LinkedHashMap<>();
            for (RunResult r : results) {
                var p = r.getParams();
                String key = p.getParam("shape") + "|" + p.getParam("layout") + "|" + p.getParam("threads");
                double us = r.getPrimaryResult().getStatistics().getMin();
                one.computeIfAbsent(key, x -> new LinkedHashMap<>()).put(p.getParam("variant"), us);
                t.computeIfAbsent(key, x -> new LinkedHashMap<>()).merge(p.getParam("variant"), us, Math::min);
            }
            one.forEach((key, v) -> {
                if (v.containsKey("simd") && v.containsKey("openblas")) {
                    passRatios.computeIfAbsent(key, x -> new ArrayList<>()).add(v.get("openblas") / v.get("simd"));
                }
            });
        }
        StringBuilder md = new StringBuilder("# CPU SGEMM: Brasa's Vector API kernel vs OpenBLAS\n\n");
        md.append("Measured ").append(LocalDate.now()).append(" by `scripts/bench` (JMH GemmBenchmark: ").append(passes)
                .append(passes == 1 ? " pass" : " passes").append(" over every row, 1 fork per row, library and pass, Brasa's and OpenBLAS's back to back")
                .append(passes > 1 ? " (Brasa first in odd passes, OpenBLAS first in even ones)" : "")
                .append(", 3 x 0.5 s warm-up, 10 x 0.3 s measurement, the fastest iteration of each library over all passes; OpenBLAS ")
                .append(OpenBlas.available() ? "via FFM; " + (System.getenv("BRASA_OPENBLAS_CORE") != null ? System.getenv("BRASA_OPENBLAS_CORE")
                        : "OpenBLAS core: " + OpenBlas.coreName()) : "absent: " + OpenBlas.reason())
                .append(").\n").append(Report.Machine.describe()).append("\nRatio = Brasa GFLOP/s / OpenBLAS GFLOP/s (target >= 0.9); per pass: the ratio of each pass alone.\n\n");
        md.append("| M x K x N | layout | threads | Brasa GFLOP/s | OpenBLAS GFLOP/s | ratio | per pass |\n|---|---|---:|---:|---:|---:|---|\n");
        List<Double> ratios = new ArrayList<>();
        List<String> cats = new ArrayList<>();
        List<Double> brasa1 = new ArrayList<>(), blas1 = new ArrayList<>(), brasa2 = new ArrayList<>(), blas2 = new ArrayList<>();
        for (var e : t.entrySet()) {
            String[] k = e.getKey().split("\\|");
            String[] d = k[0].split("x");
            double flops = 2.0 * Long.parseLong(d[0]) * Long.parseLong(d[1]) * Long.parseLong(d[2]);
            Double us = e.getValue().get("simd"), ob = e.getValue().get("openblas");
            double g = us == null ? Double.NaN : flops / us / 1e3, go = ob == null ? Double.NaN : flops / ob / 1e3;
            StringBuilder per = new StringBuilder();
            for (double r : passRatios.getOrDefault(e.getKey(), List.of())) per.append(per.isEmpty() ? "" : ", ").append(String.format("%.2f", r));
            md.append(String.format("| %s | %s | %s | %.1f | %.1f | %.2f | %s |%n", k[0], k[1], k[2], g, go, g / go, per));
            if (!Double.isNaN(g / go)) ratios.add(g / go);
            if (k[1].equals("NT")) {
                if (k[2].equals("1")) {
                    cats.add(k[0]);
                    brasa1.add(g);
                    blas1.add(go);
                } else {
                    brasa2.add(g);
                    blas2.add(go);
                }
            }
        }
        if (!ratios.isEmpty()) {
            List<Double> sorted = ratios.stream().sorted().toList();
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            md.append(String.format("%n%d of %d rows at >= 0.9; ratio median %.2f, min %.2f, max %.2f.%n",
                    sorted.stream().filter(r -> r >= 0.9).count(), n, median, sorted.get(0), sorted.get(n - 1)));
        }
        Files.writeString(dir.resolve("gemm-cpu.md"), md.toString());
        CategoryChart ch = new CategoryChartBuilder().width(1400).height(650).title("SGEMM A*B^T (Linear forward), GFLOP/s")
                .xAxisTitle("M x K x N").yAxisTitle("GFLOP/s").build();
        ch.getStyler().setXAxisLabelRotation(30);
        ch.addSeries("Brasa SIMD, 1 thread", cats, brasa1);
        ch.addSeries("OpenBLAS, 1 thread", cats, blas1);
        if (brasa2.size() == cats.size()) {
            ch.addSeries("Brasa SIMD, 2 threads", cats, brasa2);
            ch.addSeries("OpenBLAS, 2 threads", cats, blas2);
        }
        BitmapEncoder.saveBitmap(ch, dir.resolve("gemm-cpu").toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.print(md);
    }

    private static void vsPytorchChart(Path dir) throws IOException {
        Path md = dir.resolve("vs-pytorch.md");
        if (!Files.exists(md)) return;
        List<String> cats = new ArrayList<>();
        List<Double> ratio1 = new ArrayList<>(), ratio2 = new ArrayList<>();
        for (String line : Files.readAllLines(md)) {
            String[] c = line.split("\\|");
            if (c.length < 6 || !c[2].trim().matches("[12]")) continue;
            double r = Double.parseDouble(c[5].trim());
            if (c[2].trim().equals("1")) {
                cats.add(c[1].trim());
                ratio1.add(r);
            } else {
                ratio2.add(r);
            }
        }
        if (cats.isEmpty()) return;
        CategoryChart ch = new CategoryChartBuilder().width(1400).height(600).title("PyTorch time / Brasa time (above 1: Brasa faster)")
                .xAxisTitle("program").yAxisTitle("ratio").build();
        ch.getStyler().setXAxisLabelRotation(30);
        ch.addSeries("1 thread", cats, ratio1);
        if (ratio2.size() == cats.size()) ch.addSeries("2 threads", cats, ratio2);
        BitmapEncoder.saveBitmap(ch, dir.resolve("vs-pytorch").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Table cells of the markdown rows of a file: {@code | a | b | c |} -> [a, b, c]. */
    private static List<String[]> rows(Path md) throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(md)) {
            if (!line.startsWith("|") || line.startsWith("|---")) continue;
            String[] c = line.substring(1).split("\\|");
            for (int i = 0; i < c.length; i++) c[i] = c[i].trim();
            out.add(c);
        }
        return out;
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * simd-vs-cublas.md and .png: per GEMM shape (A·B), Brasa's SIMD kernel on 1 and 2 threads and
     * OpenBLAS on 2 (gemm-cpu.md, measured here) beside Brasa on cuBLAS and torch.mm (the newest
     * gpu-*.md of scripts/gpu-check, its date and device named). Returns that file's name, or null
     * (and writes nothing) when there is no GPU result or no CPU table.
     */
    private static String simdVsCublas(Path dir) throws IOException {
        String gpu;
        try (var s = Files.list(dir)) {
            gpu = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("gpu-") && n.endsWith(".md")).sorted()
                    .reduce((a, b) -> b).orElse(null);
        }
        Path cpuMd = dir.resolve("gemm-cpu.md");
        if (gpu == null || !Files.exists(cpuMd)) return null;
        Map<String, double[]> cpu = new LinkedHashMap<>();      // shape -> simd 1t, simd 2t, openblas 2t (GFLOP/s)
        for (String[] c : rows(cpuMd)) {
            if (c.length < 6 || !c[1].equals("NN")) continue;
            double[] v = cpu.computeIfAbsent(c[0], k -> new double[] {Double.NaN, Double.NaN, Double.NaN});
            if (c[2].equals("1")) v[0] = number(c[3]);
            else if (c[2].equals("2")) {
                v[1] = number(c[3]);
                v[2] = number(c[4]);
            }
        }
        Map<String, double[]> cuda = new LinkedHashMap<>();     // shape -> brasa cuBLAS, torch.mm (TFLOP/s)
        for (String[] c : rows(dir.resolve(gpu))) {
            if (c.length >= 4 && c[0].matches("\\d+x\\d+x\\d+")) cuda.put(c[0], new double[] {number(c[1]), number(c[2])});
        }
        String device = "?";
        for (String line : Files.readAllLines(dir.resolve(gpu))) {
            int i = line.indexOf("Device: ");
            if (i >= 0) {
                device = line.substring(i + 8, line.indexOf(';', i) > 0 ? line.indexOf(';', i) : line.length());
                break;
            }
        }
        String date = gpu.substring(4, gpu.length() - 3);
        StringBuilder md = new StringBuilder("# SGEMM A·B: Brasa on the CPU (Vector API) vs Brasa on cuBLAS\n\n");
        md.append("CPU columns from [gemm-cpu.md](gemm-cpu.md) (`scripts/bench`, this machine); GPU columns from [").append(gpu)
                .append("](").append(gpu).append(") (`scripts/gpu-check`, ").append(date).append(", ").append(device)
                .append(", FP32 with TF32 off). GFLOP/s; a dash where a shape was not measured.\n\n");
        md.append("| M x K x N | SIMD 1 thread | SIMD 2 threads | OpenBLAS 2 threads | Brasa cuBLAS | torch.mm | cuBLAS / SIMD 2 threads |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        List<String> cats = new ArrayList<>();
        List<Double> s1 = new ArrayList<>(), s2 = new ArrayList<>(), cu = new ArrayList<>();
        java.util.Set<String> shapes = new java.util.LinkedHashSet<>(cpu.keySet());
        shapes.addAll(cuda.keySet());
        for (String shape : shapes) {
            double[] c = cpu.getOrDefault(shape, new double[] {Double.NaN, Double.NaN, Double.NaN});
            double[] g = cuda.getOrDefault(shape, new double[] {Double.NaN, Double.NaN});
            double b = g[0] * 1e3, t = g[1] * 1e3;
            md.append(String.format("| %s | %s | %s | %s | %s | %s | %s |%n", shape, cell(c[0]), cell(c[1]), cell(c[2]), cell(b), cell(t),
                    Double.isNaN(b / c[1]) ? "-" : String.format("%.0fx", b / c[1])));
            if (!Double.isNaN(c[1]) && !Double.isNaN(b)) {
                cats.add(shape);
                s1.add(c[0]);
                s2.add(c[1]);
                cu.add(b);
            }
        }
        Files.writeString(dir.resolve("simd-vs-cublas.md"), md.toString());
        if (!cats.isEmpty()) {
            CategoryChart ch = new CategoryChartBuilder().width(1400).height(650)
                    .title("SGEMM A*B, GFLOP/s (log scale): CPU SIMD here vs cuBLAS on " + device + " (" + date + ")")
                    .xAxisTitle("M x K x N").yAxisTitle("GFLOP/s").build();
            ch.getStyler().setXAxisLabelRotation(30);
            ch.getStyler().setYAxisLogarithmic(true);
            ch.getStyler().setYAxisMin(10.0);       // bars start at the axis minimum; a log axis has no 0
            ch.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Line);
            ch.addSeries("Brasa SIMD, 1 thread", cats, s1);
            ch.addSeries("Brasa SIMD, 2 threads", cats, s2);
            ch.addSeries("Brasa cuBLAS", cats, cu);
            BitmapEncoder.saveBitmap(ch, dir.resolve("simd-vs-cublas").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        return gpu;
    }

    private static String cell(double v) { return Double.isNaN(v) ? "-" : String.format("%.1f", v); }

    private static void report(Path dir, String gpu) throws IOException {
        StringBuilder md = new StringBuilder("# Brasa benchmark report\n\n");
        md.append("Written ").append(LocalDate.now()).append(" by `scripts/bench`. Every figure names its command and machine.\n\n");
        md.append("- CPU SGEMM, Brasa vs OpenBLAS, every shape and layout, 1 and 2 threads: [gemm-cpu.md](gemm-cpu.md), chart ")
                .append("![gemm](gemm-cpu.png)\n");
        md.append("- Scalar vs SIMD matmul (JMH): [matmul-cpu.md](matmul-cpu.md)\n");
        md.append("- Teaching programs, Brasa vs PyTorch, seconds per epoch: [vs-pytorch.md](vs-pytorch.md), chart ")
                .append("![vs-pytorch](vs-pytorch.png)\n");
        md.append("- CPU SIMD vs cuBLAS: ").append(gpu == null
                ? "**not measured** — no scripts/gpu-check result yet (no GPU machine was available).\n"
                : "[simd-vs-cublas.md](simd-vs-cublas.md) (cuBLAS columns from [" + gpu + "](" + gpu + ")), chart "
                        + "![simd-vs-cublas](simd-vs-cublas.png)\n");
        if (gpu != null) md.append("- GPU: Brasa's CUDA backend vs PyTorch on the same GPU (SGEMM, epochs, memory, curves): [")
                .append(gpu).append("](").append(gpu).append(")\n");
        md.append("- Reliability: [fuzz.md](fuzz.md), [soak.md](soak.md)\n");
        Files.writeString(dir.resolve("report.md"), md.toString());
    }
}
