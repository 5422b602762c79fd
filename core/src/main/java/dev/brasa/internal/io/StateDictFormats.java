package dev.brasa.internal.io;

import dev.brasa.Tensor;
import dev.brasa.internal.StateDictFiles;
import dev.brasa.io.Safetensors;
import dev.brasa.io.TorchFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The formats behind {@code Brasa.save}/{@code Brasa.load}: PyTorch's zip format for the names
 * PyTorch gives its files ({@code .pt}, {@code .pth}, {@code .tar}, {@code .bin}) and for any file
 * that starts as a zip, safetensors otherwise. Found through {@link java.util.ServiceLoader}
 * ({@code module-info} and {@code META-INF/services} both name it).
 */
public final class StateDictFormats implements StateDictFiles {
    /** For the service loader. */
    public StateDictFormats() {}

    @Override
    public void save(Map<String, Tensor> stateDict, Path file) throws IOException {
        if (TorchFile.isTorchName(file)) TorchFile.saveStateDict(stateDict, file);
        else Safetensors.save(stateDict, file);
    }

    @Override
    public Map<String, Tensor> load(Path file) throws IOException {
        if (TorchFile.looksLikeTorchFile(file)) return TorchFile.loadStateDict(file);
        return Safetensors.load(file);
    }
}
