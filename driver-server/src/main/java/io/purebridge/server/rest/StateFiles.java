package io.purebridge.server.rest;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The REST front end's small state files, each replaced whole on every change. */
final class StateFiles {
    private StateFiles() {
    }

    /**
     * Writes {@code content} to a temporary file, flushes it, then moves it in place: a reader (or a
     * restart) sees the old content or the new, never half of it.
     */
    static void replace(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, content);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
