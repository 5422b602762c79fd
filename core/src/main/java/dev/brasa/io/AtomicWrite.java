package dev.brasa.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see the old content or the new, never a mix: a temporary file in
 * the same folder, fsync, atomic rename over the target, fsync of the folder. On failure the
 * temporary file is removed and the target is untouched. The file gets the permissions any new file
 * gets (0666 less the process's umask), so another user's process can read it where the umask allows.
 */
public final class AtomicWrite {
    /** Test hook: called after each step ("created", "written", "synced", "moved"); null in production. */
    static volatile java.util.function.Consumer<String> faultAfter;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private AtomicWrite() {}

    private static void step(String name) throws IOException {
        var hook = faultAfter;
        if (hook != null) {
            try {
                hook.accept(name);
            } catch (RuntimeException e) {
                throw new IOException("injected fault after " + name, e);
            }
        }
    }

    /** What writes the bytes. */
    @FunctionalInterface
    public interface Body {
        /** Writes the whole content to the channel. */
        void write(FileChannel ch) throws IOException;
    }

    /** Writes file atomically with body. */
    public static void write(Path file, Body body) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new java.nio.file.NoSuchFileException(dir + " (folder of " + file + ")");
        Path tmp;
        FileChannel opened;
        while (true) { // CREATE_NEW with no attributes: mode 0666 less the umask, as any program's new file (createTempFile gives 0600)
            tmp = dir.resolve("." + abs.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try {
                opened = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                break;
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                // another writer's temporary file: draw another name
            }
        }
        boolean done = false;
        try {
            try (FileChannel ch = opened) {
                step("created");
                body.write(ch);
                step("written");
                ch.force(true);
                step("synced");
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            step("moved");
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // some file systems cannot open or sync a folder; the rename itself is done
            }
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }
}
