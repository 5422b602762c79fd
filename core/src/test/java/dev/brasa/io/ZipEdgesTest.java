package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zip reader at the exact edges of every check, on archives built byte by byte: each limit is
 * tried at the value that must pass and one past it, each per-entry refusal on the second entry
 * (so the offset it names is checked), zip64 records and extras, entries with extra fields and
 * comments, deflated entries longer than one input window, and a stored entry longer than one
 * memory-mapped window.
 */
class ZipEdgesTest {
    @TempDir Path tmp;

    private static final int LOCAL = 0x04034b50, CENTRAL = 0x02014b50, EOCD = 0x06054b50, Z64 = 0x06064b50, LOCATOR = 0x07064b50;

    /** One central-directory record, every field settable. */
    static final class Rec {
        String name = "a";
        int flags, method, crc;
        long csize, usize, lho;
        byte[] extra = new byte[0], comment = new byte[0];

        byte[] bytes() {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = le(46 + n.length + extra.length + comment.length);
            b.putInt(CENTRAL).putShort((short) 20).putShort((short) 20).putShort((short) flags).putShort((short) method)
                    .putInt(0).putInt(crc).putInt((int) csize).putInt((int) usize).putShort((short) n.length)
                    .putShort((short) extra.length).putShort((short) comment.length).putShort((short) 0).putShort((short) 0)
                    .putInt(0).putInt((int) lho).put(n).put(extra).put(comment);
            return b.array();
        }
    }

    static ByteBuffer le(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    static byte[] local(String name, int method, int crc, long csize, long usize, int extraLen) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = le(30 + n.length + extraLen);
        b.putInt(LOCAL).putShort((short) 20).putShort((short) 0).putShort((short) method).putInt(0).putInt(crc)
                .putInt((int) csize).putInt((int) usize).putShort((short) n.length).putShort((short) extraLen).put(n);
        return b.array();
    }

    static byte[] eocd(long count, long dirSize, long dirOffset, int commentLen) {
        ByteBuffer b = le(22);
        b.putInt(EOCD).putShort((short) 0).putShort((short) 0).putShort((short) count).putShort((short) count)
                .putInt((int) dirSize).putInt((int) dirOffset).putShort((short) commentLen);
        return b.array();
    }

