package io.purebridge.engine.array;

import java.util.Objects;

/** What GET /arrays reports about an array: its name, id and Purity version. */
public record ArrayInfo(String name, String id, String version) {
    public ArrayInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
    }
}
