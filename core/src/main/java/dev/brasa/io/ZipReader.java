package dev.brasa.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads the zip archives {@code torch.save} writes, from the central directory (zip64 included),
 * checking every size and offset against the file before it allocates. Only stored (the
 * {@code torch.save} way) and deflated entries are read; a deflated entry may claim at most
 * {@link #MAX_DEFLATED} bytes and no more than deflate can produce from its bytes (a zip bomb is
 * refused before inflating). Entry names that
 * climb out of the archive ({@code ..}, absolute paths, backslashes) are refused. Stored entries are
 * read through a memory mapping of the file, a window at a time.
 */
final class ZipReader implements Closeable {
    /** One entry of the central directory. */
    record Entry(String name, int method, int crc, long compressedSize, long size, long headerOffset) {}

    /** Most entries accepted (each is at least 46 bytes of central directory anyway). */
    static final int MAX_ENTRIES = 1 << 20;
    /** Deflate turns one byte into at most 1032 bytes; a claim beyond this ratio is a zip bomb. */
    private static final long MAX_DEFLATE_RATIO = 1032;
    /** Largest deflated entry inflated: torch.save stores every record uncompressed, so only a re-zipped file has one. */
    static final long MAX_DEFLATED = 64L << 20;
    /** Window of a memory-mapped read. */
    private static final int WINDOW = 1 << 26;

    private final Path file;
    private final FileChannel ch;
    private final long size;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private ZipReader(Path file, FileChannel ch) throws IOException {
        this.file = file;
        this.ch = ch;
        this.size = ch.size();
    }

    /** Opens file and reads its central directory; fails with a {@link FileFormatException} if it is not a zip. */
    static ZipReader open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ZipReader z = new ZipReader(file, ch);
            z.readDirectory();
            return z;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The entries in central-directory order. */
    Collection<Entry> entries() { return entries.values(); }

    /** The entry called name, or null. */
    Entry entry(String name) { return entries.get(name); }

    Path file() { return file; }

    @Override public void close() throws IOException { ch.close(); }

    private FileFormatException error(long offset, String msg) { return new FileFormatException(file, offset, msg); }

