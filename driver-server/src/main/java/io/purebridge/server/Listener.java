package io.purebridge.server;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import java.io.IOException;

/**
 * One address the service listens on. {@link PurebridgeServer} asks it for a builder, adds the
 * services, starts the server, then tells the listener (e.g. to tighten the socket file's mode).
 */
public interface Listener {

    /** Prepares the address (e.g. removes a stale socket file) and returns a fresh builder for it. */
    ServerBuilder<?> prepare() throws IOException;

    /** Called right after the server bound its address. */
    default void started(Server server) throws IOException {
    }

    /** The bound address for people and scripts, e.g. {@code unix:/run/x.sock} or {@code tcp 127.0.0.1:5051}. */
    String describe(Server server);

    /** Releases what the listener owns (event loops, socket file) once its server has terminated. */
    default void close() {
    }

    /** A listener around a ready builder, e.g. an in-process one in tests. */
    static Listener of(ServerBuilder<?> builder, String description) {
        return new Listener() {
            @Override
            public ServerBuilder<?> prepare() {
                return builder;
            }

            @Override
            public String describe(Server server) {
                return description;
            }
        };
    }
}
