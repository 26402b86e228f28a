/**
 * Simulated FlashArrays: a persistent storage engine with real data, hosted inside the service.
 *
 * <h2>Shape</h2>
 * <ul>
 *   <li>{@link io.purebridge.engine.sim.SimulatedArrayHost} opens the arrays the service config's
 *       [arrays] section defines, each in its own RocksDB under {@code dataDir/<name>/}, checks API
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
 * Every mutation is one RocksDB WriteBatch written with sync=true (WAL fsync) before the call
 * returns; memory is updated only afterwards, so a failed call changes nothing and kill -9 loses
 * nothing acknowledged. Metadata values are small JSON documents (Jackson); in memory the array
 * keeps only metadata records (tens of MiB for 60,000 objects), never block data.
 *
 * <h2>Data</h2>
 * 32 KiB blocks; content-addressed chunks (SHA-256) stored once with reference counts,
 * LZ4-compressed (chunks stored earlier with Deflate stay readable) into RocksDB blob files; block
 * maps are page tables of shared, reference-counted 256-block pages, so snapshot, clone, copy,
 * overwrite and revert cost O(written pages) = O(written bytes / 8 MiB) in metadata and no data
 * copy; the first write to a shared page copies that page. Unwritten and all-zero blocks take no space; chunks are freed when
 * their last reference goes (eradication, overwrite, truncation), never on destroy. See
 * {@link io.purebridge.engine.sim.BlockStore}.
 */
package io.purebridge.engine.sim;
