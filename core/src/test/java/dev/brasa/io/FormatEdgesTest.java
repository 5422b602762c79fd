package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edges of the file formats that real files reach less often: a torch.save archive re-zipped with
 * deflate, every Java value the pickler writes read back as written, long containers written in
 * batches, and safetensors headers with JSON whitespace (as other writers produce them).
 */
class FormatEdgesTest {
    @TempDir Path tmp;

    /** A Brasa-written file with every entry re-compressed with deflate (as a user's zip tool might). */
    private Path deflated(Path source, String name) throws IOException {
        Path out = tmp.resolve(name);
        try (ZipReader z = ZipReader.open(source); ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipReader.Entry e : z.entries()) {
                zo.putNextEntry(new ZipEntry(e.name()));
                zo.write(z.readAll(e, Integer.MAX_VALUE - 8));
                zo.closeEntry();
            }
        }
        return out;
    }

    @Test
    void aReZippedDeflatedArchiveReadsTheSame() throws IOException {
        Brasa.manualSeed(1);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("w", Brasa.randn(30, 40));
        sd.put("b", Brasa.randn(40));
        Path f = tmp.resolve("m.pt");
        Brasa.save(sd, f);
        Path d = deflated(f, "deflated.pt");
        try (ZipReader z = ZipReader.open(d)) {
            assertEquals(8, z.entry("archive/data/0").method(), "deflated");
        }
        Map<String, Tensor> back = Brasa.load(d);
        assertArrayEquals(sd.get("w").toFloatArray(), back.get("w").toFloatArray());
        assertArrayEquals(sd.get("b").toFloatArray(), back.get("b").toFloatArray());
        byte[] bytes = Files.readAllBytes(d);
        int at = indexOf(bytes, "archive/data/0".getBytes(StandardCharsets.US_ASCII)) + "archive/data/0".length() + 10;
        bytes[at] ^= 0x55; // inside the first storage's deflate stream
        Path broken = Files.write(tmp.resolve("broken.pt"), bytes);
        var e = assertThrows(FileFormatException.class, () -> Brasa.load(broken));
        assertTrue(e.getMessage().contains("archive/data/0"), e.getMessage());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Test
    void everyJavaValueThePicklerTakesReadsBackAsWritten() throws IOException {
        Map<Object, Object> v = new LinkedHashMap<>();
        v.put("int", 7);
        v.put("short", (short) -300);
        v.put("byte", (byte) -5);
        v.put("float", 0.5f);
        v.put("small", 255L);
        v.put("two", 65535L);
        v.put("neg", -1L);
        v.put("int_max", (long) Integer.MAX_VALUE);
        v.put("int_min", (long) Integer.MIN_VALUE);
        v.put("above_int", 1L + Integer.MAX_VALUE);
        v.put("below_int", (long) Integer.MIN_VALUE - 1);
        v.put("long_max", Long.MAX_VALUE);
        v.put("long_min", Long.MIN_VALUE);
        v.put("nan", Double.NaN);
        v.put("bytes", new byte[] {0, (byte) 0x80, (byte) 0xff});
        v.put("tuple4", new Object[] {1L, 2L, 3L, 4L});
        v.put("tuple1", new Object[] {"x"});
        v.put("null", null);
        v.put(3L, "int key");
        v.put(true, "bool key");
        List<Object> big = new ArrayList<>();
        for (long i = 0; i < 2500; i++) big.add(i);
        v.put("big_list", big);
        Map<String, Object> bigDict = new LinkedHashMap<>();
        for (int i = 0; i < 2100; i++) bigDict.put("k" + i, (long) i);
        v.put("big_dict", bigDict);
        Path f = tmp.resolve("values.pt");
        TorchFile.write(v, f);
        Map<?, ?> r = (Map<?, ?>) TorchFile.read(f);
        assertEquals(7L, r.get("int"));
        assertEquals(-300L, r.get("short"));
        assertEquals(-5L, r.get("byte"));
        assertEquals(0.5, r.get("float"));
        for (String k : List.of("small", "two", "neg", "int_max", "int_min", "above_int", "below_int", "long_max", "long_min")) {
            assertEquals(v.get(k), r.get(k), k);
        }
        assertTrue(Double.isNaN((Double) r.get("nan")));
        assertArrayEquals((byte[]) v.get("bytes"), (byte[]) r.get("bytes"));
        assertArrayEquals(new Object[] {1L, 2L, 3L, 4L}, (Object[]) r.get("tuple4"));
        assertArrayEquals(new Object[] {"x"}, (Object[]) r.get("tuple1"));
        assertTrue(r.containsKey("null") && r.get("null") == null);
        assertEquals("int key", r.get(3L));
        assertEquals("bool key", r.get(true));
        assertEquals(big, r.get("big_list"));
        assertEquals(bigDict, r.get("big_dict"));
        assertEquals(new ArrayList<>(v.keySet()), new ArrayList<>(r.keySet()), "key order");
        var e = assertThrows(IllegalArgumentException.class, () -> TorchFile.write(Map.of("x", new StringBuilder()), tmp.resolve("no.pt")));
        assertTrue(e.getMessage().contains("java.lang.StringBuilder"), e.getMessage());
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThrows(IllegalArgumentException.class, () -> TorchFile.write(cycle, tmp.resolve("cycle.pt")));
        assertTrue(Files.notExists(tmp.resolve("no.pt")) && Files.notExists(tmp.resolve("cycle.pt")), "nothing written on failure");
    }

    /** Every dtype the reader takes that Brasa does not write, as the safetensors format stores them (little-endian). */
    @Test
    void safetensorsDtypesFromOtherWritersRead() throws IOException {
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"bf\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]},"
                + "\"i32\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[6,10]},\"i16\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[10,12]},"
                + "\"i8\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[12,13]},\"u8\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[13,14]},"
                + "\"b\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[14,17]}}";
        ByteBuffer d = ByteBuffer.allocate(17).order(ByteOrder.LITTLE_ENDIAN);
        d.putShort((short) 0x3E00).putShort((short) 0xC000).putShort((short) 0x3FC0).putInt(-5).putShort((short) -3).put((byte) -2).put((byte) 200)
                .put(new byte[] {0, 1, 7});
        Map<String, Tensor> t = Safetensors.read(safetensors(header, d.array())).tensors();
        assertArrayEquals(new float[] {1.5f, -2f}, t.get("h").toFloatArray(), "F16 0x3E00, 0xC000");
        assertArrayEquals(new float[] {1.5f}, t.get("bf").toFloatArray(), "BF16 0x3FC0");
        assertArrayEquals(new long[] {-5}, t.get("i32").toLongArray());
        assertArrayEquals(new long[] {-3}, t.get("i16").toLongArray());
        assertArrayEquals(new long[] {-2}, t.get("i8").toLongArray());
        assertArrayEquals(new long[] {200}, t.get("u8").toLongArray(), "U8 is unsigned");
        assertArrayEquals(new float[] {0, 1, 1}, t.get("b").toFloat().toFloatArray(), "any non-zero byte is true");
    }

    /**
     * Headers list tensors in any order (the Python writer sorts names, not offsets); overlap is judged
     * on the offsets; an empty tensor takes no bytes, wherever its offsets point.
     */
    @Test
    void safetensorsHeadersInAnyOrderAndEmptyTensorsRead() throws IOException {
        String header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        Map<String, Tensor> t = Safetensors.read(safetensors(header, d.array())).tensors();
        assertArrayEquals(new float[] {1, 2}, t.get("a").toFloatArray());
        assertArrayEquals(new float[] {3, 4}, t.get("b").toFloatArray());
        assertArrayEquals(new int[] {0, 3}, t.get("e").shape());
        assertEquals(0, Safetensors.read(safetensors("{}", new byte[0])).tensors().size(), "a 2-byte header and no data: the smallest file");
    }

    @Test
    void safetensorsRefusalsNameTheEntryTheBytesAndWhere() throws IOException {
        String sizes = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,8]}}";
        var e = assertThrows(FileFormatException.class, () -> Safetensors.read(safetensors(sizes, new byte[8])));
        assertTrue(e.getMessage().contains("entry 'b' of shape [2] and dtype F32 needs 8 bytes but has 4"), e.getMessage());
        assertEquals(8 + sizes.length() + 4, e.offset(), "where b's bytes start");
        String outside = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        e = assertThrows(FileFormatException.class, () -> Safetensors.read(safetensors(outside, new byte[8])));
        assertTrue(e.getMessage().contains("entry 'b' data_offsets [4, 12] fall outside the 8 data bytes"), e.getMessage());
        assertEquals(8 + outside.length() + 4, e.offset());
        String most = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647],\"data_offsets\":[0,4]}}"; // the largest dimension there is
        e = assertThrows(FileFormatException.class, () -> Safetensors.read(safetensors(most, new byte[4])));
        assertTrue(e.getMessage().contains("entry 'a' of shape [2147483647] and dtype F32 needs 8589934588 bytes but has 4"), e.getMessage());
        Path f = tmp.resolve("long.safetensors"); // claims a 13-byte header in a 20-byte file: 1 byte too many
        Files.write(f, ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(13).put("{}          ".getBytes(StandardCharsets.US_ASCII)).array());
        e = assertThrows(FileFormatException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("header length 13 is impossible for a file of 20 bytes"), e.getMessage());
    }

    /** The writer's header: compact JSON, tensors in order, padded with spaces to a multiple of 8 (as the Rust writer pads it). */
    @Test
    void safetensorsHeadersAreWrittenCompactAndPaddedToEight() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", Brasa.tensor(1f, 2f));
        m.put("b", Brasa.tensor(3L));
        String tensors = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
        for (boolean meta : new boolean[] {true, false}) {
            Path f = tmp.resolve("w.safetensors");
            if (meta) Safetensors.save(m, f); // PyTorch's metadata, as safetensors.torch.save_file writes it
            else Safetensors.save(m, Map.of(), f);
            byte[] all = Files.readAllBytes(f);
            long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
            String want = (meta ? "{\"__metadata__\":{\"format\":\"pt\"}," : "{") + tensors;
            assertEquals((want.length() + 7) / 8 * 8, n);
            assertEquals(want + " ".repeat((int) n - want.length()), new String(all, 8, (int) n, StandardCharsets.UTF_8));
            assertEquals(8 + n + 16, all.length);
        }
    }

    /** A safetensors file from a header written by hand. */
    private Path safetensors(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return Files.write(tmp.resolve("h.safetensors"), b.array());
    }

    @Test
    void safetensorsHeadersWithJsonWhitespaceAndEscapesRead() throws IOException {
        String header = " {\n\t\"__metadata__\" : { \"format\" : \"pt\" , \"note\" : \"a \\\"quoted\\\" \\\\ \\u00e7\" } ,\r\n"
                + "  \"w\" : { \"dtype\" : \"F32\" , \"shape\" : [ 2 , 1 ] , \"data_offsets\" : [ 0 , 8 ] } ,\n"
                + "  \"e\" : { \"dtype\" : \"F32\" , \"shape\" : [ 0 ] , \"data_offsets\" : [ 8 , 8 ] }\n} ";
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        Safetensors.Contents c = Safetensors.read(safetensors(header, data.array()));
        assertArrayEquals(new float[] {1.5f, -2f}, c.tensors().get("w").toFloatArray());
        assertArrayEquals(new int[] {2, 1}, c.tensors().get("w").shape());
        assertEquals(0, c.tensors().get("e").numel());
        assertEquals("a \"quoted\" \\ \u00e7", c.metadata().get("note"));
        assertEquals(List.of("w", "e"), new ArrayList<>(c.tensors().keySet()));
        for (String bad : List.of("{\"w\": [1, 2", "{\"w\" 1}", "{\"w\": tru}", "{\"w\": 1} x", "{\"w\": \"\\q\"}", "{1: 2}", "[1,]", "{\"w\": -}")) {
            var e = assertThrows(FileFormatException.class, () -> Safetensors.read(safetensors(bad, new byte[0])), bad);
            assertTrue(e.getMessage().contains("malformed JSON") || e.getMessage().contains("not a JSON object"), bad + " -> " + e.getMessage());
        }
    }
}
