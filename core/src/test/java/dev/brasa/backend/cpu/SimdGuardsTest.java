package dev.brasa.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernels' guards at their edges, through the public ops: rows the vector loops must
 * refuse (both operands broadcast, strided rows) give the scalar loop's values, at any vector width.
 */
class SimdGuardsTest {
    @Test
    void rowsTheVectorLoopsRefuseStillComputeTheRightValues() {
        int n = 4 * SimdBackend.L + 3;
        Tensor two = Brasa.full(2f, 1).expand(n), three = Brasa.full(3f, 1).expand(n);
        float[] five = new float[n], six = new float[n];
        java.util.Arrays.fill(five, 5f);
        java.util.Arrays.fill(six, 6f);
        assertArrayEquals(five, two.add(three).toFloatArray(), "both operands broadcast along the row");
        assertArrayEquals(six, two.mul(three).toFloatArray(), "both operands broadcast along the row");
        Tensor m = Brasa.arange(2 * n).toFloat().reshape(2, n);
        float[] want = new float[2 * n];
        for (int j = 0; j < n; j++) {
            want[2 * j] = (float) Math.exp(j);
            want[2 * j + 1] = (float) Math.exp(n + j);
        }
        assertArrayEquals(want, m.t().exp().contiguous().toFloatArray(), 1e-6f * (float) Math.exp(2 * n), "a strided row");
    }
}