    static int crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return (int) c.getValue();
    }

    /** An archive of stored entries (name -> data), with each record passed through edit before it is written. */
    static final class Archive {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<Rec> recs = new ArrayList<>();

        Rec stored(String name, byte[] data) {
            Rec r = new Rec();
            r.name = name;
            r.crc = crc(data);
            r.csize = r.usize = data.length;
            r.lho = out.size();
            out.writeBytes(local(name, 0, r.crc, data.length, data.length, 0));
            out.writeBytes(data);
            recs.add(r);
            return r;
        }

        /** A deflated entry: its local header and packed bytes, and its record (sizes and CRC as given, to edit before finish). */
        Rec deflated(String name, byte[] packed, int crc, long usize) {
            Rec r = new Rec();
            r.name = name;
            r.method = 8;
            r.crc = crc;
            r.csize = packed.length;
            r.usize = usize;
            r.lho = out.size();
            out.writeBytes(local(name, 8, crc, packed.length, usize, 0));
            out.writeBytes(packed);
            recs.add(r);
            return r;
        }

        byte[] finish() {
            long dirOffset = out.size();
            for (Rec r : recs) out.writeBytes(r.bytes());
            out.writeBytes(eocd(recs.size(), out.size() - dirOffset, dirOffset, 0));
            return out.toByteArray();
        }

        /** Where the central record of entry i starts, once finish() was called with these records. */
        long recordAt(int i) {
            long p = out.size() - 22;
            for (Rec r : recs) p -= r.bytes().length;
            for (int k = 0; k < i; k++) p += recs.get(k).bytes().length;
            return p;
        }
    }

    private Path file(String name, byte[] b) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, b);
        return f;
    }

    private void refused(byte[] zip, String message, long offset) throws IOException {
        Path f = file("bad.zip", zip);
        FileFormatException e = assertThrows(FileFormatException.class, () -> ZipReader.open(f).close());
        assertTrue(e.getMessage().contains(message), "'" + message + "' in: " + e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
    }

    private List<String> names(byte[] zip) throws IOException {
        try (ZipReader z = ZipReader.open(file("ok.zip", zip))) {
            return z.entries().stream().map(ZipReader.Entry::name).toList();
        }
    }

    @Test
    void anEmptyArchiveOfTwentyTwoBytesOpensAndTwentyOneIsTooShort() throws IOException {
        assertEquals(List.of(), names(eocd(0, 0, 0, 0)));
        refused(new byte[21], "file of 21 bytes is too short for a zip archive", 0);
        refused(new byte[22], "no zip end-of-central-directory record", 22);
        ByteArrayOutputStream commented = new ByteArrayOutputStream();
        commented.writeBytes(eocd(0, 0, 0, 5));
        commented.writeBytes("hello".getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of(), names(commented.toByteArray()), "an archive comment after the end record");
    }

    @Test
    void theDirectoryMayEndExactlyAtTheFileEndButNotPastIt() throws IOException {
        assertEquals(List.of(), names(eocd(0, 0, 22, 0)), "directory offset == file size");
        refused(eocd(0, 0, 23, 0), "central directory of 0 entries, 0 bytes at offset 23 does not fit a file of 22 bytes", 0);
        assertEquals(List.of(), names(eocd(0, 22, 0, 0)), "directory size == file size - offset");
        refused(eocd(0, 23, 0, 0), "0 entries, 23 bytes at offset 0 does not fit", 0);
        refused(eocd(0, 1, 22, 0), "0 entries, 1 bytes at offset 22 does not fit", 0);
        byte[] pad = new byte[100];
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(pad);
        b.writeBytes(eocd(3, 100, 0, 0));
        refused(b.toByteArray(), "central directory of 3 entries, 100 bytes at offset 0", 100);
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        c.writeBytes(pad);
        c.writeBytes(eocd(2, 92, 0, 0));
        refused(c.toByteArray(), "bad central directory entry 0", 0);
    }

    @Test
    void entriesWithExtraFieldsAndCommentsAreWalkedRecordByRecord() throws IOException {
        Archive a = new Archive();
        Rec first = a.stored("first", "one".getBytes(StandardCharsets.US_ASCII));
        first.extra = le(11).putShort((short) 0xCAFE).putShort((short) 3).put(new byte[] {1, 2, 3}).putShort((short) 7).putShort((short) 9).array();
        first.comment = "note".getBytes(StandardCharsets.US_ASCII);
        Rec second = a.stored("dir/second", "two!".getBytes(StandardCharsets.US_ASCII));
        second.comment = "c".getBytes(StandardCharsets.US_ASCII);
        Path f = file("x.zip", a.finish());
        try (ZipReader z = ZipReader.open(f)) {
            assertEquals(List.of("first", "dir/second"), z.entries().stream().map(ZipReader.Entry::name).toList());
            assertEquals("one", new String(z.readAll(z.entry("first"), 3), StandardCharsets.US_ASCII));
            assertEquals("two!", new String(z.readAll(z.entry("dir/second"), 4), StandardCharsets.US_ASCII));
            FileFormatException e = assertThrows(FileFormatException.class, () -> z.readAll(z.entry("dir/second"), 3));
            assertTrue(e.getMessage().contains("zip entry 'dir/second' of 4 bytes is larger than the 3 allowed"), e.getMessage());
        }
    }

    @Test
    void aRecordRunningPastTheDirectoryByItsNameExtraOrCommentIsRefused() throws IOException {
        for (String part : List.of("name", "extra", "comment")) {
            Archive a = new Archive();
            a.stored("ok", new byte[] {1});
            Rec r = a.stored("bb", new byte[] {2});
            byte[] whole = a.finish();
            long at = a.recordAt(1);
            int field = switch (part) { case "name" -> 28; case "extra" -> 30; default -> 32; };
            ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN).putShort((int) at + field, (short) (part.equals("name") ? 3 : 1));
            refused(whole, "central directory entry 1 runs past the directory", at);
        }
    }

    @Test
    void zip64ExtrasGiveTheRealSizesAndOffset() throws IOException {
        byte[] data = "zip64 entry".getBytes(StandardCharsets.US_ASCII);
        for (int variant = 0; variant < 3; variant++) {
            Archive a = new Archive();
            a.stored("pad", new byte[7]);
            Rec r = a.stored("big", data);
            long realLho = r.lho;
            ByteBuffer x;
            if (variant == 0) { // all three in the extra
                r.usize = r.csize = r.lho = 0xFFFFFFFFL;
                x = le(28).putShort((short) 1).putShort((short) 24).putLong(data.length).putLong(data.length).putLong(realLho);
            } else if (variant == 1) { // only the offset
                r.lho = 0xFFFFFFFFL;
                x = le(12).putShort((short) 1).putShort((short) 8).putLong(realLho);
            } else { // sizes in the extra, after an unrelated field; a truncated trailing field is ignored
                r.usize = r.csize = 0xFFFFFFFFL;
                x = le(4 + 2 + 20 + 4).putShort((short) 0x7075).putShort((short) 2).putShort((short) 0)
                        .putShort((short) 1).putShort((short) 16).putLong(data.length).putLong(data.length)
                        .putShort((short) 9).putShort((short) 99);
            }
            r.extra = x.array();
            try (ZipReader z = ZipReader.open(file("z64.zip", a.finish()))) {
                ZipReader.Entry e = z.entry("big");
                assertEquals(new ZipReader.Entry("big", 0, crc(data), data.length, data.length, realLho), e, "variant " + variant);
                assertArrayEquals(data, z.readAll(e, 100));
            }
        }
    }

    /** An archive whose end record says "see zip64", with the zip64 record and locator before it. */
    private static byte[] zip64Archive(Archive a, boolean badLocator, boolean badRecord) {
        long dirOffset = a.out.size();
        for (Rec r : a.recs) a.out.writeBytes(r.bytes());
        long dirSize = a.out.size() - dirOffset;
        long z64At = a.out.size();
        a.out.writeBytes(le(56).putInt(badRecord ? 0x12345678 : Z64).putLong(44).putShort((short) 45).putShort((short) 45)
                .putInt(0).putInt(0).putLong(a.recs.size()).putLong(a.recs.size()).putLong(dirSize).putLong(dirOffset).array());
        a.out.writeBytes(le(20).putInt(badLocator ? 0x01020304 : LOCATOR).putInt(0).putLong(z64At).putInt(1).array());
        a.out.writeBytes(eocd(0xFFFF, 0xFFFFFFFFL, 0xFFFFFFFFL, 0));
        return a.out.toByteArray();
    }

    @Test
    void zip64EndRecordsAreFollowedAndCheckedAtTheirEdges() throws IOException {
        Archive a = new Archive();
        a.stored("w", new byte[] {9, 8});
        assertEquals(List.of("w"), names(zip64Archive(a, false, false)));
        Archive b = new Archive();
        b.stored("w", new byte[] {9, 8});
        byte[] bad = zip64Archive(b, true, false);
        refused(bad, "zip64 archive without a zip64 locator", bad.length - 22 - 20);
        Archive c = new Archive();
        c.stored("w", new byte[] {9, 8});
        byte[] badRec = zip64Archive(c, false, true);
        refused(badRec, "bad zip64 end-of-central-directory record", badRec.length - 22 - 20 - 56);
        refused(eocd(0xFFFF, 0, 0, 0), "zip64 archive without a zip64 locator", 0);
        ByteArrayOutputStream nineteen = new ByteArrayOutputStream();
        nineteen.writeBytes(new byte[19]);
        nineteen.writeBytes(eocd(0xFFFF, 0, 0, 0));
        refused(nineteen.toByteArray(), "zip64 archive without a zip64 locator", 19);
        // the locator in the first 20 bytes, the zip64 record in the end record's comment: eocd at offset exactly 20
        ByteArrayOutputStream edge = new ByteArrayOutputStream();
        edge.writeBytes(le(20).putInt(LOCATOR).putInt(0).putLong(42).putInt(1).array());
        edge.writeBytes(eocd(0xFFFF, 0xFFFFFFFFL, 0xFFFFFFFFL, 56));
        edge.writeBytes(le(56).putInt(Z64).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                .putLong(0).putLong(0).putLong(0).putLong(98).array());
        assertEquals(List.of(), names(edge.toByteArray()));
    }

    /**
     * A zip64 extra shorter than the fields the record leaves to it: only what it holds is read, never
     * the bytes after it (here a comment holding plausible sizes), so the record stays refused.
     */
    @Test
    void aZip64ExtraIsReadOnlyAsFarAsItReaches() throws IOException {
        byte[] data = "twelve bytes".getBytes(StandardCharsets.US_ASCII);
        for (int claimed : new int[] {8, 16}) { // an extra of 8 bytes that says so, and one that claims 16
            Archive a = new Archive();
            Rec r = a.stored("big", data);
            r.usize = r.csize = r.lho = 0xFFFFFFFFL;
            r.extra = le(12).putShort((short) 1).putShort((short) claimed).putLong(data.length).array();
            r.comment = le(16).putLong(data.length).putLong(0).array(); // csize and offset, had the extra gone on
            byte[] zip = a.finish();
            refused(zip, "zip entry 'big' claims 4294967295 bytes at offset 4294967295 in a file of " + zip.length + " bytes", a.recordAt(0));
        }
    }

    /**
     * A zip64 directory may announce exactly MAX_ENTRIES records (2^20, 48 MiB of directory): the count is
     * let through and the records are read (here zeros, so the first is bad); one more is refused unread.
     */
    @Test
    void aDirectoryMayAnnounceExactlyTheMostEntries() throws IOException {
        for (long count : new long[] {ZipReader.MAX_ENTRIES, ZipReader.MAX_ENTRIES + 1}) {
            Path f = tmp.resolve("many.zip");
            Files.deleteIfExists(f);
            long dirSize = 46 * count;
            try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
                raf.setLength(dirSize); // a directory of zeros (sparse: nothing written)
                raf.seek(dirSize);
                raf.write(le(56).putInt(Z64).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                        .putLong(count).putLong(count).putLong(dirSize).putLong(0).array());
                raf.write(le(20).putInt(LOCATOR).putInt(0).putLong(dirSize).putInt(1).array());
                raf.write(eocd(0xFFFF, 0xFFFFFFFFL, 0xFFFFFFFFL, 0));
            }
            FileFormatException e = assertThrows(FileFormatException.class, () -> ZipReader.open(f).close());
            String want = count == ZipReader.MAX_ENTRIES ? "bad central directory entry 0" : "central directory of 1048577 entries";
            assertTrue(e.getMessage().contains(want), e.getMessage());
        }
    }

    /** The size a zip64 extra leaves out is not taken from the bytes after it; a zip64 record after an odd-length field is found. */
    @Test
    void zip64SizesComeFromTheRecordAndOnlyFromIt() throws IOException {
        byte[] data = "twelve bytes".getBytes(StandardCharsets.US_ASCII);
        Archive a = new Archive();
        Rec r = a.stored("big", data);
        r.usize = 0xFFFFFFFFL;
        r.extra = le(4).putShort((short) 1).putShort((short) 0).array(); // a zip64 record holding nothing
        r.comment = le(8).putLong(data.length).array();
        byte[] zip = a.finish();
        refused(zip, "stored zip entry 'big' has size 4294967295 but 12 stored bytes", a.recordAt(0));
        Archive b = new Archive();
        Rec s = b.stored("big", data);
        s.usize = s.csize = 0xFFFFFFFFL;
        s.extra = le(9 + 20).putShort((short) 0x5455).putShort((short) 5).put(new byte[] {1, 2, 3, 4, 5}) // a 5-byte timestamp field
                .putShort((short) 1).putShort((short) 16).putLong(data.length).putLong(data.length).array();
        try (ZipReader z = ZipReader.open(file("odd.zip", b.finish()))) {
            assertArrayEquals(data, z.readAll(z.entry("big"), 100));
        }
    }

    /** A deflated entry may claim exactly the most the reader inflates, and not a byte more. */
    @Test
    void aDeflatedEntryMayClaimExactlyTheLimit() throws IOException {
        for (long claim : new long[] {ZipReader.MAX_DEFLATED, ZipReader.MAX_DEFLATED + 1}) {
            Archive a = new Archive();
            a.deflated("d", new byte[65100], 0, claim); // enough compressed bytes for the claim at deflate's best ratio
            byte[] zip = a.finish();
            if (claim == ZipReader.MAX_DEFLATED) assertEquals(List.of("d"), names(zip));
            else refused(zip, "deflated zip entry 'd' claims 67108865 bytes; at most 67108864 are inflated", a.recordAt(0));
        }
    }

    /** A deflated entry whose size only its zip64 extra gives (the compressed size fits the record). */
    @Test
    void aZip64ExtraWithOnlyTheSizeGivesTheSize() throws IOException {
        byte[] data = "hello hello hello hello".getBytes(StandardCharsets.US_ASCII);
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[100];
        byte[] packed = java.util.Arrays.copyOf(buf, d.deflate(buf));
        d.end();
        Archive a = new Archive();
        Rec r = a.deflated("d", packed, crc(data), data.length);
        r.usize = 0xFFFFFFFFL; // in the record: see the zip64 extra
        r.extra = le(12).putShort((short) 1).putShort((short) 8).putLong(data.length).array();
        try (ZipReader z = ZipReader.open(file("size.zip", a.finish()))) {
            assertArrayEquals(data, z.readAll(z.entry("d"), 100));
        }
    }

    @Test
    void structuresPointedPastTheEndAndRecordsCutShortAreRefusedWhereTheyStart() throws IOException {
        Archive a = new Archive();
        a.stored("w", new byte[] {9, 8});
        byte[] zip = zip64Archive(a, false, false);
        long locator = zip.length - 22 - 20;
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putLong((int) locator + 8, zip.length - 10); // the zip64 record: 10 bytes before the end
        refused(zip, "zip structure of 56 bytes runs past the end of the " + zip.length + "-byte file", zip.length - 10);
        Archive b = new Archive(); // two records announced in 100 bytes; the first takes 98
        Rec r = b.stored("n".repeat(52), new byte[0]);
        long dirOffset = b.out.size();
        b.out.writeBytes(r.bytes());
        b.out.writeBytes(new byte[2]);
        b.out.writeBytes(eocd(2, 100, dirOffset, 0));
        refused(b.out.toByteArray(), "bad central directory entry 1", dirOffset + 98);
    }

    @Test
    void eachPerEntryRefusalNamesTheSecondEntrysRecord() throws IOException {
        record Bad(String message, java.util.function.Consumer<Rec> edit) {}
        List<Bad> cases = List.of(
                new Bad("zip entry 'bb' is encrypted", r -> r.flags = 1),
                new Bad("zip entry 'bb' uses compression method 12 (only stored and deflated are read)", r -> r.method = 12),
                new Bad("zip entry 'bb' claims 1 bytes at offset 999999", r -> r.lho = 999999),
                new Bad("stored zip entry 'bb' has size 2 but 1 stored bytes", r -> r.usize = 2),
                new Bad("deflated zip entry 'bb' claims " + (ZipReader.MAX_DEFLATED + 1) + " bytes; at most " + ZipReader.MAX_DEFLATED,
                        r -> { r.method = 8; r.usize = ZipReader.MAX_DEFLATED + 1; }),
                new Bad("zip entry 'bb' claims 2057 bytes from 1 deflated bytes, more than deflate can produce (a zip bomb)",
                        r -> { r.method = 8; r.usize = 1032 + 1024 + 1; }),
                new Bad("zip entry 'ok' appears twice", r -> r.name = "ok"),
                new Bad("zip entry name '\0b' points outside the archive (zip slip)", r -> r.name = "\0b"),
                new Bad("zip entry name '' points outside the archive (zip slip)", r -> r.name = ""));
        for (Bad c : cases) {
            Archive a = new Archive();
            a.stored("ok", new byte[] {1});
            c.edit.accept(a.stored("bb", new byte[] {2}));
            byte[] zip = a.finish();
            refused(zip, c.message, a.recordAt(1));
        }
        Archive fine = new Archive();
        fine.stored("ok", new byte[] {1});
        Rec r = fine.stored("bb", new byte[] {2});
        r.method = 8;
        r.usize = 1032 + 1024;
        assertEquals(List.of("ok", "bb"), names(fine.finish()), "exactly the deflate limit is accepted when opening");
    }

    @Test
    void anEntryMayEndExactlyAtTheFileEnd() throws IOException {
        // the same two-entry layout each time; only the second record's claims change
        Archive b = new Archive();
        b.stored("ok", new byte[] {1});
        Rec q = b.stored("bb", new byte[] {2});
        long lho = q.lho;
        byte[] probe = b.finish();
        long total = probe.length;
        Archive c = new Archive();
        c.stored("ok", new byte[] {1});
        Rec s = c.stored("bb", new byte[] {2});
        // every byte from the end of the local header to the end of the file: opens, but the header's name moves the data
        s.csize = s.usize = total - lho - 30;
        Path f = file("end.zip", c.finish());
        try (ZipReader z = ZipReader.open(f)) {
            ZipReader.Entry e = z.entry("bb");
            FileFormatException x = assertThrows(FileFormatException.class, () -> z.readAll(e, Integer.MAX_VALUE - 8));
            assertTrue(x.getMessage().contains("runs past the end of the file"), "the local header's name moves the data: " + x.getMessage());
        }
        Archive d = new Archive();
        d.stored("ok", new byte[] {1});
        Rec t = d.stored("bb", new byte[] {2});
        // every byte from the data to the end of the file: read to the last byte (the CRC then fails)
        t.csize = t.usize = total - lho - 30 - 2;
        try (ZipReader z = ZipReader.open(file("end2.zip", d.finish()))) {
            ZipReader.Entry e = z.entry("bb");
            FileFormatException x = assertThrows(FileFormatException.class, () -> z.readAll(e, Integer.MAX_VALUE - 8));
            assertTrue(x.getMessage().contains("fails its CRC-32 check"), "data up to the last byte is read: " + x.getMessage());
        }
        Archive g = new Archive();
        g.stored("ok", new byte[] {1});
        Rec u = g.stored("bb", new byte[] {2});
        u.csize = u.usize = total - lho - 30 + 1;
        refused(g.finish(), "zip entry 'bb' claims " + (total - lho - 29) + " bytes at offset " + lho, g.recordAt(1));
        Archive h = new Archive();
        h.stored("ok", new byte[] {1});
        Rec v = h.stored("bb", new byte[] {2});
        v.csize = v.usize = 0;
        v.crc = 0;
        v.lho = total - 30;
        assertEquals(List.of("ok", "bb"), names(h.finish()), "a header in the last 30 bytes");
        Archive k = new Archive();
        k.stored("ok", new byte[] {1});
        Rec w = k.stored("bb", new byte[] {2});
        w.csize = w.usize = 0;
        w.lho = total - 29;
        refused(k.finish(), "zip entry 'bb' claims 0 bytes at offset " + (total - 29), k.recordAt(1));
    }

    @Test
    void aDeflatedEntryLongerThanOneInputWindowInflatesWhole() throws IOException {
        byte[] data = new byte[300_000];
        new Random(5).nextBytes(data); // incompressible: about 300 KB of deflate input, five 64 KB windows
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length + 1024];
        int n = d.deflate(buf);
        d.end();
        assertTrue(n > 4 * 65536, "deflated to " + n);
        byte[] packed = java.util.Arrays.copyOf(buf, n);
        for (int claim : new int[] {data.length, data.length - 1, data.length + 1}) {
            for (int stored : new int[] {n, n - 1}) {
                Archive a = new Archive();
                a.stored("pad", new byte[3]);
                Rec r = a.deflated("d", java.util.Arrays.copyOf(packed, stored), crc(data), claim);
                try (ZipReader z = ZipReader.open(file("deflated.zip", a.finish()))) {
                    ZipReader.Entry e = z.entry("d");
                    if (claim == data.length && stored == n) {
                        assertArrayEquals(data, z.readAll(e, data.length));
                    } else {
                        FileFormatException x = assertThrows(FileFormatException.class, () -> z.readAll(e, Integer.MAX_VALUE - 8));
                        String want = claim < data.length && stored == n ? "deflated zip entry 'd' inflates to more than the " + claim + " bytes it claims"
                                : "deflated zip entry 'd' does not hold the " + claim + " bytes it claims";
                        assertTrue(x.getMessage().contains(want), claim + "/" + stored + ": " + x.getMessage());
                        assertEquals(r.lho + 31, x.offset());
                    }
                }
            }
        }
    }

    @Test
    void aStoredEntryLongerThanOneMappedWindowIsReadInOrder() throws IOException {
        int size = (1 << 26) + 24;
        Path f = tmp.resolve("window.zip");
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.position(30 + 1);
            for (int done = 0; done < size; ) {
                int n = Math.min(chunk.length, size - done);
                for (int i = 0; i < n; i++) chunk[i] = (byte) ((done + i) * 31 >>> 3);
                crc.update(chunk, 0, n);
                ch.write(ByteBuffer.wrap(chunk, 0, n));
                done += n;
            }
            ch.write(ByteBuffer.wrap(local("w", 0, (int) crc.getValue(), size, size, 0)), 0);
            Rec r = new Rec();
            r.name = "w";
            r.crc = (int) crc.getValue();
            r.csize = r.usize = size;
            long dirOffset = ch.size();
            byte[] rec = r.bytes();
            ch.write(ByteBuffer.wrap(rec), dirOffset);
            ch.write(ByteBuffer.wrap(eocd(1, rec.length, dirOffset, 0)), dirOffset + rec.length);
        }
        try (ZipReader z = ZipReader.open(f)) {
            List<Integer> windows = new ArrayList<>();
            long[] pos = {0};
            int[] wrong = {0};
            z.read(z.entry("w"), b -> {
                windows.add(b.remaining());
                while (b.hasRemaining()) {
                    if (b.get() != (byte) ((pos[0]) * 31 >>> 3)) wrong[0]++;
                    pos[0]++;
                }
            });
            assertEquals(List.of(1 << 26, 24), windows);
            assertEquals(0, wrong[0], "bytes out of place");
        }
    }

    /** Raw deflate stored blocks: final flag, then LEN and NLEN, then the bytes (the header starts on a byte). */
    private static void storedBlock(ByteArrayOutputStream out, boolean last, byte[] data) {
        out.write(last ? 1 : 0);
        out.writeBytes(le(4).putShort((short) data.length).putShort((short) ~data.length).array());
        out.writeBytes(data);
    }

    /** An archive holding one deflated entry "d" of these deflate bytes, claiming usize bytes with this CRC. */
    private static byte[] deflatedArchive(byte[] packed, byte[] data) {
        Archive a = new Archive();
        a.deflated("d", packed, crc(data), data.length);
        return a.finish();
    }

    /**
     * Deflate streams cut at awkward places by the reader's 64 KB input windows, built block by block:
     * the output fills up one window before the final (empty) block arrives, and a whole window of empty
     * blocks that yields no output at all before the data goes on.
     */
    @Test
    void deflateStreamsThatPauseAtAWindowsEdgeInflateWhole() throws IOException {
        byte[] first = new byte[65531]; // with its 5-byte header, exactly the first window
        new Random(8).nextBytes(first);
        ByteArrayOutputStream late = new ByteArrayOutputStream();
        storedBlock(late, false, first);
        storedBlock(late, true, new byte[0]); // the end of the stream, alone in the second window
        try (ZipReader z = ZipReader.open(file("late-end.zip", deflatedArchive(late.toByteArray(), first)))) {
            assertArrayEquals(first, z.readAll(z.entry("d"), first.length));
        }
        ByteArrayOutputStream idle = new ByteArrayOutputStream();
        storedBlock(idle, false, first);
        for (int i = 0; i < 13107; i++) storedBlock(idle, false, new byte[0]); // 65535 bytes that inflate to nothing
        byte[] tail = {1, 2, 3, 4, 5, 6, 7};
        storedBlock(idle, true, tail); // its header byte ends the second window, its lengths and bytes are the third
        byte[] data = java.util.Arrays.copyOf(first, first.length + tail.length);
        System.arraycopy(tail, 0, data, first.length, tail.length);
        try (ZipReader z = ZipReader.open(file("idle.zip", deflatedArchive(idle.toByteArray(), data)))) {
            assertArrayEquals(data, z.readAll(z.entry("d"), data.length));
        }
    }

    /** An archive written by ZipWriter with zip64 records from zip64From up, of entries name -> size zero bytes. */
    private byte[] written(long zip64From, String[] names, int[] sizes) throws IOException {
        Path f = tmp.resolve("w.zip");
        AtomicWrite.write(f, ch -> {
            ZipWriter z = new ZipWriter(ch, zip64From);
            for (int i = 0; i < names.length; i++) z.add(names[i], new byte[sizes[i]]);
            z.finish();
        });
        byte[] b = Files.readAllBytes(f);
        try (ZipReader r = ZipReader.open(f)) { // readable whichever records it took
            for (int i = 0; i < names.length; i++) assertEquals(sizes[i], r.readAll(r.entry(names[i]), sizes[i]).length);
        }
        return b;
    }

    /** Where each entry's local header, data and central record start, and the directory's start and size. */
    private record Layout(long[] local, long[] data, long[] central, long dirStart, long dirSize, boolean z64End) {}

    private static Layout layout(byte[] zip, int n) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        long[] local = new long[n], data = new long[n], central = new long[n];
        int p = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(LOCAL, b.getInt(p));
            local[i] = p;
            boolean z64 = b.getInt(p + 18) == -1;
            long size = z64 ? b.getLong(p + 30 + (b.getShort(p + 26) & 0xFFFF) + 4) : b.getInt(p + 18) & 0xFFFFFFFFL;
            data[i] = p + 30 + (b.getShort(p + 26) & 0xFFFF) + (b.getShort(p + 28) & 0xFFFF);
            p = (int) (data[i] + size);
        }
        long dirStart = p;
        for (int i = 0; i < n; i++) {
            assertEquals(CENTRAL, b.getInt(p));
            central[i] = p;
            p += 46 + (b.getShort(p + 28) & 0xFFFF) + (b.getShort(p + 30) & 0xFFFF) + (b.getShort(p + 32) & 0xFFFF);
        }
        return new Layout(local, data, central, dirStart, p - dirStart, b.getInt(p) == Z64);
    }

    /** "Version needed" 45 marks a record that carries zip64 fields. */
    private static boolean z64(byte[] zip, long at, int versionAt) {
        return ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getShort((int) at + versionAt) == 45;
    }

    /**
     * The writer takes zip64 records exactly from its limit up (0xFFFFFFFF in a real file, lowered here):
     * an entry's size, its offset, the directory's start and size, and the entry count 65535; every
     * entry's data starts on a 64-byte boundary, as PyTorch's writer aligns it.
     */
    @Test
    void theWriterTakesZip64RecordsExactlyFromItsLimit() throws IOException {
        String[] names = new String[10];
        int[] sizes = new int[10];
        for (int i = 0; i < 10; i++) names[i] = String.format("%030d", i); // 30 + 30 + 4: 64-byte local headers, no padding
        Layout plain = layout(written(Long.MAX_VALUE, names, sizes), 10);
        assertEquals(640, plain.dirStart());
        assertEquals(760, plain.dirSize());
        assertTrue(!plain.z64End() && !z64(written(761, names, sizes), 0, 4), "below every limit: no zip64 at all");
        assertTrue(layout(written(760, names, sizes), 10).z64End(), "a directory of exactly the limit's size");
        int[] full = new int[10];
        java.util.Arrays.fill(full, 1024); // 64 + 1024 bytes an entry: the directory starts at 10880 and is 760 bytes long
        Layout heavy = layout(written(Long.MAX_VALUE, names, full), 10);
        assertEquals(10880, heavy.dirStart());
        assertTrue(!layout(written(10881, names, full), 10).z64End() && layout(written(10880, names, full), 10).z64End(),
                "a directory starting exactly at the limit");
        byte[] offsets = written(576, names, sizes); // the last entry's header starts at 9 x 64 = 576
        Layout o = layout(offsets, 10);
        assertTrue(z64(offsets, o.central()[9], 6) && !z64(offsets, o.central()[8], 6), "the entry at exactly the limit, not the one before");
        assertTrue(!z64(offsets, o.local()[9], 4), "a local header knows no offset");
        int[] grown = {99, 100, 101};
        String[] three = {"a", "b", "c"};
        byte[] bySize = written(100, three, grown);
        Layout s = layout(bySize, 3);
        assertTrue(!z64(bySize, s.local()[0], 4) && z64(bySize, s.local()[1], 4) && z64(bySize, s.local()[2], 4), "sizes 99, 100, 101 against 100");
        for (long d : s.data()) assertEquals(0, d % 64, "data at " + d);
        for (int size : new int[] {99, 100}) { // the first entry, at offset 0: only its size decides its central record
            byte[] one = written(100, new String[] {"a"}, new int[] {size});
            assertEquals(size == 100, z64(one, layout(one, 1).central()[0], 6), "central record of " + size + " bytes");
        }
        for (long d : layout(written(0, three, grown), 3).data()) assertEquals(0, d % 64, "zip64 data at " + d);
    }

    @Test
    void theWriterTakesAZip64EndFrom65535Entries() throws IOException {
        for (int n : new int[] {65534, 65535}) {
            String[] names = new String[n];
            for (int i = 0; i < n; i++) names[i] = Integer.toString(i);
            byte[] zip = written(Long.MAX_VALUE, names, new int[n]);
            assertEquals(n == 65535, layout(zip, n).z64End(), n + " entries");
        }
    }

    @Test
    void theReaderClosesItsFileWhenClosed() throws IOException {
        Archive a = new Archive();
        a.stored("x", new byte[] {1, 2, 3});
        Path f = file("open.zip", a.finish());
        try (ZipReader z = ZipReader.open(f)) {
            assertArrayEquals(new byte[] {1, 2, 3}, z.readAll(z.entry("x"), 3));
            if (Files.isDirectory(Path.of("/proc/self/fd"))) assertEquals(1, openDescriptorsTo(f), "open while in use");
        }
        assertEquals(0, openDescriptorsTo(f), "closed with the reader");
    }

    @Test
    void theReaderClosesItsFileWhenOpeningFails() throws IOException {
        Path f = file("closed.zip", new byte[40]);
        for (int i = 0; i < 3; i++) assertThrows(FileFormatException.class, () -> ZipReader.open(f));
        Files.delete(f); // still works on every OS only when no channel is left open; checked on Linux below
        assertTrue(openDescriptorsTo(f) == 0);
    }

    private static long openDescriptorsTo(Path f) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) return 0;
        try (var s = Files.list(fds)) {
            return s.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().startsWith(f.toString());
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }
}
