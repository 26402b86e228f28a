package io.purebridge.engine.array;

import java.util.List;

/**
 * A replication connection to another array (REST {@code /array-connections}).
 *
 * @param status {@code connected} or {@code unreachable}
 * @param types {@code sync-replication} and/or {@code async-replication}
 */
public record ArrayConnectionRecord(String remoteName, String status, List<String> types) {
    public ArrayConnectionRecord {
        types = List.copyOf(types);
    }
}
