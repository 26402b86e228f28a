package io.purebridge.engine.array;

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
}
