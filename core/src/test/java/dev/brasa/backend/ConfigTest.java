package dev.brasa.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Every -Dbrasa.* property: its values, its refusals (naming property and value), the C2 rule, and the README's table. */
class ConfigTest {
    private static Properties props(String... kv) {
        Properties p = new Properties();
        p.setProperty("user.home", "/home/u");
        for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
        return p;
    }

    private static void refused(String message, String... kv) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Config.parse(props(kv), 8)).getMessage());
    }

    @Test
    void defaultsAndEveryAcceptedValue() {
        assertEquals(new Config.Settings("", 0, 8, false, Path.of("/home/u/.cache/brasa/kernels")), Config.parse(props(), 8));
        assertEquals(new Config.Settings("scalar", 256, 1, true, Path.of("/k")), Config.parse(props("brasa.backend", "scalar",
                "brasa.simd.bits", " 256 ", "brasa.threads", "1", "brasa.cuda.tf32", "true", "brasa.kernel.cache", "/k"), 8));
        for (String bits : List.of("64", "128", "512")) assertEquals(Integer.parseInt(bits), Config.parse(props("brasa.simd.bits", bits), 2).simdBits());
        assertEquals("simd", Config.parse(props("brasa.backend", "simd", "brasa.progress", "false"), 2).backend());
    }

    @Test
    void aValueOutsideTheTableIsRefusedByName() {
        refused("-Dbrasa.simd.bits=300: expected 64, 128, 256 or 512", "brasa.simd.bits", "300");
        refused("-Dbrasa.simd.bits=wide: expected 64, 128, 256 or 512", "brasa.simd.bits", "wide");
        refused("-Dbrasa.threads=0: expected an integer >= 1", "brasa.threads", "0");
        refused("-Dbrasa.threads=two: expected an integer >= 1", "brasa.threads", "two");
        refused("-Dbrasa.backend=gpu: expected scalar or simd", "brasa.backend", "gpu");
        refused("-Dbrasa.cuda.tf32=yes: expected true or false", "brasa.cuda.tf32", "yes");
        refused("-Dbrasa.progress=off: expected true or false", "brasa.progress", "off");
    }

    @Test
    void unknownNamesAreReportedAsTypos() {
        assertEquals(List.of("brasa.simd.bit=256", "brasa.thread=2"),
                Config.unknown(props("brasa.thread", "2", "brasa.simd.bit", "256", "brasa.threads", "2", "other.x", "1", "brasa.test.device", "cuda")));
    }

    @Test
    void c2IsOffWhenInterpretedOrStoppedBelowLevel4() {
        assertNull(Config.withoutC2("mixed mode, sharing", "4", "true"));
        assertNull(Config.withoutC2("mixed mode, sharing", "1", "false"), "-XX:-TieredCompilation: C2 only");
        assertNull(Config.withoutC2("mixed mode", null, null), "flags unknown: assume C2");
        assertEquals("the JVM only interprets (-Xint)", Config.withoutC2("interpreted mode, sharing", "4", "false"));
        for (String level : List.of("1", "2", "3")) {
            assertEquals("-XX:TieredStopAtLevel=" + level + " keeps C2 off", Config.withoutC2("mixed mode", level, "true"));
        }
        assertEquals("-XX:TieredStopAtLevel=0 keeps C2 off", Config.withoutC2("mixed mode", "0", "false"));
        assertNull(Config.withoutC2(System.getProperty("java.vm.info", ""), "4", "true"));
        assertNull(Config.withoutC2(), "this test JVM runs with C2");
    }

    @Test
    void theReadmeTableListsEveryPropertyAsTheCodeDoes() throws Exception {
        Path readme = Path.of(System.getProperty("user.dir")).getParent().resolve("README.md");
        List<String> rows = Files.readAllLines(readme).stream().filter(l -> l.startsWith("| `-Dbrasa.")).toList();
        List<String> want = Config.PROPERTIES.stream()
                .map(p -> "| `-D" + p.name() + "` | " + p.values() + " | " + p.fallback() + " | " + p.meaning() + " |").toList();
        assertEquals(want, rows, "README.md's property table and Config.PROPERTIES must say the same");
    }
}
