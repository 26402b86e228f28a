package io.purebridge.server.config;

import java.util.Optional;

/** Command-line values that win over the file's [server] keys. */
public record ConfigOverrides(Optional<String> dataDir, Optional<String> listenSocket, Optional<String> listenTcp) {
    public static ConfigOverrides none() {
        return new ConfigOverrides(Optional.empty(), Optional.empty(), Optional.empty());
    }
}
