package dev.brasa;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GEMM at sizes that take the blocked, packed and threaded paths (300 x 1000 x 200; the small golden
 * cases never leave the unblocked loops), in every layout and through Linear + ReLU, against PyTorch
 * 1.13 (scripts/golden/gemm.py). The inputs come from the seeded generator, which matches PyTorch's
 * bit for bit; the tolerance allows for another order of the 1000-term sums.
 */
class GoldenGemmTest {
    static Map<String, Tensor> golden() throws IOException {
        try {
            return Brasa.load(Path.of(GoldenGemmTest.class.getResource("/golden/gemm.safetensors").toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void blockedAndThreadedProductsMatchPyTorchInEveryLayout() throws IOException {
        Map<String, Tensor> g = golden();
        Brasa.manualSeed(11);
        Tensor a = Brasa.randn(300, 1000), b = Brasa.randn(1000, 200), weight = Brasa.randn(200, 1000), bias = Brasa.randn(200);
        Tensor x = Brasa.randn(1000, 300);
        Assertions2.assertClose(g.get("mm"), a.matmul(b), 1e-4, 2e-4, "NN 300x1000x200");
        Assertions2.assertClose(g.get("mm_bt"), a.matmul(weight.t()), 1e-4, 2e-4, "NT 300x1000x200");
        Assertions2.assertClose(g.get("mm_at"), x.t().matmul(b), 1e-4, 2e-4, "TN 300x1000x200");
        Assertions2.assertClose(g.get("linear_relu"), dev.brasa.nn.F.linear(a, weight, bias).relu(), 1e-4, 2e-4, "linear + relu");
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of("mm", "mm_bt", "mm_at", "linear_relu"), g.keySet(),
                "every fixture case has a check");
    }
}
