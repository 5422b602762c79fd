package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile torch.save files: each is refused with a FileFormatException that names the file and what
 * is wrong, before anything large is allocated, and nothing is written anywhere (the folder of the
 * file is unchanged; the hostile pickles' own commands would leave /tmp/brasa-pwned).
 */
class TorchFileHostileTest {
    @TempDir Path tmp;

    /** Builds pickle bytes opcode by opcode. */
    static final class Pickle {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Pickle() { op(0x80, 2); }

        Pickle op(int... bytes) {
            for (int x : bytes) b.write(x);
            return this;
        }

        Pickle str(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            int32(u.length);
            b.writeBytes(u);
            return this;
        }

        Pickle int32(int v) { return op(v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24); }

        Pickle int64(long v) {
            op(0x8a, 8);
            for (int i = 0; i < 8; i++) op((int) (v >>> (8 * i)) & 0xFF);
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            b.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        /** _rebuild_tensor_v2(('storage', FloatStorage, key, 'cpu', numel), offset, size, stride, False, OrderedDict()). */
        Pickle tensor(String key, long numel, long offset, long[] size, long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2").op('(', '(').str("storage").global("torch", "FloatStorage").str(key).str("cpu").int64(numel)
                    .op('t', 'Q').int64(offset).op('(');
            for (long s : size) int64(s);
            op('t', '(');
            for (long s : stride) int64(s);
            return op('t', 0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R');
        }

        byte[] bytes() { return b.toByteArray(); }
    }

    /** A zip of (name, bytes) pairs, written as torch.save writes them. */
    Path zip(String file, Object... nameBytes) throws IOException {
        Path f = tmp.resolve(file);
        AtomicWrite.write(f, ch -> {
            ZipWriter z = new ZipWriter(ch);
            for (int i = 0; i < nameBytes.length; i += 2) z.add((String) nameBytes[i], (byte[]) nameBytes[i + 1]);
            z.finish();
        });
        return f;
    }

    /** A state dict {'w': tensor} whose pickle is p, with one 12-byte storage '0'. */
    Path withPickle(Pickle p) throws IOException {
        return zip("x.pt", "archive/data.pkl", p.op('.').bytes(), "archive/data/0", new byte[12], "archive/version", "3\n".getBytes());
    }

    /** Reads f with every entry point, expecting the same refusal; returns the message. */
    String refused(Path f, String... expected) throws IOException {
        List<Path> before;
        try (Stream<Path> s = Files.list(f.getParent())) {
            before = s.sorted().toList();
        }
        FileFormatException e = assertThrows(FileFormatException.class, () -> TorchFile.read(f));
        assertThrows(FileFormatException.class, () -> Brasa.load(f));
        assertThrows(FileFormatException.class, () -> Checkpoint.load(f));
        String m = e.getMessage();
        assertTrue(m.startsWith(f.toString()), "names the file: " + m);
        for (String x : expected) assertTrue(m.contains(x), "'" + x + "' in: " + m);
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertEquals(before, s.sorted().toList(), "nothing written next to the file");
        }
        assertFalse(Files.exists(Path.of("/tmp/brasa-pwned")), "the pickle's command never ran");
        return m;
    }

    @Test
    void aPickleCallingOsSystemIsRefusedByName() throws IOException {
        Path f = Files.copy(TorchFileTest.golden("evil-os-system.pt"), tmp.resolve("evil-os-system.pt"));
        refused(f, "global 'posix.system' is not on the weights-only allowlist");
    }

    @Test
    void aPickleCallingEvalIsRefusedByName() throws IOException {
        Path f = Files.copy(TorchFileTest.golden("evil-eval.pt"), tmp.resolve("evil-eval.pt"));
        refused(f, "global '__builtin__.eval' is not on the weights-only allowlist"); // protocol 2 spells builtins the Python 2 way
    }

    @Test
    void aLegacyFileSaysHowToConvertIt() throws IOException {
        Path f = Files.copy(TorchFileTest.golden("legacy.pt"), tmp.resolve("legacy.pt"));
        refused(f, "legacy torch.save file (PyTorch < 1.6", "torch.save(torch.load(old), new)");
    }

    @Test
    void unknownAndObjectBuildingOpcodesAreRefused() throws IOException {
        refused(withPickle(new Pickle().op(0xff)), "unknown pickle opcode 0xff");
        refused(withPickle(new Pickle().op('(').global("collections", "OrderedDict").op('o')), "opcode OBJ");
        refused(withPickle(new Pickle().global("collections", "OrderedDict").op(')', 0x81)), "NEWOBJ");
        refused(withPickle(new Pickle().op(']', ']', 'b')), "BUILD of a list");
        refused(withPickle(new Pickle().op('N', 'N', 'R')), "REDUCE calls a None");
        refused(withPickle(new Pickle().op('h', 7)), "memo key 7 was never stored");
        refused(withPickle(new Pickle().op('0')), "stack underflow");
        refused(withPickle(new Pickle().op('X', 0xff, 0xff, 0xff, 0x7f)), "runs past the end");
    }

    @Test
    void memoAndStackBombsStopAtTheirBounds() throws IOException {
        Pickle memo = new Pickle().op('N');
        for (int k = 0; k <= TorchUnpickler.MAX_MEMO; k++) memo.op('r').int32(k);
        refused(withPickle(memo), "memo bomb");
        Pickle marks = new Pickle();
        for (int k = 0; k <= TorchUnpickler.MAX_STACK; k++) marks.op('(');
        refused(withPickle(marks), "stack bomb");
        Pickle lists = new Pickle();
        for (int k = 0; k <= TorchUnpickler.MAX_STACK; k++) lists.op(']');
        refused(withPickle(lists), "stack bomb");
    }

    @Test
    void aListHoldingItselfIsRefusedWhenFlattened() throws IOException {
        Path f = withPickle(new Pickle().op('}').str("w").op(']', 'q', 0, 'h', 0, 'a', 's'));
        TorchFile.read(f); // reading alone is fine: the cycle is a value
        assertThrows(FileFormatException.class, () -> Brasa.load(f));
    }

    @Test
    void zipSlipNamesAreRefused() throws IOException {
        Path f = zip("slip.pt", "../../evil/data.pkl", new Pickle().op('N', '.').bytes());
        refused(f, "zip slip", "../../evil/data.pkl");
        refused(zip("abs.pt", "/etc/data.pkl", new byte[] {1}), "zip slip");
    }

    @Test
    void aZipBombIsRefusedBeforeInflating() throws IOException {
        Path f = tmp.resolve("bomb.pt");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 100; i++) z.write(zeros);
            z.closeEntry();
        }
        assertTrue(Files.size(f) < 1 << 20, "100 MB of zeros deflate to " + Files.size(f) + " bytes");
        refused(f, "claims 104857600 bytes; at most " + ZipReader.MAX_DEFLATED);
    }

    @Test
    void aStorageShorterThanItsTensorIsRefused() throws IOException {
        refused(withPickle(new Pickle().op('}').str("w").tensor("0", 3, 0, new long[] {4}, new long[] {1}).op('s')),
                "a storage shorter than its tensor");
        refused(withPickle(new Pickle().op('}').str("w").tensor("0", 3, 2, new long[] {2}, new long[] {1}).op('s')),
                "a storage shorter than its tensor");
        refused(withPickle(new Pickle().op('}').str("w").tensor("0", 3, 0, new long[] {2, 2}, new long[] {2, 1}).op('s')),
                "a storage shorter than its tensor");
    }

    @Test
    void elementCountsThatOverflowAreRefused() throws IOException {
        long big = Integer.MAX_VALUE;
        refused(withPickle(new Pickle().op('}').str("w").tensor("0", 3, 0, new long[] {big, big, big, big}, new long[] {0, 0, 0, 0}).op('s')),
                "more elements than a Brasa tensor holds");
        refused(withPickle(new Pickle().op('}').str("w").tensor("0", 3, 0, new long[] {-1}, new long[] {1}).op('s')),
                "sizes and strides must lie in");
        refused(withPickle(new Pickle().op('}').str("w").tensor("0", 3, -5, new long[] {1}, new long[] {1}).op('s')),
                "offset lies outside");
    }

    @Test
    void aClaimOfTenToTheEighteenBytesIsRefusedBeforeAllocating() throws IOException {
        refused(withPickle(new Pickle().op('}').str("w").tensor("0", 250_000_000_000_000_000L, 0, new long[] {1}, new long[] {1}).op('s')),
                "claims 250000000000000000 elements of FloatStorage (1000000000000000000 bytes) but its record holds 12 bytes");
        refused(withPickle(new Pickle().op('}').str("w").tensor("0", Long.MAX_VALUE, 0, new long[] {1}, new long[] {1}).op('s')),
                "more than 2^63");
        refused(withPickle(new Pickle().op('}').str("w").tensor("9", 3, 0, new long[] {1}, new long[] {1}).op('s')),
                "storage '9' has no record archive/data/9");
    }

    @Test
    void truncatedCorruptedAndForeignArchivesAreRefused() throws IOException {
        byte[] good = Files.readAllBytes(TorchFileTest.golden("sequential.pth"));
        Path cut = Files.write(tmp.resolve("cut.pth"), java.util.Arrays.copyOf(good, good.length / 2));
        refused(cut, "no zip end-of-central-directory record");
        byte[] flipped = good.clone();
        try (ZipReader z = ZipReader.open(TorchFileTest.golden("sequential.pth"))) {
            flipped[(int) z.dataStart(z.entry("sequential/data/0")) + 5] ^= 1; // a weight's bit
        }
        refused(Files.write(tmp.resolve("flipped.pth"), flipped), "fails its CRC-32 check");
        refused(zip("script.pt", "archive/data.pkl", new Pickle().op('N', '.').bytes(), "archive/constants.pkl", new byte[] {1},
                "archive/code/__torch__.py", new byte[] {1}), "TorchScript archive");
        refused(zip("other.zip", "readme.txt", new byte[] {1}), "without a <name>/data.pkl record");
    }
}
