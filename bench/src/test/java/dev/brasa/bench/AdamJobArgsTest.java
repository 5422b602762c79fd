package dev.brasa.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AdamJob's command line: a mistake is one line naming what was given; right arguments pass. */
class AdamJobArgsTest {
    @TempDir Path tmp;

    @Test
    void aMissingOrBadEpochCountNamesTheArguments() {
        String usage = "usage: AdamJob DATA_DIR EPOCHS [TIMES_FILE [adam|sgd]] (EPOCHS a positive integer), got ";
        assertEquals(usage + "[]", AdamJob.mistake(new String[] {}));
        assertEquals(usage + "[d, x]", AdamJob.mistake(new String[] {"d", "x"}));
        assertEquals(usage + "[d, 0]", AdamJob.mistake(new String[] {"d", "0"}));
        assertEquals(usage + "[d, -3]", AdamJob.mistake(new String[] {"d", "-3"}));
        assertEquals(usage + "[d, 5, t, u]", AdamJob.mistake(new String[] {"d", "5", "t", "u"}));
        assertEquals(usage + "[d, 5, t, SGD]", AdamJob.mistake(new String[] {"d", "5", "t", "SGD"}));
        assertEquals(usage + "[d, 5, t, sgd, u]", AdamJob.mistake(new String[] {"d", "5", "t", "sgd", "u"}));
    }

    @Test
    void aFolderWithoutFashionMnistIsNamedAndOneWithItPasses() throws IOException {
        assertEquals("AdamJob: " + tmp + " holds no Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz])",
                AdamJob.mistake(new String[] {tmp.toString(), "5"}));
        Files.write(tmp.resolve("train-images-idx3-ubyte.gz"), new byte[0]);
        assertNull(AdamJob.mistake(new String[] {tmp.toString(), "5"}));
        assertNull(AdamJob.mistake(new String[] {tmp.toString(), "5", tmp.resolve("times.txt").toString()}));
        assertNull(AdamJob.mistake(new String[] {tmp.toString(), "5", tmp.resolve("times.txt").toString(), "sgd"}));
        assertNull(AdamJob.mistake(new String[] {tmp.toString(), "5", tmp.resolve("times.txt").toString(), "adam"}));
    }
}
