package dev.brasa.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** -Dprograms: prefixes of the programs' names; a prefix that selects nothing is refused by name. */
class ProgramsFilterTest {
    @Test
    void unsetOrBlankSelectsEverything() {
        assertNull(Programs.only(null));
        assertNull(Programs.only(" "));
    }

    @Test
    void prefixesOfProgramNamesAreKept() {
        assertArrayEquals(new String[] {"ffnn_300_400", "mlp"}, Programs.only("ffnn_300_400,mlp"));
    }

    @Test
    void aPrefixThatStartsNoProgramIsRefusedWithItsValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> Programs.only("xor_step,mpl_batch64"));
        assertTrue(e.getMessage().contains("'mpl_batch64'") && e.getMessage().contains("xor_epoch"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Programs.only("xor_step,"));
    }
}
