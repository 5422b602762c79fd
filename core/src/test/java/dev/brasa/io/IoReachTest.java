package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.nn.Linear;
import dev.brasa.optim.SGD;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The io entry points no other test reached: each against what the file holds, read back through
 * a different path than the one that wrote it (the golden PyTorch files are the oracle for the
 * torch format).
 */
class IoReachTest {
    @TempDir Path tmp;

    @Test
    void stateDictsOfPyTorchFilesReadAsTheGenericReaderReadsThem() throws IOException {
        Path golden = TorchFileTest.golden("sequential.pth");
        Map<String, Tensor> sd = TorchFile.loadStateDict(golden);
        @SuppressWarnings("unchecked") Map<String, Object> raw = (Map<String, Object>) TorchFile.read(golden);
        assertEquals(raw.keySet(), sd.keySet());
        for (var e : sd.entrySet()) assertArrayEquals(((Tensor) raw.get(e.getKey())).toFloatArray(), e.getValue().toFloatArray(), e.getKey());
        Path mine = tmp.resolve("copy.pt");
        TorchFile.saveStateDict(sd, mine);
        Map<String, Tensor> back = Brasa.load(mine);
        for (var e : sd.entrySet()) assertArrayEquals(e.getValue().toFloatArray(), back.get(e.getKey()).toFloatArray(), e.getKey());
        assertTrue(TorchFile.isTorchName(Path.of("m.pth")));
        assertTrue(TorchFile.isTorchName(Path.of("ckpt.TAR")));
        assertTrue(TorchFile.isTorchName(Path.of("pytorch_model.bin")));
        assertFalse(TorchFile.isTorchName(Path.of("m.safetensors")));
        assertFalse(TorchFile.isTorchName(Path.of("pt")));
    }

    @Test
    void safetensorsWithAndWithoutMetadata() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", Brasa.tensor(1f, 2f));
        t.put("n", Brasa.tensor(3L));
        Path f = tmp.resolve("x.safetensors");
        Safetensors.save(t, f);
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals(Map.of("format", "pt"), c.metadata(), "as safetensors.torch.save_file writes");
        assertArrayEquals(new float[] {1, 2}, c.tensors().get("a").toFloatArray());
        Path g = tmp.resolve("y.safetensors");
        Safetensors.save(t, Map.of("format", "pt", "note", "ñ"), g);
        Safetensors.Contents d = Safetensors.read(g);
        assertEquals(Map.of("format", "pt", "note", "ñ"), d.metadata());
        assertArrayEquals(new long[] {3}, d.tensors().get("n").toLongArray());
        Safetensors.Contents made = new Safetensors.Contents(d.tensors(), d.metadata());
        assertEquals(d.metadata(), made.metadata());
    }

    @Test
    void checkpointPartsReadBackAsSaved() throws IOException {
        Brasa.manualSeed(2);
        Linear m = new Linear(3, 2);
        SGD opt = new SGD(m.parameters(), 0.1);
        Path f = tmp.resolve("ck.safetensors");
        Checkpoint.save(f, m, opt, 7, Map.of("torch", Brasa.defaultGenerator()));
        Checkpoint c = Checkpoint.load(f);
        assertEquals(7, c.epoch());
        assertEquals(m.stateDict().keySet(), c.modelState().keySet());
        assertArrayEquals(m.weight().toFloatArray(), c.modelState().get("weight").toFloatArray());
        assertEquals(opt.stateDict().keySet(), c.optimizerState().keySet());
    }

    @Test
    void aFormatErrorNamesFileOffsetAndProblem() {
        FileFormatException e = new FileFormatException(Path.of("w.pt"), 42, "bad thing");
        assertEquals("w.pt: bad thing (at byte offset 42)", e.getMessage());
        assertEquals(Path.of("w.pt"), e.file());
        assertEquals(42, e.offset());
    }
}
