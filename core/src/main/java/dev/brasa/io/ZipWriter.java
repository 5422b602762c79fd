package dev.brasa.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes a zip archive the way {@code torch.save} does: every entry stored (not compressed), its
 * data aligned to 64 bytes by padding in the local header's extra field, fixed timestamps (so the
 * same content gives the same bytes), and zip64 records where an offset or size needs them.
 */
final class ZipWriter {
    /** Produces an entry's bytes in order, as many times as asked (once for the CRC, once to write). */
    @FunctionalInterface
    interface Content {
        /** Calls sink with consecutive chunks of the content. */
        void emit(Sink sink) throws IOException;
    }

    /** Receives chunks of content. */
    @FunctionalInterface
    interface Sink {
        /** One chunk, between position and limit. */
        void accept(ByteBuffer chunk) throws IOException;
    }

    private record Written(String name, long offset, long size, int crc) {}

    static final int ALIGN = 64;
    private final FileChannel ch;
    /** Sizes and offsets from here up take zip64 records: 0xFFFFFFFF (a 32-bit field of all ones means "see zip64"), lower in tests. */
    private final long zip64From;
    private final List<Written> written = new ArrayList<>();
    private long pos;

    ZipWriter(FileChannel ch) { this(ch, 0xFFFFFFFFL); }

    /**
     * zip64From lower than 0xFFFFFFFF gives sizes and offsets of a small archive zip64 records
     * from that value up (0: all of them), for tests of the large-file path.
     */
    ZipWriter(FileChannel ch, long zip64From) {
        this.ch = ch;
        this.zip64From = zip64From;
    }

    /** Adds a stored entry holding bytes. */
    void add(String name, byte[] bytes) throws IOException { add(name, bytes.length, sink -> sink.accept(ByteBuffer.wrap(bytes))); }

    /** Adds a stored entry of size bytes produced by content. */
    void add(String name, long size, Content content) throws IOException {
        CRC32 crc = new CRC32();
        long[] n = {0};
        content.emit(b -> {
            n[0] += b.remaining();
            crc.update(b.duplicate());
        });
        if (n[0] != size) throw new IllegalStateException("entry " + name + " produced " + n[0] + " bytes, expected " + size);
        byte[] nb = name.getBytes(StandardCharsets.UTF_8);
        boolean z64 = size >= zip64From;
        int z64Len = z64 ? 20 : 0;
        long dataAt = pos + 30 + nb.length + z64Len + 4;
        int pad = (int) ((ALIGN - dataAt % ALIGN) % ALIGN);
        ByteBuffer h = ByteBuffer.allocate(30 + nb.length + z64Len + 4 + pad).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x04034b50).putShort((short) (z64 ? 45 : 20)).putShort((short) 0x0800).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0x21) // 1980-01-01 00:00
                .putInt((int) crc.getValue())
                .putInt(z64 ? -1 : (int) size).putInt(z64 ? -1 : (int) size)
                .putShort((short) nb.length).putShort((short) (z64Len + 4 + pad)).put(nb);
        if (z64) h.putShort((short) 1).putShort((short) 16).putLong(size).putLong(size);
        h.putShort((short) 0x4246).putShort((short) pad); // "FB": padding, as PyTorch writes it
        writeAll(h.clear()); // the whole header, padding included
        written.add(new Written(name, pos, size, (int) crc.getValue()));
        pos += h.limit();
        long[] wrote = {0};
        content.emit(b -> wrote[0] += writeAll(b));
        pos += wrote[0];
    }

    /** Writes the central directory and the end records. */
    void finish() throws IOException {
        long dirStart = pos;
        for (Written w : written) {
            byte[] nb = w.name().getBytes(StandardCharsets.UTF_8);
            boolean z64 = w.size() >= zip64From || w.offset() >= zip64From;
            int z64Len = z64 ? 28 : 0;
            ByteBuffer c = ByteBuffer.allocate(46 + nb.length + z64Len).order(ByteOrder.LITTLE_ENDIAN);
            c.putInt(0x02014b50).putShort((short) (z64 ? 45 : 20)).putShort((short) (z64 ? 45 : 20)).putShort((short) 0x0800)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0x21).putInt(w.crc())
                    .putInt(z64 ? -1 : (int) w.size()).putInt(z64 ? -1 : (int) w.size())
                    .putShort((short) nb.length).putShort((short) z64Len).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(z64 ? -1 : (int) w.offset()).put(nb);
            if (z64) c.putShort((short) 1).putShort((short) 24).putLong(w.size()).putLong(w.size()).putLong(w.offset());
            pos += writeAll(c.flip());
        }
        long dirSize = pos - dirStart;
        int n = written.size();
        boolean z64 = n >= 0xFFFF || dirStart >= zip64From || dirSize >= zip64From;
        if (z64) {
            long z64At = pos;
            ByteBuffer r = ByteBuffer.allocate(56 + 20).order(ByteOrder.LITTLE_ENDIAN);
            r.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(n).putLong(n).putLong(dirSize).putLong(dirStart);
            r.putInt(0x07064b50).putInt(0).putLong(z64At).putInt(1);
            pos += writeAll(r.flip());
        }
        ByteBuffer e = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) (z64 ? 0xFFFF : n)).putShort((short) (z64 ? 0xFFFF : n))
                .putInt(z64 ? -1 : (int) dirSize).putInt(z64 ? -1 : (int) dirStart).putShort((short) 0);
        pos += writeAll(e.flip());
    }

    private int writeAll(ByteBuffer b) throws IOException {
        int n = b.remaining();
        while (b.hasRemaining()) ch.write(b);
        return n;
    }
}
