package dev.brasa.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.brasa.cuda.Cublas;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The row-major trick without a GPU: the arguments the CUDA backend hands cublasSgemm
 * (C^T = B^T A^T, B first) are fed to a Java emulation of cuBLAS's column-major SGEMM, as the
 * reference manual defines it, and the result is compared with a plain row-major product, for
 * every layout and for padded leading dimensions.
 */
class CublasArgsTest {

    /** Column-major C[m x n] = op(A)[m x k] op(B)[k x n], as cublasSgemm defines it (alpha 1, beta 0). */
    private static void cublasSgemm(int opA, int opB, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                    float[] c, int ldc) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = opA == Cublas.CUBLAS_OP_N ? a[aOff + i + p * lda] : a[aOff + p + i * lda];
                    float bv = opB == Cublas.CUBLAS_OP_N ? b[bOff + p + j * ldb] : b[bOff + j + p * ldb];
                    s += av * bv;
                }
                c[i + j * ldc] = (float) s;
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}x{2} ta={3} tb={4} pad={5}")
    @CsvSource({"5,7,3,false,false,0", "5,7,3,true,false,0", "5,7,3,false,true,0", "5,7,3,true,true,0", "1,9,4,false,true,2",
        "6,1,8,true,false,3", "4,4,1,true,true,1"})
    void theRowMajorTrickGivesTheRowMajorProduct(int m, int k, int n, boolean ta, boolean tb, int pad) {
        Random r = new Random(m * 31 + k * 7 + n);
        // A [m, k] row-major with row stride k + pad, or stored transposed ([k, m] with row stride m + pad)
        int[] sa = ta ? new int[] {0, 1, m + pad} : new int[] {0, k + pad, 1};
        int[] sb = tb ? new int[] {0, 1, k + pad} : new int[] {0, n + pad, 1};
        float[] a = new float[(ta ? k : m) * ((ta ? m : k) + pad)], b = new float[(tb ? n : k) * ((tb ? k : n) + pad)];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
        float[] expect = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[i * sa[1] + p * sa[2]] * b[p * sb[1] + j * sb[2]];
                expect[i * n + j] = (float) s;
            }
        }
        CudaBackend.Blas g = CudaBackend.blasArgs(sa, sb, m, n, k);
        float[] c = new float[m * n];
        // the call the backend makes: cublasSgemm(opB, opA, n, m, k, B, ldb, A, lda, C, ldc = n)
        cublasSgemm(g.opB(), g.opA(), n, m, k, b, 0, g.ldb(), a, 0, g.lda(), c, n);
        for (int i = 0; i < m * n; i++) assertEquals(expect[i], c[i], 1e-5, "element " + i);
    }

    @ParameterizedTest(name = "strides {0}")
    @CsvSource({"2;3", "3;2"})
    void anOperandWithoutAUnitStrideIsCopiedFirst(String s) {
        String[] p = s.split(";");
        int[] bad = {0, Integer.parseInt(p[0]) * 4, Integer.parseInt(p[1])};
        assertNull(CudaBackend.blasArgs(bad, new int[] {0, 4, 1}, 3, 4, 4));
        assertNull(CudaBackend.blasArgs(new int[] {0, 4, 1}, bad, 3, 4, 4));
    }

    /** Vectors whose size-1 dimension carries an arbitrary stride (unsqueezed 1-d tensors, strided slices). */
    @ParameterizedTest(name = "{0}x{1}x{2} a {3} b {4}")
    @CsvSource({"1,5,1,0;7;1,0;1;7", "1,5,1,0;0;1,0;1;0", "1,4,3,0;9;2,0;3;1", "6,4,1,0;4;1,0;1;0", "1,3,1,0;1;3,0;2;5",
        "3,1,4,0;1;0,0;0;1", "2,1,3,0;1;0,0;0;2"})
    void sizeOneDimensionsMayCarryAnyStride(int m, int k, int n, String as, String bs) {
        int[] sa = java.util.Arrays.stream(as.split(";")).mapToInt(Integer::parseInt).toArray();
        int[] sb = java.util.Arrays.stream(bs.split(";")).mapToInt(Integer::parseInt).toArray();
        Random r = new Random(m + 10L * k + 100L * n);
        float[] a = new float[64], b = new float[64];
        for (int i = 0; i < 64; i++) {
            a[i] = r.nextFloat() - 0.5f;
            b[i] = r.nextFloat() - 0.5f;
        }
        CudaBackend.Blas g = CudaBackend.blasArgs(sa, sb, m, n, k);
        org.junit.jupiter.api.Assertions.assertNotNull(g, "a vector operand must not need a copy");
        float[] c = new float[m * n];
        cublasSgemm(g.opB(), g.opA(), n, m, k, b, 0, g.ldb(), a, 0, g.lda(), c, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[i * sa[1] + p * sa[2]] * b[p * sb[1] + j * sb[2]];
                assertEquals((float) s, c[i * n + j], 1e-5, "element " + i + "," + j);
            }
        }
    }
}
