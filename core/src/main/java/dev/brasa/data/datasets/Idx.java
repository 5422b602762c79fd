package dev.brasa.data.datasets;

import dev.brasa.io.FileFormatException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed: magic 0x00 0x00 type ndims,
 * big-endian dims, then unsigned bytes. Sizes are checked against what the file holds before
 * anything large is allocated; errors name the file and the byte offset (of the decompressed
 * stream for .gz files).
 */
public final class Idx {
    /** The dims and the bytes of an IDX file. */
    public record Data(int[] dims, byte[] bytes) {}

    private Idx() {}

    /** Reads an unsigned-byte IDX file with the given number of dims (1 for labels, 3 for images). */
    public static Data read(Path file, int expectedDims) throws IOException { return read(file, expectedDims, null); }

    /**
     * The same; atSize, when not null, is told the data's size once the header is read and the file can hold that
     * much, before the data is read (so that a caller can prepare for it meanwhile).
     */
    static Data read(Path file, int expectedDims, java.util.function.IntConsumer atSize) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = new BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            int b0 = in.read(), b1 = in.read();
            in.reset();
            boolean gz = b0 == 0x1f && b1 == 0x8b;
            if (gz) {
                try {
                    in = new GZIPInputStream(in, 1 << 16);     // read in large blocks below: no buffer of its own on top
                } catch (java.util.zip.ZipException e) {
                    throw new FileFormatException(file, 0, "corrupt gzip stream: " + e.getMessage());
                }
            }
            return parse(in, file, expectedDims, Files.size(file), gz, atSize);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new FileFormatException(file, -1, "corrupt or truncated gzip stream: " + e.getMessage());
        }
    }

    private static Data parse(InputStream in, Path file, int expectedDims, long fileSize, boolean gz,
                              java.util.function.IntConsumer atSize) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) throw new FileFormatException(file, magic.length, "file ends inside the 4-byte IDX magic");
        if (magic[0] != 0 || magic[1] != 0) {
            throw new FileFormatException(file, 0, String.format("bad IDX magic %02x %02x %02x %02x (expected 00 00 08 %02x)",
                    magic[0], magic[1], magic[2], magic[3], expectedDims));
        }
        if (magic[2] != 0x08) {
            throw new FileFormatException(file, 2, String.format("IDX element type 0x%02x is not unsigned byte (0x08)", magic[2]));
        }
        if (magic[3] != expectedDims) {
            throw new FileFormatException(file, 3, "IDX file has " + magic[3] + " dims, expected " + expectedDims);
        }
        int[] dims = new int[expectedDims];
        long total = 1;
        for (int d = 0; d < expectedDims; d++) {
            byte[] b = in.readNBytes(4);
            if (b.length < 4) throw new FileFormatException(file, 4 + 4L * d + b.length, "file ends inside the IDX dims");
            dims[d] = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            if (dims[d] < 0) throw new FileFormatException(file, 4 + 4L * d, "IDX dim " + d + " is negative: " + dims[d]);
            total *= dims[d];
            if (total > Integer.MAX_VALUE - 8) {
                throw new FileFormatException(file, 4 + 4L * d, "IDX dims " + java.util.Arrays.toString(dims) + " claim more than 2 GiB");
            }
        }
        long header = 4 + 4L * expectedDims;
        // straight into one array, sized at first by what the file can hold (its own size, or 8 times it compressed):
        // Fashion-MNIST's 47 MB of images land in their final array with no copy (through a growing buffer and a copy
        // out of it, reading took 310-330 ms instead of 200), and a header claiming a huge size costs only about what
        // the file holds before the data proves it, the array doubling as the bytes arrive
        long canHold = gz ? Math.max(1 << 20, 8 * fileSize) : fileSize - header;
        byte[] data = new byte[(int) Math.max(0, Math.min(total, canHold))];
        if (atSize != null && data.length == total) atSize.accept(data.length);
        int off = 0;
        while (off < total) {
            if (off == data.length) data = java.util.Arrays.copyOf(data, (int) Math.min(total, Math.max(1 << 20, 2L * off)));
            int r = in.read(data, off, data.length - off);
            if (r < 0) {
                throw new FileFormatException(file, header + off, "truncated IDX data: dims " + java.util.Arrays.toString(dims)
                        + " need " + total + " bytes but the file ends after " + off);
            }
            off += r;
        }
        return new Data(dims, data);
    }
}
