/**
 * Files: PyTorch's own checkpoint format ({@link dev.brasa.io.TorchFile}, the zip {@code torch.save}
 * writes, read through a weights-only unpickler that never runs the file's pickle), safetensors
 * ({@link dev.brasa.io.Safetensors}), training checkpoints in either ({@link dev.brasa.io.Checkpoint}),
 * atomic writes, and {@link dev.brasa.io.FileFormatException}, which names the file and the byte offset
 * of what is wrong.
 */
package dev.brasa.io;
