package dev.brasa.backend;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Every {@code -Dbrasa.*} system property, read in one place, once, and checked: a value that is
 * not one the table allows fails the first use of a tensor with a message naming the property and
 * the value (never a silent fallback), and a {@code brasa.*} name that is not in the table is
 * logged as a likely typo. The table ({@link #PROPERTIES}) is the documentation; the README's
 * copy is checked against it by a test.
 */
public final class Config {

    /** One documented property: its name, the values it takes, its default and what it does. */
    public record Property(String name, String values, String fallback, String meaning) {}

    /** The properties, as the README's table lists them. */
    public static final List<Property> PROPERTIES = List.of(
            new Property("brasa.backend", "`scalar`, `simd`", "`simd` when the Vector API and C2 are there, else `scalar`",
                    "forces a CPU backend; `simd` fails when it cannot run"),
            new Property("brasa.simd.bits", "`64`, `128`, `256`, `512`", "the CPU's preferred width",
                    "the Vector API width of the SIMD kernels"),
            new Property("brasa.threads", "an integer >= 1", "the available processors",
                    "threads of the CPU kernels (also `Brasa.setNumThreads`)"),
            new Property("brasa.cuda.tf32", "`true`, `false`", "`false`",
                    "lets cuBLAS use TF32 tensor cores for float32 GEMMs (faster, 10-bit mantissa)"),
            new Property("brasa.kernel.cache", "a folder", "`~/.cache/brasa/kernels`",
                    "where NVRTC-compiled CUDA kernels are kept between runs"),
            new Property("brasa.progress", "`true`, `false`", "`true`", "progress bars of the `brasa` command (examples)"));

    /**
     * The settings in effect.
     *
     * @param backend "scalar", "simd" or "" (choose)
     * @param simdBits the forced vector width, or 0 for the preferred one
     * @param threads threads of the CPU kernels at start
     * @param cudaTf32 TF32 math in cuBLAS
     * @param kernelCache the NVRTC kernel cache folder
     */
    public record Settings(String backend, int simdBits, int threads, boolean cudaTf32, Path kernelCache) {}

    private static volatile Settings settings;

    private Config() {}

    /** The settings from the system properties, read and checked on first call; a bad value throws on every call. */
    public static Settings get() {
        Settings s = settings;
        if (s == null) {
            s = parse(System.getProperties(), Runtime.getRuntime().availableProcessors());
            for (String unknown : unknown(System.getProperties())) {
                log().log(Level.WARNING, "Brasa: unknown property -D" + unknown + " ignored; Brasa reads " + names());
            }
            settings = s;
        }
        return s;
    }

    /** The settings a set of properties gives; throws naming the property and value that is wrong. */
    static Settings parse(Properties p, int processors) {
        String backend = value(p, "brasa.backend");
        if (!backend.isEmpty() && !backend.equals("scalar") && !backend.equals("simd")) throw bad("brasa.backend", backend, "scalar or simd");
        String bitsText = value(p, "brasa.simd.bits");
        int bits = bitsText.isEmpty() ? 0 : integer(bitsText);
        if (!bitsText.isEmpty() && bits != 64 && bits != 128 && bits != 256 && bits != 512) {
            throw bad("brasa.simd.bits", bitsText, "64, 128, 256 or 512");
        }
        String threadsText = value(p, "brasa.threads");
        int threads = threadsText.isEmpty() ? processors : integer(threadsText);
        if (threads < 1) throw bad("brasa.threads", threadsText, "an integer >= 1");
        String tf32 = value(p, "brasa.cuda.tf32");
        if (!tf32.isEmpty() && !tf32.equals("true") && !tf32.equals("false")) throw bad("brasa.cuda.tf32", tf32, "true or false");
        String cache = value(p, "brasa.kernel.cache");
        Path dir = cache.isEmpty() ? Path.of(p.getProperty("user.home", "."), ".cache", "brasa", "kernels") : Path.of(cache);
        String progress = value(p, "brasa.progress");
        if (!progress.isEmpty() && !progress.equals("true") && !progress.equals("false")) throw bad("brasa.progress", progress, "true or false");
        return new Settings(backend, bits, threads, tf32.equals("true"), dir);
    }

    /** The brasa.* properties that are not in the table (likely typos); {@code brasa.test.*} belong to Brasa's own test suite. */
    static List<String> unknown(Properties p) {
        List<String> names = names();
        TreeSet<String> out = new TreeSet<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("brasa.") && !k.startsWith("brasa.test.") && !names.contains(k)) out.add(k + "=" + p.getProperty(k));
        }
        return List.copyOf(out);
    }

    private static List<String> names() { return PROPERTIES.stream().map(Property::name).toList(); }

    private static String value(Properties p, String name) {
        String v = p.getProperty(name);
        return v == null ? "" : v.trim();
    }

    private static int integer(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return Integer.MIN_VALUE;   // refused by the caller's range check, with the text as given
        }
    }

    private static IllegalArgumentException bad(String name, String value, String expected) {
        return new IllegalArgumentException("-D" + name + "=" + value + ": expected " + expected);
    }

    /**
     * The "dev.brasa" logger, created on first use: {@code System.getLogger} loads java.util.logging's
     * classes, about 10 ms of a JVM's start, and a run without warnings logs nothing.
     */
    public static System.Logger log() {
        return LogHolder.LOG;
    }

    private static final class LogHolder {
        static final System.Logger LOG = System.getLogger("dev.brasa");
    }

    /**
     * Why the JIT cannot compile the Vector API into SIMD instructions here, or null when C2 is on:
     * without C2 (-Xint, -XX:TieredStopAtLevel below 4, as some IDE "quick start" settings do) the
     * kernels run boxed, hundreds of times slower than the scalar loops, so Lucene refuses them too.
     */
    public static String withoutC2() {
        return withoutC2(System.getProperty("java.vm.info", ""), hotspotOption("TieredStopAtLevel"), hotspotOption("TieredCompilation"));
    }

    /** The decision, from the VM's description and its two flags (null when unknown). */
    static String withoutC2(String vmInfo, String stopAtLevel, String tiered) {
        if (vmInfo.contains("interpreted mode")) return "the JVM only interprets (-Xint)";
        if (stopAtLevel != null && !stopAtLevel.equals("4")) {
            boolean level0 = stopAtLevel.equals("0");
            if (level0 || !"false".equals(tiered)) return "-XX:TieredStopAtLevel=" + stopAtLevel + " keeps C2 off";
        }
        return null;
    }

    private static String hotspotOption(String name) {
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? null : bean.getVMOption(name).getValue();
        } catch (LinkageError | RuntimeException e) {
            return null;   // no jdk.management in this runtime (or not a HotSpot VM): assume C2
        }
    }
}
