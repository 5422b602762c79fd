package dev.brasa.io;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Pictures the lessons draw, as PNG files: a grid of images ({@code torchvision.utils.make_grid}
 * and {@code save_image}, which the lessons show with {@code plt.imshow}) and a scatter plot of 2-D
 * points coloured by class (the lessons' {@code plt.scatter}). Written with the JDK alone (a small
 * PNG encoder over {@link Deflater}); no text is drawn.
 *
 * <pre>{@code
 * Plot.saveImage(Plot.makeGrid(images.slice(0, 0, 5)), Path.of("batch.png"));
 * Plot.scatter(dataset.x(), dataset.y(), Path.of("xor.png"));
 * }</pre>
 */
public final class Plot {
    /** matplotlib's default colours (tab10), one per class. */
    private static final int[] COLORS = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};

    private Plot() {}

    /** {@code make_grid(images)}: 8 images a row, 2 pixels of padding, padding 0. */
    public static Tensor makeGrid(Tensor images) { return makeGrid(images, 8, 2, 0); }

    /**
     * {@code make_grid(images, nrow, padding, pad_value)}: images [N, C, H, W] (or one [C, H, W])
     * tiled nrow to a row into one image [3, rows * (H + padding) + padding, ...]; a single-channel
     * image is repeated into 3 channels, and a single image comes back as it is.
     */
    public static Tensor makeGrid(Tensor images, int nrow, int padding, double padValue) {
        Objects.requireNonNull(images, "images");
        if (nrow < 1 || padding < 0) throw new IllegalArgumentException("make_grid needs nrow >= 1 and padding >= 0, got " + nrow + " and " + padding);
        Tensor t = images.detach();
        if (t.dim() == 2) t = t.unsqueeze(0);
        if (t.dim() == 3) {
            if (t.size(0) == 1) t = Brasa.cat(java.util.List.of(t, t, t), 0);
            t = t.unsqueeze(0);
        }
        if (t.dim() != 4) throw new IllegalArgumentException("make_grid needs images [N, C, H, W] or [C, H, W], got " + Arrays.toString(images.shape()));
        if (t.size(1) == 1) t = Brasa.cat(java.util.List.of(t, t, t), 1);
        if (t.size(0) == 1) return t.squeeze(0);
        int n = t.size(0), c = t.size(1), xmaps = Math.min(nrow, n), ymaps = (n + xmaps - 1) / xmaps;
        int height = t.size(2) + padding, width = t.size(3) + padding;
        int gh = height * ymaps + padding, gw = width * xmaps + padding;
        float[] src = t.contiguous().toFloat().toFloatArray();
        float[] grid = new float[c * gh * gw];
        Arrays.fill(grid, (float) padValue);
        int h = t.size(2), w = t.size(3);
        for (int k = 0; k < n; k++) {
            int y0 = (k / xmaps) * height + padding, x0 = (k % xmaps) * width + padding;
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(src, ((k * c + ch) * h + y) * w, grid, (ch * gh + y0 + y) * gw + x0, w);
                }
            }
        }
        return Brasa.fromArray(grid, c, gh, gw);
    }

    /**
     * {@code save_image(image, path)}: an image [C, H, W] (C = 1 or 3; values in [0, 1]), or a batch
     * made into a grid first, written as an 8-bit RGB PNG (each value scaled by 255 and rounded).
     */
    public static void saveImage(Tensor image, Path png) throws IOException {
        Tensor g = image.dim() == 4 ? makeGrid(image) : image.detach();
        if (g.dim() == 2) g = g.unsqueeze(0);
        if (g.dim() != 3 || (g.size(0) != 1 && g.size(0) != 3)) {
            throw new IllegalArgumentException("saveImage needs an image [1 or 3, H, W] or a batch [N, C, H, W], got " + Arrays.toString(image.shape()));
        }
        int c = g.size(0), h = g.size(1), w = g.size(2);
        float[] v = g.contiguous().toFloat().toFloatArray();
        int[] rgb = new int[h * w];
        for (int i = 0; i < h * w; i++) {
            int r = byteOf(v[i]), gr = c == 3 ? byteOf(v[h * w + i]) : r, b = c == 3 ? byteOf(v[2 * h * w + i]) : r;
            rgb[i] = r << 16 | gr << 8 | b;
        }
        writePng(rgb, w, h, png);
    }

    /** torchvision's conversion: x * 255 + 0.5, clamped to [0, 255], truncated (NaN as 0). */
    private static int byteOf(float x) {
        float s = x * 255f + 0.5f;
        if (!(s > 0)) return 0;
        return s >= 255f ? 255 : (int) s;
    }

    /**
     * A scatter plot of points [N, 2] coloured by their class labels [N] (INT64, 0-9; matplotlib's
     * colours), 400 x 400 pixels, axes fitted to the points with a margin, each point a dot of radius
     * 4 with a dark edge (the lessons' {@code plt.scatter(..., edgecolor="#333")}). Points with a NaN
     * or infinite coordinate are left out, as matplotlib leaves them out.
     */
    public static void scatter(Tensor points, Tensor labels, Path png) throws IOException {
        if (points.dim() != 2 || points.size(1) != 2) throw new IllegalArgumentException("scatter needs points [N, 2], got " + Arrays.toString(points.shape()));
        long[] lab = labels.toLong().toLongArray();
        if (lab.length != points.size(0)) throw new IllegalArgumentException("scatter needs one label per point, got " + lab.length + " for " + points.size(0));
        float[] p = points.detach().contiguous().toFloat().toFloatArray();
        int size = 400, margin = 20;
        float minX = Float.MAX_VALUE, maxX = -Float.MAX_VALUE, minY = Float.MAX_VALUE, maxY = -Float.MAX_VALUE;
        for (int i = 0; i < lab.length; i++) {
            if (!finite(p, i)) continue;
            minX = Math.min(minX, p[2 * i]);
            maxX = Math.max(maxX, p[2 * i]);
            minY = Math.min(minY, p[2 * i + 1]);
            maxY = Math.max(maxY, p[2 * i + 1]);
        }
        // in double, so that a range as wide as the floats' (-3e38 to 3e38) does not overflow
        double sx = (size - 2.0 * margin) / Math.max(1e-12, (double) maxX - minX), sy = (size - 2.0 * margin) / Math.max(1e-12, (double) maxY - minY);
        int[] rgb = new int[size * size];
        Arrays.fill(rgb, 0xffffff);
        for (int i = margin / 2; i <= size - margin / 2; i++) { // the axes' frame
            rgb[(margin / 2) * size + i] = rgb[(size - margin / 2) * size + i] = 0;
            rgb[i * size + margin / 2] = rgb[i * size + size - margin / 2] = 0;
        }
        for (int i = 0; i < lab.length; i++) {
            if (!finite(p, i)) continue;
            int cx = (int) Math.round(margin + ((double) p[2 * i] - minX) * sx), cy = (int) Math.round(size - margin - ((double) p[2 * i + 1] - minY) * sy);
            int color = COLORS[(int) Math.floorMod(lab[i], COLORS.length)];
            for (int dy = -4; dy <= 4; dy++) {
                for (int dx = -4; dx <= 4; dx++) {
                    int d2 = dx * dx + dy * dy, x = cx + dx, y = cy + dy;
                    if (d2 > 16 || x < 0 || y < 0 || x >= size || y >= size) continue;
                    rgb[y * size + x] = d2 > 9 ? 0x333333 : color;
                }
            }
        }
        writePng(rgb, size, size, png);
    }

    private static boolean finite(float[] p, int i) { return Float.isFinite(p[2 * i]) && Float.isFinite(p[2 * i + 1]); }

    /** An 8-bit RGB PNG of pixels 0xRRGGBB, row by row, written atomically. */
    static void writePng(int[] rgb, int w, int h, Path png) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(h * (3 * w + 1));
        for (int y = 0; y < h; y++) {
            raw.write(0); // filter: none
            for (int x = 0; x < w; x++) {
                int v = rgb[y * w + x];
                raw.write(v >>> 16 & 0xff);
                raw.write(v >>> 8 & 0xff);
                raw.write(v & 0xff);
            }
        }
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        d.setInput(raw.toByteArray());
        d.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) z.write(buf, 0, d.deflate(buf));
        d.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        byte[] bytes = out.toByteArray();
        AtomicWrite.write(png, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