    private ByteBuffer read(long pos, int n) throws IOException {
        if (pos < 0 || n < 0 || pos > size - n) throw error(pos, "zip structure of " + n + " bytes runs past the end of the " + size + "-byte file");
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        long p = pos;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) throw error(p, "unexpected end of file");
            p += r;
        }
        return b.flip();
    }

    private void readDirectory() throws IOException {
        if (size < 22) throw error(0, "file of " + size + " bytes is too short for a zip archive");
        int tail = (int) Math.min(size, 22 + 65535);
        ByteBuffer t = read(size - tail, tail);
        int eocd = -1;
        for (int i = tail - 22; i >= 0; i--) {
            if (t.getInt(i) == 0x06054b50) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) throw error(size, "no zip end-of-central-directory record");
        long eocdPos = size - tail + eocd;
        long count = t.getShort(eocd + 10) & 0xFFFF;
        long dirSize = t.getInt(eocd + 12) & 0xFFFFFFFFL;
        long dirOffset = t.getInt(eocd + 16) & 0xFFFFFFFFL;
        if (count == 0xFFFF || dirSize == 0xFFFFFFFFL || dirOffset == 0xFFFFFFFFL) {
            if (eocdPos < 20) throw error(eocdPos, "zip64 archive without a zip64 locator");
            ByteBuffer loc = read(eocdPos - 20, 20);
            if (loc.getInt(0) != 0x07064b50) throw error(eocdPos - 20, "zip64 archive without a zip64 locator");
            long z64 = loc.getLong(8);
            ByteBuffer r = read(z64, 56);
            if (r.getInt(0) != 0x06064b50) throw error(z64, "bad zip64 end-of-central-directory record");
            count = r.getLong(32);
            dirSize = r.getLong(40);
            dirOffset = r.getLong(48);
        }
        if (count < 0 || count > MAX_ENTRIES || dirSize < 0 || dirOffset < 0 || dirOffset > size || dirSize > size - dirOffset
                || count * 46 > dirSize) {
            throw error(eocdPos, "central directory of " + count + " entries, " + dirSize + " bytes at offset " + dirOffset
                    + " does not fit a file of " + size + " bytes");
        }
        ByteBuffer d = read(dirOffset, (int) Math.min(dirSize, Integer.MAX_VALUE - 8));
        int p = 0;
        for (long i = 0; i < count; i++) {
            if (p > d.limit() - 46 || d.getInt(p) != 0x02014b50) throw error(dirOffset + p, "bad central directory entry " + i);
            int flags = d.getShort(p + 8) & 0xFFFF;
            int method = d.getShort(p + 10) & 0xFFFF;
            int crc = d.getInt(p + 16);
            long csize = d.getInt(p + 20) & 0xFFFFFFFFL;
            long usize = d.getInt(p + 24) & 0xFFFFFFFFL;
            int nameLen = d.getShort(p + 28) & 0xFFFF, extraLen = d.getShort(p + 30) & 0xFFFF, commentLen = d.getShort(p + 32) & 0xFFFF;
            long lho = d.getInt(p + 42) & 0xFFFFFFFFL;
            if (p + 46L + nameLen + extraLen + commentLen > d.limit()) throw error(dirOffset + p, "central directory entry " + i + " runs past the directory");
            byte[] nb = new byte[nameLen];
            d.get(p + 46, nb);
            String name = new String(nb, StandardCharsets.UTF_8);
            int x = p + 46 + nameLen, xEnd = x + extraLen;
            while (x + 4 <= xEnd) {
                int id = d.getShort(x) & 0xFFFF, len = d.getShort(x + 2) & 0xFFFF;
                if (x + 4 + len > xEnd) break;
                if (id == 0x0001) {
                    int q = x + 4, qEnd = q + len;
                    if (usize == 0xFFFFFFFFL && q + 8 <= qEnd) { usize = d.getLong(q); q += 8; }
                    if (csize == 0xFFFFFFFFL && q + 8 <= qEnd) { csize = d.getLong(q); q += 8; }
                    if (lho == 0xFFFFFFFFL && q + 8 <= qEnd) lho = d.getLong(q);
                }
                x += 4 + len;
            }
            checkName(name, dirOffset + p);
            if ((flags & 1) != 0) throw error(dirOffset + p, "zip entry '" + name + "' is encrypted");
            if (method != 0 && method != 8) throw error(dirOffset + p, "zip entry '" + name + "' uses compression method " + method + " (only stored and deflated are read)");
            if (csize < 0 || usize < 0 || lho < 0 || lho > size - 30 || csize > size - lho - 30) {
                throw error(dirOffset + p, "zip entry '" + name + "' claims " + csize + " bytes at offset " + lho + " in a file of " + size + " bytes");
            }
            if (method == 0 && csize != usize) throw error(dirOffset + p, "stored zip entry '" + name + "' has size " + usize + " but " + csize + " stored bytes");
            if (method == 8 && usize > MAX_DEFLATED) {
                throw error(dirOffset + p, "deflated zip entry '" + name + "' claims " + usize + " bytes; at most " + MAX_DEFLATED
                        + " are inflated (torch.save stores records uncompressed)");
            }
            if (method == 8 && usize > csize * MAX_DEFLATE_RATIO + 1024) {
                throw error(dirOffset + p, "zip entry '" + name + "' claims " + usize + " bytes from " + csize + " deflated bytes, more than deflate can produce (a zip bomb)");
            }
            if (entries.put(name, new Entry(name, method, crc, csize, usize, lho)) != null) {
                throw error(dirOffset + p, "zip entry '" + name + "' appears twice");
            }
            p += 46 + nameLen + extraLen + commentLen;
        }
    }

    private void checkName(String name, long offset) throws FileFormatException {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0 || name.contains(":")
                || ("/" + name + "/").contains("/../")) {
            throw error(offset, "zip entry name '" + name + "' points outside the archive (zip slip)");
        }
    }

    /** Where entry e's bytes start: after its local header. */
    long dataStart(Entry e) throws IOException {
        ByteBuffer h = read(e.headerOffset(), 30);
        if (h.getInt(0) != 0x04034b50) throw error(e.headerOffset(), "bad local header for zip entry '" + e.name() + "'");
        long start = e.headerOffset() + 30 + (h.getShort(26) & 0xFFFF) + (h.getShort(28) & 0xFFFF);
        if (start > size - e.compressedSize()) {
            throw error(e.headerOffset(), "zip entry '" + e.name() + "' of " + e.compressedSize() + " bytes runs past the end of the file");
        }
        return start;
    }

    /** The whole entry in memory (for records such as data.pkl); refused when larger than max bytes. */
    byte[] readAll(Entry e, int max) throws IOException {
        if (e.size() > max) throw error(e.headerOffset(), "zip entry '" + e.name() + "' of " + e.size() + " bytes is larger than the " + max + " allowed");
        ByteBuffer out = ByteBuffer.allocate((int) e.size());
        read(e, out::put);
        return out.array();
    }

    /**
     * Hands the entry's bytes to sink in order, in windows whose sizes are multiples of 8 bytes
     * (stored entries: memory-mapped windows of the file), and checks the CRC-32 at the end.
     */
    void read(Entry e, ZipWriter.Sink sink) throws IOException {
        long start = dataStart(e);
        CRC32 crc = new CRC32();
        if (e.method() == 0) {
            for (long done = 0; done < e.size(); ) {
                int n = (int) Math.min(WINDOW, e.size() - done);
                ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, start + done, n);
                crc.update(map.duplicate());
                sink.accept(map);
                done += n;
            }
        } else {
            if (e.size() > Integer.MAX_VALUE - 8) throw error(start, "deflated zip entry '" + e.name() + "' of " + e.size() + " bytes is too large");
            ByteBuffer dst = ByteBuffer.allocate((int) e.size());
            inflate(e, start, dst);
            dst.flip();
            crc.update(dst.duplicate());
            sink.accept(dst);
        }
        if ((int) crc.getValue() != e.crc()) {
            throw error(start, "zip entry '" + e.name() + "' fails its CRC-32 check (stored " + Integer.toHexString(e.crc())
                    + ", computed " + Long.toHexString(crc.getValue()) + ")");
        }
    }

    private void inflate(Entry e, long start, ByteBuffer dst) throws IOException {
        Inflater inf = new Inflater(true);
        try {
            ByteBuffer in = ByteBuffer.allocate(1 << 16);
            long[] read = {0};
            ByteBuffer probe = ByteBuffer.allocate(1);
            while (!inf.finished()) {
                if (inf.needsInput() && !feed(e, start, inf, in, read)) break;
                ByteBuffer out = dst.hasRemaining() ? dst : probe.clear();
                int n = inf.inflate(out);
                if (out == probe && n > 0) {
                    throw error(start, "deflated zip entry '" + e.name() + "' inflates to more than the " + e.size() + " bytes it claims");
                }
                if (n == 0 && inf.needsDictionary()) break;
            }
            if (dst.hasRemaining() || !inf.finished()) {
                throw error(start, "deflated zip entry '" + e.name() + "' does not hold the " + e.size() + " bytes it claims");
            }
        } catch (DataFormatException ex) {
            throw error(start, "zip entry '" + e.name() + "' is not valid deflate data: " + ex.getMessage());
        } finally {
            inf.end();
        }
    }

    /** Gives the inflater the next window of compressed bytes; false when there are none left. */
    private boolean feed(Entry e, long start, Inflater inf, ByteBuffer in, long[] read) throws IOException {
        if (read[0] >= e.compressedSize()) return false;
        int n = (int) Math.min(in.capacity(), e.compressedSize() - read[0]);
        in.clear().limit(n);
        while (in.hasRemaining()) {
            if (ch.read(in, start + read[0] + in.position()) < 0) throw error(start + read[0], "unexpected end of file");
        }
        read[0] += n;
        inf.setInput(in.flip());
        return true;
    }
}
