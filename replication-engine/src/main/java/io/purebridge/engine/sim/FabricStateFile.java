package io.purebridge.engine.sim;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.error.EngineException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Where the fabric keeps its {@link FabricState}: one JSON file, replaced atomically and fsynced. */
final class FabricStateFile {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path file;

    FabricStateFile(Path file) {
        this.file = file;
    }

    /** The stored state, or a fresh one when there is none yet. */
    FabricState load() {
        if (!Files.exists(file)) {
            return new FabricState();
        }
        try {
            return JSON.readValue(file.toFile(), FabricState.class);
        } catch (IOException e) {
            throw EngineException.internal("FABRIC_STATE_CORRUPT", "cannot read replication state " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /** Writes the state to a temp file, fsyncs it and renames it over the old one. */
    void save(FabricState state) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw EngineException.internal("FABRIC_STATE_WRITE_FAILED", "cannot write replication state " + file
                    + ": " + e.getMessage() + "; check the data directory", e);
        }
    }
}
