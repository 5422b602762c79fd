package dev.brasa;

import static dev.brasa.Brasa.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tensor semantics beyond values: views share storage, dtypes and promotion, factories, bad input. */
class TensorTest {

    @Test
    void viewsShareStorage() {
        Tensor x = zeros(3, 4);
        try (var g = noGrad()) {
            x.t().select(0, 1).fill_(7);          // column 1
            x.slice(0, 2, 3).add_(1f);            // last row
            x.view(12).select(0, 0).fill_(-1);
        }
        assertArrayEquals(new float[] {-1, 7, 0, 0, 0, 7, 0, 0, 1, 8, 1, 1}, x.toFloatArray());
        assertFalse(x.t().isContiguous());
        assertTrue(x.t().contiguous().isContiguous());
        assertArrayEquals(new int[] {4, 1}, x.stride());
        assertArrayEquals(new int[] {1, 4}, x.t().stride());
    }

    @Test
    void literalsFollowPyTorchDtypes() {
        assertEquals(DType.FLOAT32, tensor(1.5, 2).dtype());
        assertEquals(DType.FLOAT32, tensor(1f, 2f).dtype());
        assertEquals(DType.INT64, tensor(1, 2, 3).dtype());
        assertEquals(DType.BOOL, tensor(true, false).dtype());
        assertEquals(DType.INT64, arange(5).dtype());
        assertEquals(DType.FLOAT32, arange(0., 1., 0.25).dtype());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f}, arange(0., 1., 0.25).toFloatArray());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1}, linspace(0, 1, 5).toFloatArray());
        assertEquals(DType.FLOAT32, tensor(1L, 2L).add(0.5f).dtype());
        assertEquals(DType.FLOAT32, tensor(1L).div(tensor(2L)).dtype());
        assertEquals(DType.FLOAT64, tensor(1f).toDouble().add(tensor(1f)).dtype());
        assertEquals(DType.FLOAT32, tensor(1f, 2f).add(scalarTensor(1).toDouble()).dtype(), "0-d operand does not widen");
        assertEquals(DType.BOOL, randn(3).gt(0f).dtype());
        assertEquals(0, scalarTensor(3).dim());
    }

    @Test
    void itemAndArrays() {
        assertEquals(3.5f, scalarTensor(3.5).item());
        assertEquals(7L, tensor(7L).itemLong());
        assertArrayEquals(new long[] {1, -2}, tensor(1.9f, -2.7f).toLongArray());
        assertArrayEquals(new boolean[] {true, false}, tensor(1f, 0f).toBooleanArray());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> randn(2, 3).item());
        assertEquals("a Tensor with 6 elements cannot be converted to Scalar", e.getMessage());
    }

    @Test
    void matmulShapeErrorsNameBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> randn(3, 7).matmul(randn(4, 5)));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (3x7 and 4x5)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> randn(3).matmul(randn(4)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> randn(2, 3, 4).matmul(randn(3, 5, 6)));
        assertTrue(e.getMessage().contains("batch2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> randn(2, 3).matmul(randn(3, 2).toDouble()));
        assertTrue(e.getMessage().contains("FLOAT32") && e.getMessage().contains("FLOAT64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> randn(2, 3).matmul(scalarTensor(1)));
        assertTrue(e.getMessage().contains("2D and 0D"), e.getMessage());
    }

    @Test
    void broadcastErrorsNameTheDimension() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> randn(2, 3).add(randn(4)));
        assertEquals("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> {
            try (var g = noGrad()) {
                randn(3).add_(randn(2, 3));
            }
        });
        assertEquals("output with shape [3] doesn't match the broadcast shape [2, 3]", e.getMessage());
    }

    @Test
    void dimErrorsNameTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> randn(2, 3).sum(2));
        assertEquals("Dimension out of range (expected to be in range of [-2, 1], but got 2)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> randn(2, 3).softmax(-3));
        assertThrows(IllegalArgumentException.class, () -> randn(2, 3).transpose(0, 5));
        assertThrows(IllegalArgumentException.class, () -> randn(2).size(1));
        e = assertThrows(IllegalArgumentException.class, () -> randn(2, 3).select(0, 2));
        assertEquals("index 2 is out of bounds for dimension 0 with size 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> randn(4, 2).index(tensor(0L, 4L)));
        assertEquals("index 4 is out of bounds for dimension 0 with size 4", e.getMessage());
    }

    @Test
    void viewOnIncompatibleStridesSaysUseReshape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> randn(3, 4).t().view(12));
        assertTrue(e.getMessage().startsWith("view size is not compatible with input tensor's size and stride"), e.getMessage());
        assertEquals(12, randn(3, 4).t().reshape(12).numel());
        e = assertThrows(IllegalArgumentException.class, () -> randn(3, 4).view(5, -1));
        assertEquals("shape '[5, -1]' is invalid for input of size 12", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> randn(3, 4).view(-1, -1));
        assertEquals("only one dimension can be inferred", e.getMessage());
    }

    @Test
    void sizesAndFactoriesAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> zeros(2, -1));
        assertTrue(e.getMessage().contains("negative dimension -1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> zeros(100_000, 100_000));
        assertThrows(IllegalArgumentException.class, () -> randint(5, 5, 3));
        assertThrows(IllegalArgumentException.class, () -> randperm(-1));
        assertThrows(IllegalArgumentException.class, () -> bernoulli(tensor(0.5f, 1.5f)));
        assertThrows(IllegalArgumentException.class, () -> tensor(new float[][] {{1, 2}, {3}}));
        assertThrows(IllegalArgumentException.class, () -> fromArray(new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> randn(2).clamp(1, 0));
        assertThrows(IllegalArgumentException.class, () -> arange(0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> cat(List.of(randn(2, 3), randn(2, 4)), 0));
        assertThrows(IllegalArgumentException.class, () -> stack(randn(2, 3), randn(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> tensor(1L, 2L).mean());
    }

    @Test
    void copyBroadcastsAndConverts() {
        Tensor p = zeros(2, 3);
        try (var g = noGrad()) {
            p.copy_(tensor(1L, 2L, 3L));
            assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, p.toFloatArray());
            p.t().copy_(tensor(new float[][] {{9, 8}, {7, 6}, {5, 4}}));
            assertArrayEquals(new float[] {9, 7, 5, 8, 6, 4}, p.toFloatArray());
            p.zero_();
            assertArrayEquals(new float[6], p.toFloatArray());
            assertThrows(IllegalArgumentException.class, () -> p.copy_(randn(4)));
        }
        assertThrows(IllegalStateException.class, () -> zeros(2).requiresGrad_().copy_(ones(2)));
    }

    @Test
    void inPlaceDtypeRulesFollowPyTorch() {
        try (var g = noGrad()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tensor(1L, 2L).add_(tensor(0.5f, 0.5f)));
            assertEquals("result type FLOAT32 can't be cast to the desired output type INT64", e.getMessage());
            Tensor f = tensor(1f, 2f);
            f.add_(tensor(1L, 1L));
            assertArrayEquals(new float[] {2, 3}, f.toFloatArray());
        }
    }

    @Test
    void devicesParseAndCudaIsRefusedClearly() {
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals("cuda:1", Device.parse("cuda:1").toString());
        assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
        if (Cuda.isAvailable()) {
            assertEquals(Device.cuda(), randn(2).cuda().device(), "with a GPU, cuda() moves the tensor");
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> randn(2).cuda());
            assertTrue(e.getMessage().contains("cuda:0"), e.getMessage());
        }
        assertEquals(Device.CPU, randn(2).to(Device.CPU).device());
    }

    @Test
    void reductionsOnIntegersAndBooleans() {
        assertEquals(DType.INT64, tensor(true, true, false).sum().dtype());
        assertEquals(2L, tensor(true, true, false).sum().itemLong());
        assertEquals(1L, tensor(3, 9, 1).argmax().itemLong());
        assertTrue(Float.isNaN(tensor(1f, Float.NaN).max().item()), "max propagates NaN");
    }
}
