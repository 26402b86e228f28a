package io.purebridge.engine.sim;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** The stored form of a block-map page: which of its slots are used, then their chunk hashes. */
final class PageCodec {
    private PageCodec() {
    }

    /** 32-byte occupancy bitmap, then the hashes of the occupied slots in order. */
    static byte[] encode(byte[][] slots) {
        int count = 0;
        byte[] bitmap = new byte[BlockStore.PAGE_SLOTS / 8];
        for (int i = 0; i < BlockStore.PAGE_SLOTS; i++) {
            if (slots[i] != null) {
                bitmap[i >> 3] |= (byte) (1 << (i & 7));
                count++;
            }
        }
        ByteBuffer out = ByteBuffer.allocate(bitmap.length + count * BlockStore.HASH_BYTES).put(bitmap);
        for (byte[] hash : slots) {
            if (hash != null) {
                out.put(hash);
            }
        }
        return out.array();
    }

    static byte[][] decode(byte[] raw) {
        byte[][] slots = new byte[BlockStore.PAGE_SLOTS][];
        int pos = BlockStore.PAGE_SLOTS / 8;
        for (int i = 0; i < BlockStore.PAGE_SLOTS; i++) {
            if ((raw[i >> 3] & (1 << (i & 7))) != 0) {
                slots[i] = Arrays.copyOfRange(raw, pos, pos + BlockStore.HASH_BYTES);
                pos += BlockStore.HASH_BYTES;
            }
        }
        return slots;
    }
}
