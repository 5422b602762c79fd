package dev.brasa.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brasa.Brasa;
import dev.brasa.FixtureGuard;
import dev.brasa.Fixtures;
import dev.brasa.Tensor;
import dev.brasa.data.transforms.Compose;
import dev.brasa.data.transforms.Normalize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Normalize and Compose against torchvision (scripts/golden/transforms.py), alone and through a dataset. */
@ExtendWith(FixtureGuard.class)
class TransformsTest {
    static final Fixtures F = Fixtures.load("transforms.txt");
    static final Normalize HALF = new Normalize(new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5});
    static final Normalize CIFAR = new Normalize(new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.247, 0.243, 0.261});

    @Test
    void normalizeAndComposeGiveTorchvisionsValues() {
        Tensor img = F.tensor("img"), batch = F.tensor("batch");
        assertArrayEquals(F.tensor("half.img").toFloatArray(), HALF.apply(img).toFloatArray());
        assertArrayEquals(F.tensor("cifar.img").toFloatArray(), CIFAR.apply(img).toFloatArray());
        assertArrayEquals(F.tensor("cifar.batch").toFloatArray(), CIFAR.apply(batch).toFloatArray());
        assertArrayEquals(F.tensor("compose.img").toFloatArray(), new Compose(HALF, CIFAR).apply(img).toFloatArray());
        assertEquals(F.text("cifar.repr"), CIFAR.toString());
    }

    @Test
    void aDatasetAppliesItsTransformToSamplesAndBatches() {
        Tensor batch = F.tensor("batch");
        var ds = new TensorDataset(batch, Brasa.tensor(4L, 2L)).withTransform(CIFAR);
        assertEquals(2, ds.size());
        assertArrayEquals(F.tensor("cifar.batch").select(0, 1).toFloatArray(), ds.get(1).x().toFloatArray());
        assertArrayEquals(F.tensor("cifar.batch").toFloatArray(), ds.batch(new long[] {0, 1}).x().toFloatArray());
        assertEquals(2L, ds.get(1).y().itemLong());
        var e = assertThrows(IllegalArgumentException.class, () -> CIFAR.apply(Brasa.zeros(2, 4, 4)));
        assertEquals("Normalize has 3 channel means, the image has 2 channels", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new double[] {0.5}, new double[] {0}));
        assertEquals("Compose(\n    Normalize(mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))\n)", new Compose(HALF).toString());
    }
}
