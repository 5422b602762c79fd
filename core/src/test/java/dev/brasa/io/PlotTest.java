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
