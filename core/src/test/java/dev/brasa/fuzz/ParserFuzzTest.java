package dev.brasa.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.data.datasets.CIFAR10;
import dev.brasa.data.datasets.Idx;
import dev.brasa.io.Safetensors;
import dev.brasa.io.TorchFile;
import dev.brasa.nn.BatchNorm1d;
import dev.brasa.nn.Linear;
import dev.brasa.nn.Sequential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Coverage-guided fuzz targets (Jazzer) for every parser of outside bytes. Allowed outcomes: a
 * value, or an IOException (a FileFormatException names the file and the offset). Anything else
 * (another exception, OutOfMemoryError from a header claiming a huge size, a hang) is a finding.
 *
 * <p>In {@code scripts/test} each target replays its seed corpus
 * ({@code core/src/test/resources/fuzz/<target>/}) as a regression test. To fuzz for real:
 * {@code scripts/fuzz <target>} runs one target for its maxDuration (60 s); {@code scripts/fuzz-all}
 * runs every target and writes bench/results/fuzz.md.
 */
class ParserFuzzTest {
    private static Path scratch(String name, byte[] data) throws IOException {
        Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "brasa-fuzz-" + ProcessHandle.current().pid()));
        Path f = dir.resolve(name);
        Files.write(f, data);
        return f;
    }

    @FuzzTest(maxDuration = "60s")
    void safetensors(byte[] data) throws IOException {
        Path f = scratch("x.safetensors", data);
        try {
            Map<String, Tensor> m = Safetensors.load(f);
            for (Tensor t : m.values()) t.numel();
        } catch (IOException expected) {
            // allowed: a file-format error naming file and offset
        }
    }

    @FuzzTest(maxDuration = "60s")
    void idx(byte[] data) throws IOException {
        Path f = scratch("x-idx3-ubyte", data);
        try {
            Idx.read(f, data.length > 3 && data[3] == 1 ? 1 : 3);
        } catch (IOException expected) {
            // allowed
        }
    }

    @FuzzTest(maxDuration = "60s")
    void cifar(byte[] data) throws IOException {
        Path f = scratch("test_batch.bin", data);
        try {
            CIFAR10.load(f.getParent(), false);
        } catch (IOException expected) {
            // allowed
        }
    }

    /**
     * PyTorch's torch.save zip format (restricted unpickler, zip reader, storages and views): read as
     * nested values and flattened into a state dict. Seeds: files PyTorch 1.13 wrote, a legacy file and
     * two hostile pickles (scripts/golden/pth.py).
     */
    @FuzzTest(maxDuration = "60s")
    void pth(byte[] data) throws IOException { readTorch(scratch("x.pt", data)); }

    /** Reads a torch.save file both ways (nested, and flattened into a state dict); a file-format error is allowed. */
    private static void readTorch(Path f) {
        try {
            TorchFile.read(f);
            for (Tensor t : Brasa.load(f).values()) t.numel();
        } catch (IOException expected) {
            // allowed: a file-format error naming file and offset
        }
    }

    /**
     * The restricted unpickler on its own: the bytes are data.pkl inside an otherwise valid torch.save
     * zip (four 64-byte storages, keys 0-3, CRCs right), so mutations reach the opcodes instead of
     * failing the zip's CRC check. Seeds: the data.pkl of files PyTorch 1.13 wrote.
     */
    @FuzzTest(maxDuration = "60s")
    void pthPickle(byte[] data) throws IOException { readTorch(scratchZip("p.pt", data)); }

    private static Path scratchZip(String name, byte[] pickle) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bytes)) {
            stored(z, "archive/data.pkl", pickle);
            for (int i = 0; i < 4; i++) stored(z, "archive/data/" + i, new byte[64]);
            stored(z, "archive/version", new byte[] {'3', '\n'});
        }
        return scratch(name, bytes.toByteArray());
    }

    private static void stored(java.util.zip.ZipOutputStream z, String name, byte[] b) throws IOException {
        java.util.zip.ZipEntry e = new java.util.zip.ZipEntry(name);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b);
        e.setMethod(java.util.zip.ZipEntry.STORED);
        e.setSize(b.length);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(b);
        z.closeEntry();
    }

    /**
     * Plain-data pickles with numpy arrays (io.Pickle, CIFAR-10's python batches): read, and every
     * numpy array in a dict converted. Seeds: arrays numpy wrote and CIFAR batches in protocols 2-5
     * (scripts/golden/cifar_py.py).
     */
    @FuzzTest(maxDuration = "60s")
    void pickle(byte[] data) throws IOException {
        Path f = scratch("data_batch_1", data);
        try {
            if (dev.brasa.io.Pickle.read(f) instanceof Map<?, ?> m) {
                for (Object v : m.values()) {
                    if (v instanceof dev.brasa.io.Pickle.NumpyArray a) {
                        if (a.dtype().startsWith("f")) a.toDoubleArray();
                        else a.toLongArray();
                    }
                }
            }
        } catch (IOException expected) {
            // allowed: a file-format error naming file and offset
        }
    }

    /** A state dict read from bytes and loaded into a model: file errors or a clear shape/key error. */
    @FuzzTest(maxDuration = "60s")
    void stateDict(byte[] data) throws IOException {
        Path f = scratch("sd.safetensors", data);
        Map<String, Tensor> sd;
        try {
            sd = Brasa.load(f);
        } catch (IOException expected) {
            return;
        }
        Sequential model = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
        try {
            model.loadStateDict(sd, false);
        } catch (IllegalArgumentException expected) {
            // allowed: a key or shape mismatch named in the message
        }
    }
}
