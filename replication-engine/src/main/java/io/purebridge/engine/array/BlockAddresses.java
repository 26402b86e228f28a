package io.purebridge.engine.array;

/**
 * Optional capability next to {@link BlockDataAccess} of an array that stores blocks by content
 * address (the simulated array): which chunk each block of a volume or snapshot maps to, read from
 * the block map without reading data. A copy whose source names every block the same way (an
 * offloaded snapshot's manifest) checks the whole copy with it, where other arrays read it back.
 */
public interface BlockAddresses {
    /**
     * The names ({@code io.purebridge.engine.chunk.ChunkCodec}'s SHA-256 of the whole block) of
     * {@code count} blocks from {@code firstBlock}; null for a block that reads as zeros.
     *
     * @throws io.purebridge.engine.error.EngineException NOT_FOUND for an unknown volume or snapshot,
     *     OUT_OF_RANGE for blocks past its end, INVALID_ARGUMENT for more than
     *     {@link BlockDataAccess#MAX_IO_BYTES} worth of blocks
     */
    byte[][] blockAddresses(String name, long firstBlock, int count);

    /**
     * The stored form of chunks this array holds, by name: {@code ChunkCodec}'s codec byte and body,
     * the form an offload packs, so a copy need not decode and encode them again. Null for a null
     * name or one the array does not hold.
     *
     * @throws io.purebridge.engine.error.EngineException INVALID_ARGUMENT for more than
     *     {@link BlockDataAccess#MAX_IO_BYTES} worth of names
     */
    byte[][] storedChunks(byte[][] names);
}
