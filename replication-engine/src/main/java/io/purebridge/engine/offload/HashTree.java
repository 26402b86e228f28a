package io.purebridge.engine.offload;

import io.purebridge.engine.chunk.ChunkCodec;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifest's integrity hash tree: a binary Merkle tree over the blocks' SHA-256 names, in
 * block order. The root in a manifest's header pins the whole block table, so verify can recompute
 * it from the chunks it reads back and tell a damaged table from a damaged chunk.
 */
public final class HashTree {
    private HashTree() {
    }

    public static byte[] root(List<byte[]> leaves) {
        if (leaves.isEmpty()) {
            return ChunkCodec.sha256(new byte[0]);
        }
        MessageDigest d = ChunkCodec.newDigest();
        List<byte[]> level = leaves;
        while (level.size() > 1) {
            List<byte[]> next = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i < level.size(); i += 2) {
                if (i + 1 == level.size()) {
                    next.add(level.get(i));
                } else {
                    d.reset();
                    d.update((byte) 1);
                    d.update(level.get(i));
                    d.update(level.get(i + 1));
                    next.add(d.digest());
                }
            }
            level = next;
        }
        return level.get(0);
    }
}
