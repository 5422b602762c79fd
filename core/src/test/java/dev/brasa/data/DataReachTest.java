package dev.brasa.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.brasa.Brasa;
import dev.brasa.Cuda;
import dev.brasa.Generator;
import dev.brasa.data.datasets.Idx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data types no other test reached: samplers, batch gathering, the loader's error, IDX records. */
class DataReachTest {
    @TempDir Path tmp;

    @Test
    void samplersGiveEveryIndexOncePerEpoch() {
        Sampler s = new Sampler.Sequential(5);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, s.epoch());
        assertEquals(5, s.size());
        Generator g = new Generator(0);
        Sampler.Random r = new Sampler.Random(10, g);
        assertSame(g, r.generator());
        assertEquals(10, r.size());
        long[] e1 = r.epoch(), e2 = r.epoch();
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Arrays.stream(e1).sorted().toArray(), "a permutation");
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Arrays.stream(e2).sorted().toArray());
        assertEquals(false, Arrays.equals(e1, e2), "reshuffled each epoch");
        Sampler.Random again = (Sampler.Random) Sampler.random(10, new Generator(0));
        assertArrayEquals(e1, again.epoch(), "the same seed gives the same order");
    }

    @Test
    void batchGathersTheRowsOfTheIndices() {
        TensorDataset ds = new TensorDataset(Brasa.arange(12).reshape(6, 2).toFloat(), Brasa.arange(6));
        Sample b = ds.batch(new long[] {4, 0, 4});
        assertArrayEquals(new float[] {8, 9, 0, 1, 8, 9}, b.x().toFloatArray());
        assertArrayEquals(new long[] {4, 0, 4}, b.y().toLongArray());
        BatchDataset viaInterface = ds;
        assertArrayEquals(new long[] {5}, viaInterface.batch(new long[] {5}).y().toLongArray());
    }

    @Test
    void pinMemoryPinsTheBatchesWhereCudaIsAndOtherwiseChangesNothing() {
        TensorDataset ds = new TensorDataset(Brasa.arange(10), Brasa.arange(10));
        for (int workers : new int[] {0, 2}) {
            DataLoader pinned = DataLoader.builder(ds).batchSize(4).shuffle(true).seed(3).numWorkers(workers).pinMemory(true).build();
            DataLoader plain = DataLoader.builder(ds).batchSize(4).shuffle(true).seed(3).numWorkers(workers).build();
            assertEquals(true, pinned.pinMemory());
            assertEquals(false, plain.pinMemory());
            var a = pinned.iterator();
            var b = plain.iterator();
            int batches = 0;
            while (b.hasNext()) {
                Sample p = a.next(), q = b.next();
                assertArrayEquals(q.x().toLongArray(), p.x().toLongArray());
                assertArrayEquals(q.y().toLongArray(), p.y().toLongArray());
                assertEquals(Cuda.isAvailable(), p.x().isPinned(), "pinned where CUDA is: " + Cuda.isAvailable());
                assertEquals(Cuda.isAvailable(), p.y().isPinned());
                assertEquals(false, q.x().isPinned());
                batches++;
            }
            assertEquals(false, a.hasNext());
            assertEquals(3, batches);
        }
    }

    @Test
    void theLoadersErrorNamesTheSample() {
        IllegalStateException cause = new IllegalStateException("bad image");
        DataLoaderException e = new DataLoaderException(17, cause);
        assertEquals("DataLoader failed while loading sample index 17: java.lang.IllegalStateException: bad image", e.getMessage());
        assertEquals(17, e.sampleIndex());
        assertSame(cause, e.getCause());
    }

    @Test
    void idxRecordsHoldDimsAndBytes() throws IOException {
        Path f = tmp.resolve("labels-idx1-ubyte");
        Files.write(f, new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 9});
        Idx.Data d = Idx.read(f, 1);
        assertArrayEquals(new int[] {3}, d.dims());
        assertArrayEquals(new byte[] {7, 2, 9}, d.bytes());
        Idx.Data made = new Idx.Data(new int[] {1}, new byte[] {5});
        assertEquals(5, made.bytes()[0]);
    }
}
