package io.purebridge.engine.array;

/**
 * A protection group's replication target.
 *
 * @param arrayName the target array
 * @param allowed the target has allowed the group
 * @param status {@code replicating}, {@code disallowed} or {@code suspended} (unreachable)
 */
public record PgTargetRecord(String arrayName, boolean allowed, String status) {
}
