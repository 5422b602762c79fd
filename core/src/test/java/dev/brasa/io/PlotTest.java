package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.FixtureGuard;
import dev.brasa.Fixtures;
import dev.brasa.Tensor;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * make_grid and save_image against torchvision (scripts/golden/plot.py); the PNGs decoded by the
 * JDK's own reader; the scatter plot's frame and dots where the points are.
 */
@ExtendWith(FixtureGuard.class)
class PlotTest {
    static final Fixtures F = Fixtures.load("plot.txt");
    @TempDir Path tmp;

    @Test
    void gridsAsTorchvisionMakesThem() {
        Tensor five = F.tensor("five"), gray = F.tensor("gray");
        assertClose(F.tensor("grid.five.nrow2"), Plot.makeGrid(five, 2, 1, 0.25));
        assertClose(F.tensor("grid.five"), Plot.makeGrid(five));
        assertClose(F.tensor("grid.gray"), Plot.makeGrid(gray));
        assertClose(F.tensor("grid.one"), Plot.makeGrid(five.slice(0, 0, 1)));
        assertThrows(IllegalArgumentException.class, () -> Plot.makeGrid(five, 0, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> Plot.makeGrid(five, 1, -1, 0));
    }

    @Test
    void gridsAtTheEdgesOfTheirArguments() {
        Tensor five = F.tensor("five"), gray = F.tensor("gray");
        assertClose(F.tensor("grid.five.column"), Plot.makeGrid(five, 1, 0, 0)); // nrow 1 and padding 0 are allowed
        assertClose(F.tensor("grid.single.gray"), Plot.makeGrid(gray.select(0, 0))); // one [1, H, W]: three channels
        assertClose(F.tensor("grid.single.rgb"), Plot.makeGrid(five.select(0, 0))); // one [3, H, W]: as it is
        assertClose(F.tensor("grid.plane"), Plot.makeGrid(gray.select(0, 0).select(0, 0))); // [H, W]
    }

    private static void assertClose(Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape());
        assertArrayEquals(want.toFloatArray(), got.toFloatArray());
    }

    @Test
    void savedPixelsAreTorchvisionsAndThePngReads() throws Exception {
        Path png = tmp.resolve("grid.png");
        Plot.saveImage(F.tensor("over"), png);
        BufferedImage img = ImageIO.read(png.toFile());
        long[] want = F.tensor("pixels").toLongArray();
        int[] shape = F.tensor("pixels").shape();
        assertEquals(shape[0], img.getHeight());
        assertEquals(shape[1], img.getWidth());
        for (int y = 0; y < shape[0]; y++) {
            for (int x = 0; x < shape[1]; x++) {
                int rgb = img.getRGB(x, y), at = (y * shape[1] + x) * 3;
                assertEquals(want[at], rgb >> 16 & 0xff, "red at " + x + "," + y);
                assertEquals(want[at + 1], rgb >> 8 & 0xff, "green at " + x + "," + y);
                assertEquals(want[at + 2], rgb & 0xff, "blue at " + x + "," + y);
            }
        }
    }

