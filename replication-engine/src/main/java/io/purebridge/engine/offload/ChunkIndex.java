package io.purebridge.engine.offload;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * What the bucket already holds, from its manifests: block hash to stored location. An
 * incremental offload sends only chunks missing here; the rest are referenced where they lie.
 */
final class ChunkIndex {
    /** Where one stored chunk lies. */
    record Location(String pack, int offset, int length) {
    }

    private final Map<ByteBuffer, Location> byHash = new HashMap<>();

    void add(Manifest m) {
        for (int i = 0; i < m.blocks(); i++) {
            if (!m.isZero(i)) {
                byHash.putIfAbsent(ByteBuffer.wrap(m.hashes()[i]), new Location(m.packs().get(m.pack()[i]),
                        m.offset()[i], m.length()[i]));
            }
        }
    }

    Location find(byte[] hash) {
        return byHash.get(ByteBuffer.wrap(hash));
    }

    void put(byte[] hash, Location loc) {
        byHash.putIfAbsent(ByteBuffer.wrap(hash), loc);
    }

    int size() {
        return byHash.size();
    }
}
