package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Views of non-contiguous tensors and the view ops at their edges, against PyTorch 1.13 (each expected
 * shape or stride printed by it for the expression in the comment): view() across PyTorch's contiguous
 * chunks (computeStride), unsqueeze's new stride, squeeze and transpose returning the tensor itself,
 * expand with -1 and 0, repeat 0, select at -size, slice step 0.
 */
class ViewEdgesTest {

    private static Tensor base(String name) {
        return switch (name) {
            case "t" -> Brasa.arange(24).reshape(2, 3, 4).transpose(0, 1);                 // [3, 2, 4] strides [4, 12, 1]
            case "narrow" -> Brasa.arange(60).reshape(3, 4, 5).slice(2, 0, 2);            // [3, 4, 2] strides [20, 5, 1]
            case "step" -> Brasa.arange(48).reshape(4, 12).slice(1, 0, 12, 2);            // [4, 6] strides [12, 2]
            case "permute" -> Brasa.arange(30).reshape(2, 3, 5).permute(2, 0, 1);         // [5, 2, 3] strides [1, 15, 5]
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static int[] ints(String s) {
        String[] p = s.trim().split(" ");
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) out[i] = Integer.parseInt(p[i]);
        return out;
    }

    /** x.view(shape).stride() in PyTorch, or "no" where it raises "view size is not compatible ...". */
    @ParameterizedTest(name = "{0}.view({1}): {2}")
    @CsvSource({"t,3 2 2 2,4 12 2 1", "t,6 4,no", "t,3 8,no", "t,3 2 4 1,4 12 1 1", "t,1 3 2 4,12 4 12 1", "t,3 1 2 4,4 24 12 1", "t,24,no",
        "narrow,12 2,5 1", "narrow,3 8,no", "narrow,3 4 2 1,20 5 1 1", "narrow,3 4 1 2,20 5 2 1", "narrow,2 6 2,30 5 1", "narrow,24,no",
        "step,4 2 3,12 6 2", "step,24,2", "step,2 2 6,24 12 2", "step,4 6 1,12 2 2", "step,8 3,6 2",
        "permute,5 6,1 5", "permute,5 3 2,1 10 5", "permute,30,no", "permute,5 2 3,1 15 5"})
    void viewStridesAsPyTorchsComputeStride(String base, String shape, String strides) {
        Tensor x = base(base);
        if (strides.equals("no")) {
            var e = assertThrows(IllegalArgumentException.class, () -> x.view(ints(shape)));
            assertTrue(e.getMessage().startsWith("view size is not compatible with input tensor's size and stride"), e.getMessage());
            assertArrayEquals(x.contiguous().toLongArray(), x.reshape(ints(shape)).toLongArray(), "reshape copies instead");
            return;
        }
        Tensor v = x.view(ints(shape));
        assertArrayEquals(ints(strides), v.stride());
        assertArrayEquals(x.contiguous().toLongArray(), v.contiguous().toLongArray(), "the same elements in order");
    }

    @Test
    void viewOpsAtTheirEdges() {
        // torch.arange(24).reshape(2, 3, 4).transpose(0, 2): [4, 3, 2] strides [1, 4, 12]; unsqueeze(d).stride()
        Tensor x = Brasa.arange(24).reshape(2, 3, 4).transpose(0, 2);
        int[][] unsqueezed = {{4, 1, 4, 12}, {1, 12, 4, 12}, {1, 4, 24, 12}, {1, 4, 12, 1}};
        for (int d = 0; d < 4; d++) assertArrayEquals(unsqueezed[d], x.unsqueeze(d).stride(), "unsqueeze(" + d + ")");
        Tensor m = Brasa.zeros(2, 3), s = Brasa.tensor(5f).reshape();
        assertSame(m, m.squeeze(0), "squeezing a dim that is not 1 returns the tensor");
        assertSame(s, s.squeeze(0));
        assertArrayEquals(new int[0], s.t().shape(), "torch.tensor(5.).t()");
        assertEquals(5f, s.t().item());
        assertArrayEquals(new int[] {3, 4}, Brasa.zeros(3, 1).expand(-1, 4).shape());
        assertArrayEquals(new int[] {2, 3}, Brasa.arange(3).expand(2, -1).shape());
        assertArrayEquals(new long[] {0, 1, 2, 0, 1, 2}, Brasa.arange(3).expand(2, -1).contiguous().toLongArray());
        assertArrayEquals(new int[] {0}, Brasa.zeros(1).expand(0).shape(), "a size-1 dim expands to 0");
        assertEquals("The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension 0",
                assertThrows(IllegalArgumentException.class, () -> Brasa.zeros(3).expand(-1, 3)).getMessage());
        assertArrayEquals(new int[] {0}, Brasa.zeros(2).repeat(0).shape());
        assertArrayEquals(new int[] {0, 3}, Brasa.zeros(2, 3).repeat(0, 1).shape());
        Tensor r = Brasa.tensor(new float[][] {{1, 2}, {3, 4}});
        assertArrayEquals(new float[] {1, 2}, r.select(0, -2).toFloatArray(), "index -size is the first");
        assertEquals("index -3 is out of bounds for dimension 0 with size 2",
                assertThrows(IllegalArgumentException.class, () -> r.select(0, -3)).getMessage());
        assertEquals("slice step must be positive, got 0",
                assertThrows(IllegalArgumentException.class, () -> r.slice(1, 0, 2, 0)).getMessage());
        for (Supplier<Tensor> empty : java.util.List.<Supplier<Tensor>>of(() -> r.slice(1, 1, 1), () -> r.slice(1, 2, 1, 3))) {
            assertArrayEquals(new int[] {2, 0}, empty.get().shape());
        }
    }
}
