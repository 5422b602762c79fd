package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The pickle reader and writer against Python's own pickle module (fixtures from
 * {@code scripts/golden/pickles.py}): every value Python writes in protocols 0-5, and hand-written
 * pickles for the opcodes its pickler never emits, load to what {@code pickle.loads} gives; every
 * value without globals is written byte for byte as Python's protocol-2 pickler writes it. One
 * dynamic test per fixture line, so every line is checked.
 */
class PickleGoldenTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Path FILE = Path.of("pickles.txt");

    private record Case(String kind, String name, byte[] pickle, String expected) {}

    private static List<Case> cases() {
        var in = PickleGoldenTest.class.getResourceAsStream("/golden/pickles.txt");
        Objects.requireNonNull(in, "golden/pickles.txt is missing: run /usr/bin/python3 scripts/golden/pickles.py");
        List<Case> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.split("\\|", -1);
                out.add(new Case(f[0], f[1], HEX.parseHex(f[2]), f[3]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static Object unpickle(byte[] pickle) throws IOException {
        return new TorchUnpickler(FILE, 0, pickle, null).load();
    }

    @TestFactory
    Stream<DynamicTest> everyPythonPickleLoadsAsPythonLoadsIt() {
        return cases().stream().filter(c -> c.kind.equals("load")).map(c -> DynamicTest.dynamicTest(c.name, () -> {
            if (c.expected.startsWith("E:")) {
                FileFormatException e = assertThrows(FileFormatException.class, () -> unpickle(c.pickle), c.name);
                assertTrue(e.getMessage().contains(c.expected.substring(2)), c.name + ": " + e.getMessage());
            } else {
                assertEquals(c.expected, canon(unpickle(c.pickle)), c.name);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyPlainValueIsWrittenAsPythonWritesIt() {
        return cases().stream().filter(c -> c.kind.equals("dump")).map(c -> DynamicTest.dynamicTest(c.name, () -> {
            Object value = new Parser(c.expected).value();
            byte[] written = new TorchPickler(t -> { throw new AssertionError("no tensors here"); }).pickle(value);
            assertEquals(HEX.formatHex(c.pickle), HEX.formatHex(written), c.name);
            assertEquals(c.expected, canon(unpickle(written)), c.name + " read back");
        }));
    }

    @Test
    void theFixtureCoversEveryProtocolAndBothDirections() {
        List<Case> all = cases();
        for (int p = 0; p <= 5; p++) {
            String suffix = ".p" + p;
            assertTrue(all.stream().anyMatch(c -> c.name.endsWith(suffix)), "protocol " + p);
        }
        assertTrue(all.stream().filter(c -> c.kind.equals("dump")).count() >= 30);
        assertFalse(all.stream().anyMatch(c -> !c.kind.equals("load") && !c.kind.equals("dump")));
    }

    /** The canonical form of scripts/golden/pickles.py's canon(). */
    static String canon(Object v) {
        return switch (v) {
            case null -> "N";
            case Boolean b -> b ? "T" : "F";
            case Long l -> "i" + l;
            case Double d -> "d" + String.format("%016x", Double.doubleToRawLongBits(d));
            case String s -> "s" + HEX.formatHex(s.getBytes(StandardCharsets.UTF_8));
            case byte[] b -> "b" + HEX.formatHex(b);
            case Object[] t -> join("(", Arrays.asList(t), ")");
            case List<?> l -> join("[", l, "]");
            case Set<?> s -> join("<", s, ">");
            case Map<?, ?> m -> {
                List<String> parts = new ArrayList<>();
                m.forEach((k, x) -> parts.add(canon(k) + ":" + canon(x)));
                yield "{" + String.join(",", parts) + "}";
            }
            default -> throw new AssertionError("unexpected " + v.getClass());
        };
    }

    private static String join(String open, Iterable<?> items, String close) {
        List<String> parts = new ArrayList<>();
        for (Object o : items) parts.add(canon(o));
        return open + String.join(",", parts) + close;
    }

    /** Reads the canonical form back into the Java values the pickler takes. */
    private static final class Parser {
        private final String s;
        private int p;

        Parser(String s) { this.s = s; }

        Object value() {
            char c = s.charAt(p++);
            return switch (c) {
                case 'N' -> null;
                case 'T' -> true;
                case 'F' -> false;
                case 'i' -> Long.parseLong(token());
                case 'd' -> Double.longBitsToDouble(Long.parseUnsignedLong(token(), 16));
                case 's' -> new String(HEX.parseHex(token()), StandardCharsets.UTF_8);
                case '(' -> items(')').toArray();
                case '[' -> items(']');
                case '{' -> {
                    Map<Object, Object> m = new LinkedHashMap<>();
                    if (s.charAt(p) == '}') {
                        p++;
                        yield m;
                    }
                    while (true) {
                        Object k = value();
                        p++; // ':'
                        m.put(k, value());
                        if (s.charAt(p++) == '}') yield m;
                    }
                }
                default -> throw new AssertionError("bad canonical form at " + (p - 1) + ": " + s);
            };
        }

        private List<Object> items(char close) {
            List<Object> l = new ArrayList<>();
            if (s.charAt(p) == close) {
                p++;
                return l;
            }
            while (true) {
                l.add(value());
                if (s.charAt(p++) == close) return l;
            }
        }

        private String token() {
            int start = p;
            while (p < s.length() && "(),[]{}<>:".indexOf(s.charAt(p)) < 0) p++;
            return s.substring(start, p);
        }
    }
}
