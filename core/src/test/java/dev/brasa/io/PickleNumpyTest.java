package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Fixtures;
import dev.brasa.data.TensorDataset;
import dev.brasa.data.datasets.CIFAR10;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plain-data pickles with numpy arrays, written by numpy itself (scripts/golden/cifar_py.py): every
 * dtype and byte order read back as written, object arrays refused, and a CIFAR-10 python folder
 * (batches in protocols 2-5) read as torchvision's CIFAR10 reads it.
 */
class PickleNumpyTest {
    static Path golden(String name) throws URISyntaxException {
        return Path.of(PickleNumpyTest.class.getResource("/golden/" + name).toURI());
    }

    @Test
    void numpyArraysOfEveryDtypeReadAsWritten() throws Exception {
        Map<?, ?> m = (Map<?, ?>) Pickle.read(golden("numpy.pkl"));
        Pickle.NumpyArray i8 = (Pickle.NumpyArray) m.get("i8");
        assertEquals("i8", i8.dtype());
        assertArrayEquals(new int[] {2, 3}, i8.shape());
        assertArrayEquals(new long[] {-2, -1, 0, 1, 2, 3}, i8.toLongArray());
        assertArrayEquals(new double[] {0.5, -1.25, 3e38f}, ((Pickle.NumpyArray) m.get("f4")).toDoubleArray());
        Pickle.NumpyArray be = (Pickle.NumpyArray) m.get("be");
        assertEquals('>', be.byteOrder());
        assertArrayEquals(new long[] {1, -2, 70000}, be.toLongArray());
        assertArrayEquals(new long[] {1, 0, 1}, ((Pickle.NumpyArray) m.get("bool")).toLongArray());
        assertArrayEquals(new double[] {0.1, -2.5}, ((Pickle.NumpyArray) m.get("f8")).toDoubleArray());
        assertArrayEquals(new long[] {65535, 1}, ((Pickle.NumpyArray) m.get("u2")).toLongArray());
        assertArrayEquals(new double[] {65535, 1}, ((Pickle.NumpyArray) m.get("u2")).toDoubleArray());
        Pickle.NumpyArray f = (Pickle.NumpyArray) m.get("fortran");
        assertTrue(f.fortran());
        assertArrayEquals(new long[] {0, 3, 1, 4, 2, 5}, f.toLongArray(), "column-major bytes, as stored");
        assertEquals(6, f.size());
        assertArrayEquals(new byte[] {0, 3, 1, 4, 2, 5}, f.data());
        Pickle.NumpyArray made = new Pickle.NumpyArray("i2", '>', new int[] {2}, false, new byte[] {1, 0, (byte) 0xff, (byte) 0xfe});
        assertArrayEquals(new long[] {256, -2}, made.toLongArray(), "big-endian int16 by hand");
        var e = assertThrows(IllegalStateException.class, () -> ((Pickle.NumpyArray) m.get("f8")).toLongArray());
        assertEquals("a f8 array is not integral; use toDoubleArray()", e.getMessage());
    }

    /** Unsigned 32- and 64-bit values past the signed range, an empty array, and signed values as doubles. */
    @Test
    void unsignedValuesPastTheSignedRangeAndEmptyArraysReadAsWritten() throws Exception {
        Map<?, ?> m = (Map<?, ?>) Pickle.read(golden("numpy.pkl"));
        Pickle.NumpyArray u8 = (Pickle.NumpyArray) m.get("u8");
        assertArrayEquals(new long[] {-1, Long.MIN_VALUE + 1, 5}, u8.toLongArray(), "the bits, as Java's long holds them");
        assertArrayEquals(new double[] {0x1p64, 0x1p63, 5}, u8.toDoubleArray(), "2^64 - 1 and 2^63 + 1 rounded to double, as numpy's float64() does");
        assertArrayEquals(new long[] {4294967295L, 7}, ((Pickle.NumpyArray) m.get("u4")).toLongArray());
        assertArrayEquals(new double[] {-2, -1, 0, 1, 2, 3}, ((Pickle.NumpyArray) m.get("i8")).toDoubleArray(), "signed stays signed");
        Pickle.NumpyArray empty = (Pickle.NumpyArray) m.get("empty");
        assertArrayEquals(new int[] {0, 3}, empty.shape());
        assertEquals(0, empty.toDoubleArray().length);
    }

    /** Arrays inside tuples and lists are resolved too, and a dtype on its own reads as its code. */
    @Test
    void arraysInTuplesAndListsAndBareDtypes() throws Exception {
        Map<?, ?> m = (Map<?, ?>) Pickle.read(golden("numpy.pkl"));
        Object[] tuple = (Object[]) m.get("tuple");
        assertArrayEquals(new long[] {1, 2}, ((Pickle.NumpyArray) tuple[0]).toLongArray());
        assertEquals("x", tuple[1]);
        assertArrayEquals(new long[] {3}, ((Pickle.NumpyArray) ((java.util.List<?>) m.get("list")).get(0)).toLongArray());
        assertEquals("f4", m.get("dtype"));
    }

    @Test
    void anArrayWithTooFewBytesIsRefusedWithTheCount() {
        var e = assertThrows(FileFormatException.class, () -> Pickle.read(golden("numpy_short.pkl")));
        assertTrue(e.getMessage().contains("numpy array of shape (3,) and dtype f4 needs 12 bytes, has 11"), e.getMessage());
    }

    @Test
    void dtypesItDoesNotReadAreRefusedByName() {
        var e = assertThrows(FileFormatException.class, () -> Pickle.read(golden("numpy_complex.pkl")));
        assertTrue(e.getMessage().contains("numpy dtype 'c8' is not read (unsigned/signed integers, floats, bool)"), e.getMessage());
    }

    @Test
    void objectArraysAreRefused() {
        var e = assertThrows(FileFormatException.class, () -> Pickle.read(golden("numpy_objects.pkl")));
        assertTrue(e.getMessage().contains("pickle: numpy array data is a list, not bytes (an object array?)"), e.getMessage());
    }

    @Test
    void aCifarPythonFolderReadsAsTorchvisionReadsIt() throws Exception {
        Fixtures f = Fixtures.load("cifar_py.txt");
        for (boolean train : new boolean[] {true, false}) {
            String k = train ? "train" : "test";
            TensorDataset ds = CIFAR10.load(golden("cifar-10-batches-py").getParent(), train);
            assertArrayEquals(f.tensor(k + ".x").toFloatArray(), ds.x().toFloatArray(), k + " images");
            assertArrayEquals(f.tensor(k + ".y").toLongArray(), ds.y().toLongArray(), k + " labels");
            assertArrayEquals(new int[] {train ? 20 : 3, 3, 32, 32}, ds.x().shape());
        }
        assertEquals(Brasa.tensor(1f).dtype(), CIFAR10.load(golden("cifar-10-batches-py"), false).x().dtype(), "the folder itself works too");
    }
}
