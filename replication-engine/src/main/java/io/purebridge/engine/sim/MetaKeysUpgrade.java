package io.purebridge.engine.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.WriteBatch;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves records written by releases whose volume groups and protection groups shared the key
 * prefix {@code g/} to their own kinds ({@link MetaKeys#VOLUME_GROUP}, {@link MetaKeys#PROTECTION_GROUP}),
 * in one synced batch when the array opens. A record is told apart by its fields: protection
 * groups carry {@code source} and {@code targets}, volume groups do not. Running it again finds
 * nothing to move.
 */
final class MetaKeysUpgrade {
    private static final Logger LOG = LoggerFactory.getLogger(MetaKeysUpgrade.class);
    /** The prefix both kinds shared; page keys ('g' + a page id below 2^56) never match it. */
    static final byte[] SHARED_GROUP_PREFIX = "g/".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetaKeysUpgrade() {
    }

    /** @return how many records were moved */
    static int run(SimStore store, String arrayName) {
        List<byte[][]> found = new ArrayList<>();
        store.scan(SHARED_GROUP_PREFIX, (key, value) -> found.add(new byte[][] {key, value}));
        if (found.isEmpty()) {
            return 0;
        }
        int moved = 0;
        try (WriteBatch batch = new WriteBatch()) {
            for (byte[][] record : found) {
                MetaKeys kind = kindOf(record[1]);
                if (kind == null) {
                    continue; // not a group record: leave it untouched
                }
                String name = new String(record[0], SHARED_GROUP_PREFIX.length,
                        record[0].length - SHARED_GROUP_PREFIX.length, StandardCharsets.UTF_8);
                batch.put(store.meta(), kind.key(name), record[1]);
                batch.delete(store.meta(), record[0]);
                moved++;
            }
            if (moved > 0) {
                store.write(batch);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException(arrayName + ": could not upgrade group records: " + e.getMessage(), e);
        }
        LOG.info("{}: moved {} group record(s) written by an earlier release to their own keys", arrayName, moved);
        return moved;
    }

    private static MetaKeys kindOf(byte[] value) {
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (IOException e) {
            return null;
        }
        if (node == null || !node.isObject() || !node.hasNonNull("name")) {
            return null;
        }
        return node.has("source") && node.has("targets") ? MetaKeys.PROTECTION_GROUP : MetaKeys.VOLUME_GROUP;
    }
}
