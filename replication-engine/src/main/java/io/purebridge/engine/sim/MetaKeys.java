package io.purebridge.engine.sim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Every kind of key in a simulated array's meta column family: the one place a key prefix is
 * spelled. No prefix is a prefix of another (MetaKeysTest checks every pair), so a scan of one
 * kind never returns another kind's records. Before this class, volume groups and protection
 * groups both wrote {@code g/NAME}; {@link MetaKeysUpgrade} moves such data on open.
 */
enum MetaKeys {
    /** The array's own state (a single key). */
    ARRAY("a"),
    VOLUME("v/"),
    SNAPSHOT("s/"),
    /** A host and its connections. */
    HOST("h/"),
    VOLUME_GROUP("vg/"),
    /** A volume's QoS limits and tags, by volume id. */
    VOLUME_EXTRAS("x/"),
    PROTECTION_GROUP("pg/"),
    /** A protection-group snapshot, {@code G/<group>.<N>}. */
    PROTECTION_GROUP_SNAPSHOT("G/"),
    /** Blocks written in a pod while its peer was stale: pod NUL object NUL block (8 bytes). */
    POD_DIRTY_BLOCK("d/"),
    /** The next free block-map page id (a single key). */
    NEXT_PAGE_ID("P"),
    /** A volume's or snapshot's block map: map id (8 bytes), page index (8 bytes) -> page id. */
    MAP_TABLE("t"),
    /** A block-map page: page id (8 bytes) -> up to 256 chunk hashes. */
    PAGE("g"),
    /** How many maps share a page: page id (8 bytes) -> count. */
    PAGE_OWNERS("o"),
    /** A chunk's reference count: SHA-256 (32 bytes) -> count. */
    CHUNK_REFS("r"),
    /** Where a chunk's record is in the chunk log: SHA-256 (32 bytes) -> segment, offset, length. */
    CHUNK_LOCATION("l"),
    /** The last chunk-log commit record applied to this store, and where to scan from (a single key). */
    LOG_APPLIED("L");

    private final byte[] prefix;

    MetaKeys(String prefix) {
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
    }

    /** The key prefix of this kind (a copy). */
    byte[] prefix() {
        return prefix.clone();
    }

    /** The prefix as text, for record kinds keyed by name. */
    String text() {
        return new String(prefix, StandardCharsets.UTF_8);
    }

    /** The key of the record named {@code name}. */
    byte[] key(String name) {
        return SimStore.bytes(text() + name);
    }

    /** The key of a single-key kind (ARRAY, NEXT_PAGE_ID). */
    byte[] key() {
        return prefix();
    }

    /** Prefix followed by the given longs, big-endian (block maps, pages, their owners). */
    byte[] key(long... numbers) {
        ByteBuffer out = ByteBuffer.allocate(prefix.length + 8 * numbers.length).put(prefix);
        for (long n : numbers) {
            out.putLong(n);
        }
        return out.array();
    }

    /** Prefix followed by raw bytes (chunk hashes). */
    byte[] key(byte[] suffix) {
        return ByteBuffer.allocate(prefix.length + suffix.length).put(prefix).put(suffix).array();
    }
}
