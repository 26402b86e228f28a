/**
 * Simulated FlashArrays: a persistent storage engine with real data, hosted inside the service.
 *
 * <h2>Shape</h2>
 * <ul>
 *   <li>{@link io.purebridge.engine.sim.SimulatedArrayHost} opens the arrays the service config's
 *       [arrays] section defines, each in its own directory {@code dataDir/<name>/}, checks API
 *       tokens and serves {@code sim://NAME} endpoints as an
 *       {@link io.purebridge.engine.array.ArrayConnector}.</li>
 *   <li>{@link io.purebridge.engine.sim.SimulatedFlashArray} implements the FlashArray SPI with
 *       FlashArray semantics (names, destroy/recover/eradicate with an eradication delay on an
 *       injectable clock, lowest free LUN, initiator uniqueness, deterministic target ports) and
 *       {@link io.purebridge.engine.array.BlockDataAccess} for real bytes. It is a facade: each job
 *       has its own class (catalog and commit, volumes, hosts, data path, groups and QoS, tags, pod
 *       routing); docs/ARCHITECTURE.md draws them.</li>
 *   <li>{@link io.purebridge.engine.sim.ReplicationFabric} replicates between the arrays of one host
 *       and sees each array only as a {@link io.purebridge.engine.sim.ReplicaStore}.</li>
 * </ul>
 *
 * <h2>Persistence</h2>
 * Each array keeps metadata (JSON records, block maps, chunk references and locations) in a RocksDB
 * and data in an append-only chunk log ({@link io.purebridge.engine.sim.chunklog.ChunkLog}) in the
 * same directory. Every mutation is one {@link io.purebridge.engine.sim.SimStore} write: new chunks
 * and a commit record holding the RocksDB batch are appended to the log and fsynced (group commit)
 * before the batch is applied to RocksDB and the call returns; memory is updated only afterwards,
 * so a failed call changes nothing, and after kill -9 the log's commit records replay what RocksDB
 * lost: nothing acknowledged is lost. In memory the array keeps only metadata records (tens of MiB
 * for 60,000 objects), never block data.
 *
 * <h2>Data</h2>
 * 32 KiB blocks; content-addressed chunks (SHA-256) stored once with reference counts, in
 * {@link io.purebridge.engine.chunk.ChunkCodec}'s format (LZ4 or raw; chunks stored earlier with
 * Deflate stay readable), written once to the chunk log and compacted in the background
 * ({@link io.purebridge.engine.sim.LogCompactor}); block maps are page tables of shared,
 * reference-counted 256-block pages, so snapshot, clone, copy, overwrite and revert cost
 * O(written pages) = O(written bytes / 8 MiB) in metadata and no data copy; the first write to a
 * shared page copies that page. Unwritten and all-zero blocks take no space; chunks are freed when
 * their last reference goes (eradication, overwrite, truncation), never on destroy. See
 * {@link io.purebridge.engine.sim.BlockStore}.
 */
package io.purebridge.engine.sim;
