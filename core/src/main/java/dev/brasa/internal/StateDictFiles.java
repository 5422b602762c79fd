package dev.brasa.internal;

import dev.brasa.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The door from {@code Brasa.save}/{@code Brasa.load} down to the file formats of
 * {@code dev.brasa.io}: a service ({@link java.util.ServiceLoader}) that
 * {@code dev.brasa.internal.io.StateDictFormats} provides, so that {@code dev.brasa}, below the
 * formats, does not depend on them (the formats build tensors, modules and optimizers).
 */
public interface StateDictFiles {
    /** Writes the state dict in the format the file name asks for. */
    void save(Map<String, Tensor> stateDict, Path file) throws IOException;

    /** Reads a state dict, the format detected from the file's first bytes. */
    Map<String, Tensor> load(Path file) throws IOException;
}
