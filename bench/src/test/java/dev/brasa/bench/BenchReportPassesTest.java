package dev.brasa.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** -Dgemm.passes: two passes by default; anything but a positive integer is refused with its value. */
class BenchReportPassesTest {
    @Test
    void unsetMeansTwoAndAPositiveIntegerIsKept() {
        assertEquals(2, BenchReport.passes(null));
        assertEquals(1, BenchReport.passes("1"));
        assertEquals(3, BenchReport.passes(" 3 "));
    }

    @Test
    void zeroNegativeOrNotANumberIsRefusedWithTheValue() {
        for (String bad : new String[] {"0", "-1", "two", ""}) {
            var e = assertThrows(IllegalArgumentException.class, () -> BenchReport.passes(bad));
            assertEquals("-Dgemm.passes must be a positive integer, got '" + bad + "'", e.getMessage());
        }
    }
}
