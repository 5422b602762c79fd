package dev.brasa.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not what it claims to be: names the file and the byte offset where reading failed. */
public class FileFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final long offset;

    /** A format error in file at offset. */
    public FileFormatException(Path file, long offset, String message) {
        super(file + ": " + message + " (at byte offset " + offset + ")");
        this.file = file;
        this.offset = offset;
    }

    /** The file. */
    public Path file() { return file; }

    /** The byte offset where the problem was found. */
    public long offset() { return offset; }
}
