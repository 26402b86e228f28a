package io.purebridge.engine.sim;

import java.util.HashMap;
import java.util.Map;

/** The whole blocks of one write, hashed and compressed once, for the local array and a pod's peers alike. */
final class WriteBlocks {
    private WriteBlocks() {
    }

    /**
     * Hashes and compresses the whole blocks of a write before any lock is taken, so other callers
     * are not held up (and a pod write does it once for both arrays).
     */
    static Map<Long, BlockStore.Prepared> prepare(long offsetBytes, byte[] data) {
        Map<Long, BlockStore.Prepared> prepared = new HashMap<>();
        if (offsetBytes >= 0 && data.length > 0) {
            long first = (offsetBytes + BlockStore.BLOCK_SIZE - 1) / BlockStore.BLOCK_SIZE;
            long end = (offsetBytes + data.length) / BlockStore.BLOCK_SIZE;
            if (end > first) {
                int from = (int) (first * BlockStore.BLOCK_SIZE - offsetBytes);
                BlockStore.Prepared[] all = BlockStore.prepareAll(data, from, (int) (end - first));
                for (int i = 0; i < all.length; i++) {
                    prepared.put(first + i, all[i]);
                }
            }
        }
        return prepared;
    }
}
