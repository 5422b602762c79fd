package dev.brasa.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The classification report rounds as scikit-learn prints (Python's {@code :.2f}, half to even on the
 * exact binary value): every k/1000 against Python's own formatting (scripts/golden/two_decimals.py),
 * and a report whose recall is 615/1000.
 */
class MetricsRoundingTest {
    @Test
    void everyThousandthFormatsAsPython() throws IOException {
        String[] want;
        try (var in = MetricsRoundingTest.class.getResourceAsStream("/golden/two_decimals.txt")) {
            want = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip().split(" ");
        }
        assertEquals(1001, want.length);
        int differFromJava = 0;
        for (int k = 0; k <= 1000; k++) {
            double v = k / 1000.0;
            assertEquals(want[k], Metrics.f2(v), "k = " + k);
            if (!want[k].equals(String.format("%.2f", v))) differFromJava++;
        }
        assertEquals(50, differFromJava, "the cases Java's %.2f gets wrong, so this test can fail");
    }

    @Test
    void aRecallOf615In1000PrintsAsScikitLearn() {
        long[] target = new long[1000], predicted = new long[1000];
        for (int i = 0; i < 615; i++) predicted[i] = 0;
        for (int i = 615; i < 1000; i++) predicted[i] = 1;
        String report = Metrics.classificationReport(Brasa.tensor(predicted), Brasa.tensor(target), "a", "b");
        String line = report.lines().filter(l -> l.strip().startsWith("a ")).findFirst().orElseThrow();
        assertTrue(line.matches("\\s+a\\s+1\\.00\\s+0\\.61\\s+0\\.76\\s+1000"), line);
        Tensor t = Brasa.tensor(target);
        assertTrue(report.contains("accuracy") && t.numel() == 1000);
    }
}
