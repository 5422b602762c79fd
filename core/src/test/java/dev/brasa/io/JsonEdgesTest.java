package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The safetensors header's JSON reader at its edges (RFC 8259 is the oracle): empty containers with
 * whitespace, nesting to exactly 64 and one more, depth given back by siblings, literals, signed numbers,
 * escapes, each refusal with its byte offset (the header's base added), and the writer's escapes of
 * control characters.
 */
class JsonEdgesTest {
    private static final Path F = Path.of("h.safetensors");

    private static Object parse(String s) throws FileFormatException { return Json.parse(s, F, 8); }

    private static FileFormatException refused(String s) { return assertThrows(FileFormatException.class, () -> parse(s)); }

    @Test
    void containersLiteralsAndNumbers() throws FileFormatException {
        assertEquals(Map.of(), parse("{ }"));
        assertEquals(List.of(), parse("[ ]"));
        assertEquals(Map.of("a", List.of(Map.of())), parse("{ \"a\" : [ { } ] }"));
        assertEquals(List.of(true, false), parse("[true, false]"));
        assertEquals(java.util.Arrays.asList(null, -1L, 1.5, -2.5e3, 7L), parse("[null, -1, 1.5, -2.5e3, 7]"));
        assertEquals(List.of("A\n\"\\/"), parse("[\"\\u0041\\n\\\"\\\\\\/\"]"));
    }

    @Test
    void nestingToSixtyFourAndNoFurther() throws FileFormatException {
        parse("[".repeat(64) + "]".repeat(64));
        assertEquals("h.safetensors: malformed JSON header: nesting deeper than 64 (at byte offset 72)",
                refused("[".repeat(65) + "]".repeat(65)).getMessage());
        StringBuilder objects = new StringBuilder();
        for (int d = 0; d < 64; d++) objects.append("{\"k\":");
        objects.append("0").append("}".repeat(64));
        parse(objects.toString());
        refused("{\"k\":".repeat(65) + "0" + "}".repeat(65));
        // 200 siblings, each one level down: depth is given back after every one
        parse("[" + "[],".repeat(199) + "[]]");
        StringBuilder siblings = new StringBuilder("{");
        for (int k = 0; k < 199; k++) siblings.append("\"k").append(k).append("\":{},");
        parse(siblings.append("\"last\":{}}").toString());
        StringBuilder full = new StringBuilder("{"); // siblings that are not empty leave by the other way out
        for (int k = 0; k < 99; k++) full.append("\"k").append(k).append("\":{\"a\":[1]},");
        parse(full.append("\"last\":{\"a\":[1]}}").toString());
    }

    /** Each malformed header and the byte its error points at (8, the header's base, plus the index in the string). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"tru|expected true|8", "[nul]|expected null|9", "{\"a\" 1}|expected ':'|13", "{1:2}|expected a string key|9",
        "{\"a\":1|unexpected end in object|14", "\"abc|unterminated string|12", "\"ab\\|unterminated escape|12", "\"\\u12\"|short \\u escape|11",
        "-|bad number '-'|8", "[1,|unexpected end|11", "{|expected a string key|9", "[|unexpected end|9", "{\"a\":1,|expected a string key|15",
        "{\"a\"|expected ':'|12", "\"\\u0041|unterminated string|15"})
    void refusalsNameWhatAndWhere(String json, String what, long offset) {
        FileFormatException e = refused(json);
        assertEquals("h.safetensors: malformed JSON header: " + what + " (at byte offset " + offset + ")", e.getMessage());
        assertEquals(offset, e.offset());
    }

    @Test
    void theWriterEscapesControlCharacters() {
        assertEquals("\"a\\u0001\\u001f \\t\\n\\r\\\"\\\\~\"", Json.quote("a\u0001\u001f \t\n\r\"\\~"));
    }
}
