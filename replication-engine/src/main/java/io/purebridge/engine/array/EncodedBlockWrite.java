package io.purebridge.engine.array;

import java.util.BitSet;

/**
 * Optional capability next to {@link BlockDataAccess}: whole blocks written in their stored form
 * ({@code io.purebridge.engine.chunk.ChunkCodec}'s format: named by SHA-256, encoded), so a copy
 * that already holds its blocks in that form (an offloaded snapshot being restored) neither decodes
 * nor re-encodes them. The caller vouches for the names: it must have checked every block against
 * its hash, as the array stores and deduplicates by name.
 */
public interface EncodedBlockWrite {
    /**
     * Writes {@code hashes.length} whole blocks at the block-aligned {@code offsetBytes} of a live
     * volume: block i is {@code encoded[i]}, named {@code hashes[i]}. Errors and limits as
     * {@link BlockDataAccess#write}, plus INVALID_ARGUMENT for an offset not on a block boundary.
     */
    void writeEncoded(String volumeName, long offsetBytes, byte[][] hashes, byte[][] encoded);

    /**
     * Writes, by name alone and in one change, the blocks whose chunk this array already holds, so
     * a restore into an array that has the data (the array it was offloaded from, a replica)
     * fetches nothing for them, as FlashArray's restore reads back only the blocks the array
     * lacks. Block i from the block-aligned {@code offsetBytes} is named {@code hashes[i]}; a null
     * name leaves that block as it is. Errors as {@link #writeEncoded}.
     *
     * @return the indices of blocks not written because the array holds no chunk of that name
     *     (every block, where the array cannot tell, as for a pod's volume)
     */
    BitSet writeHeld(String volumeName, long offsetBytes, byte[][] hashes);
}
