/** Files: safetensors state dicts ({@link dev.brasa.io.Safetensors}), atomic writes, and {@link dev.brasa.io.FileFormatException}. */
package dev.brasa.io;