    @Test
    void aGrayImageIsSavedAsGrayAndOtherChannelCountsAreRefused() throws Exception {
        Path png = tmp.resolve("gray.png");
        Plot.saveImage(Brasa.tensor(new float[][] {{0, 0.5f}, {1, 0.2f}}), png); // [H, W]: one channel
        BufferedImage img = ImageIO.read(png.toFile());
        int[] want = {0, 128, 255, 51}; // x * 255 + 0.5, truncated
        for (int i = 0; i < 4; i++) assertEquals(want[i] * 0x010101, img.getRGB(i % 2, i / 2) & 0xffffff, "pixel " + i);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Plot.saveImage(Brasa.zeros(2, 3, 3), png));
        assertTrue(e.getMessage().contains("[2, 3, 3]"), e.getMessage());
    }

    /** Every chunk's CRC over its type and data, and the chunks a PNG must hold, in order. */
    @Test
    void thePngsChunksCarryTheirChecksums() throws Exception {
        Path png = tmp.resolve("crc.png");
        Plot.saveImage(F.tensor("over"), png);
        ByteBuffer b = ByteBuffer.wrap(java.nio.file.Files.readAllBytes(png));
        assertEquals(0x89504e470d0a1a0aL, b.getLong());
        java.util.List<String> types = new java.util.ArrayList<>();
        while (b.hasRemaining()) {
            int len = b.getInt();
            byte[] typeAndData = new byte[4 + len];
            b.get(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            String type = new String(typeAndData, 0, 4, java.nio.charset.StandardCharsets.US_ASCII);
            assertEquals((int) crc.getValue(), b.getInt(), "CRC of " + type);
            types.add(type);
        }
        assertEquals(java.util.List.of("IHDR", "IDAT", "IEND"), types);
    }

    /**
     * The whole picture, pixel by pixel, against one drawn here from the documented geometry: a white
     * 400 x 400 canvas, a black frame at 10 and 390, each point at margin 20 + its offset from the minimum
     * times 360 / range (y upwards), a dot of radius 3 in the class colour ringed in #333333 to radius 4;
     * points with a NaN or infinite coordinate left out (they would otherwise spoil the axes' range).
     */
    @Test
    void aScatterPlotIsDrawnWhereTheGeometrySays() throws Exception {
        Path png = tmp.resolve("geometry.png");
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        // x from -2 to 6 (45 px per unit), y from 10 to 12 (180 px per unit)
        Plot.scatter(Brasa.tensor(new float[][] {{-2, 10}, {6, 11}, {2, 12}, {nan, 0}, {100, inf}}),
                Brasa.tensor(0L, 12L, -1L, 3L, 4L), png);
        int[] want = new int[400 * 400];
        java.util.Arrays.fill(want, 0xffffff);
        for (int i = 10; i <= 390; i++) want[10 * 400 + i] = want[390 * 400 + i] = want[i * 400 + 10] = want[i * 400 + 390] = 0;
        int[][] dots = {{20, 380, 0x1f77b4}, {380, 200, 0x2ca02c}, {200, 20, 0x17becf}}; // labels 12 and -1 wrap to 2 and 9
        for (int[] d : dots) {
            for (int y = d[1] - 6; y <= d[1] + 6; y++) {
                for (int x = d[0] - 6; x <= d[0] + 6; x++) {
                    double r = Math.hypot(x - d[0], y - d[1]);
                    if (r <= 4) want[y * 400 + x] = r <= 3 ? d[2] : 0x333333;
                }
            }
        }
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(400, img.getWidth());
        assertEquals(400, img.getHeight());
        for (int y = 0; y < 400; y++) {
            for (int x = 0; x < 400; x++) assertEquals(want[y * 400 + x], img.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
        }
    }

    @Test
    void aScatterPlotDrawsEachClassWhereItsPointsAre() throws Exception {
        Path png = tmp.resolve("xor.png");
        Plot.scatter(Brasa.tensor(new float[][] {{0, 0}, {1, 1}, {0, 1}}), Brasa.tensor(0L, 0L, 1L), png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(400, img.getWidth());
        assertEquals(0x1f77b4, img.getRGB(20, 380) & 0xffffff, "class 0 at (0, 0): bottom left");
        assertEquals(0x1f77b4, img.getRGB(380, 20) & 0xffffff, "class 0 at (1, 1): top right");
        assertEquals(0xff7f0e, img.getRGB(20, 20) & 0xffffff, "class 1 at (0, 1): top left");
        assertEquals(0xffffff, img.getRGB(200, 200) & 0xffffff, "background");
        assertEquals(0, img.getRGB(200, 10) & 0xffffff, "frame");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Plot.scatter(Brasa.zeros(3), Brasa.tensor(0L), png))
                .getMessage().contains("points [N, 2]"));
    }
}
