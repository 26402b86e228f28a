package io.purebridge.engine.sim;

import static io.purebridge.engine.sim.ArrayCatalog.checkIoSize;
import static io.purebridge.engine.sim.ArrayCatalog.checkRange;
import static io.purebridge.engine.sim.ArrayCatalog.destroyed;
import static io.purebridge.engine.sim.ArrayCatalog.ratio;
import static io.purebridge.engine.sim.ArrayCatalog.volumeNotFound;

import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.array.VolumeSpace;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.sim.StoredState.Snapshot;
import io.purebridge.engine.sim.StoredState.Volume;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;

/**
 * The data path of one array, on this array only: block writes and reads, checksums, space
 * accounting and the consistency check. A pod write reaches here through {@link PodRouting}.
 */
final class DataPath {
    private final ArrayCatalog c;

    DataPath(ArrayCatalog catalog) {
        this.c = catalog;
    }

    ArraySpace space() {
        return c.read(() -> {
            long provisioned = 0;
            long liveBlocks = 0;
            for (Volume v : c.volumes.values()) {
                if (!v.destroyed()) {
                    provisioned += v.provisionedBytes();
                    liveBlocks += v.writtenBlocks();
                }
            }
            long unique = c.state.uniqueBytes();
            long logical = liveBlocks * BlockStore.BLOCK_SIZE;
            return new ArraySpace(c.config.capacityBytes(), unique + c.state.snapshotBytes(), provisioned, unique,
                    c.state.snapshotBytes(), ratio(logical, unique), ratio(provisioned, unique));
        });
    }

    /**
     * Writes locally. With {@code dirtyPod} the written blocks are also recorded as changed since the
     * pod's peer went stale, in the same batch (so resync cannot miss an acknowledged write).
     */
    void write(String volumeName, long offsetBytes, byte[] data, String dirtyPod) {
        Objects.requireNonNull(data, "data");
        checkIoSize(volumeName, data.length);
        writePrepared(volumeName, offsetBytes, data, WriteBlocks.prepare(offsetBytes, data), dirtyPod);
    }

    /** Whole blocks in their stored form (see {@link io.purebridge.engine.array.EncodedBlockWrite}). */
    void writeEncoded(String volumeName, long offsetBytes, byte[][] hashes, byte[][] encoded) {
        checkAligned(volumeName, offsetBytes);
        if (hashes.length != encoded.length) {
            throw EngineException.invalidArgument("BLOCKS_MISMATCHED", "Encoded blocks of " + volumeName + " need one"
                    + " body per name; got " + hashes.length + " names and " + encoded.length + " bodies.");
        }
        Map<Long, BlockStore.Prepared> prepared = new HashMap<>();
        long first = offsetBytes / BlockStore.BLOCK_SIZE;
        for (int i = 0; i < hashes.length; i++) {
            prepared.put(first + i, hashes[i] == null ? new BlockStore.Prepared(null, null)
                    : new BlockStore.Prepared(hashes[i], encoded[i]));
        }
        writePrepared(volumeName, offsetBytes, hashes.length * BlockStore.BLOCK_SIZE, null, prepared, null);
    }

    void writePrepared(String volumeName, long offsetBytes, byte[] data, Map<Long, BlockStore.Prepared> prepared,
            String dirtyPod) {
        writePrepared(volumeName, offsetBytes, data.length, data, prepared, dirtyPod);
    }

    /**
     * The blocks of {@code hashes} whose chunk this array holds, written by name alone in one
     * change; returns the indices of the others (not written). See
     * {@link io.purebridge.engine.array.EncodedBlockWrite#writeHeld}.
     */
    BitSet writeHeld(String volumeName, long offsetBytes, byte[][] hashes) {
        checkAligned(volumeName, offsetBytes);
        int length = hashes.length * BlockStore.BLOCK_SIZE;
        checkIoSize(volumeName, length);
        BitSet missing = new BitSet(hashes.length);
        SimStore.PendingCommit pending = c.mutate(() -> {
            c.io.served();
            Volume v = writableVolume(volumeName, offsetBytes, length);
            long written = v.writtenBlocks();
            boolean changed = false;
            try (Tx tx = new Tx()) {
                long first = offsetBytes / BlockStore.BLOCK_SIZE;
                for (int i = 0; i < hashes.length; i++) {
                    if (hashes[i] == null) {
                        continue;
                    }
                    if (!c.blocks.holdsChunk(hashes[i])) {
                        missing.set(i);
                        continue;
                    }
                    written += c.blocks.setBlock(tx, v.mapId(), first + i, new BlockStore.Prepared(hashes[i], null),
                            true);
                    changed = true;
                }
                if (!changed) {
                    return null;
                }
                c.putVolume(tx, v.withData(v.provisionedBytes(), written));
                return c.commitDeferred(tx, c.state);
            }
        });
        if (pending != null) {
            c.store.complete(pending);
        }
        return missing;
    }

    /** {@code data} may be null when every block of the range is in {@code prepared}. */
    private void writePrepared(String volumeName, long offsetBytes, int length, byte[] data,
            Map<Long, BlockStore.Prepared> prepared, String dirtyPod) {
        checkIoSize(volumeName, length);
        // The array's lock is released before the fsync: concurrent writers share it (group commit).
        SimStore.PendingCommit pending = c.mutate(() -> {
            c.io.served();
            Volume v = writableVolume(volumeName, offsetBytes, length);
            if (length == 0) {
                return null;
            }
            long written = v.writtenBlocks();
            try (Tx tx = new Tx()) {
                long first = offsetBytes / BlockStore.BLOCK_SIZE;
                long last = (offsetBytes + length - 1) / BlockStore.BLOCK_SIZE;
                for (long b = first; b <= last; b++) {
                    long blockStart = b * BlockStore.BLOCK_SIZE;
                    long from = Math.max(blockStart, offsetBytes);
                    long to = Math.min(blockStart + BlockStore.BLOCK_SIZE, offsetBytes + length);
                    BlockStore.Prepared whole = prepared.get(b);
                    if (whole != null) {
                        written += c.blocks.setBlock(tx, v.mapId(), b, whole, true);
                    } else {
                        byte[] content = c.blocks.readBlock(v.mapId(), b);
                        if (content == null) {
                            content = new byte[BlockStore.BLOCK_SIZE];
                        }
                        System.arraycopy(data, (int) (from - offsetBytes), content, (int) (from - blockStart),
                                (int) (to - from));
                        written += c.blocks.setBlock(tx, v.mapId(), b, content, true);
                    }
                    if (dirtyPod != null) {
                        tx.put(dirtyKey(dirtyPod, volumeName, b), new byte[0]);
                    }
                }
                c.putVolume(tx, v.withData(v.provisionedBytes(), written));
                return c.commitDeferred(tx, c.state);
            }
        });
        if (pending != null) {
            c.store.complete(pending);
        }
    }

    /** The live volume a write of {@code length} bytes at {@code offsetBytes} may go to (under the lock). */
    private Volume writableVolume(String volumeName, long offsetBytes, long length) {
        Volume v = c.volumes.get(volumeName);
        if (v == null) {
            if (c.snapshots.containsKey(volumeName)) {
                throw EngineException.failedPrecondition("SNAPSHOT_READ_ONLY", "Cannot write to " + volumeName
                        + ": snapshots are read-only; write to a volume or revert.");
            }
            throw volumeNotFound(volumeName);
        }
        if (v.destroyed()) {
            throw destroyed("Volume", volumeName);
        }
        checkRange(volumeName, v.provisionedBytes(), offsetBytes, length);
        return v;
    }

    private static void checkAligned(String volumeName, long offsetBytes) {
        if (offsetBytes % BlockStore.BLOCK_SIZE != 0) {
            throw EngineException.invalidArgument("BLOCKS_NOT_ALIGNED", "Encoded blocks of " + volumeName
                    + " must start on a " + BlockStore.BLOCK_SIZE + "-byte boundary; got offset " + offsetBytes + ".");
        }
    }

    void read(String name, long offsetBytes, byte[] out, int outOffset, int length) {
        checkIoSize(name, length);
        c.read(() -> {
            c.io.served();
            long[] map = c.dataSource(name);
            checkRange(name, map[1], offsetBytes, length);
            Objects.checkFromIndexSize(outOffset, length, out.length);
            c.blocks.read(map[0], offsetBytes, out, outOffset, length);
            return null;
        });
    }

    String checksum(String name, long offsetBytes, long length) {
        return c.read(() -> {
            long[] map = c.dataSource(name);
            checkRange(name, map[1], offsetBytes, length);
            return c.blocks.checksum(map[0], offsetBytes, length);
        });
    }

    byte[][] blockAddresses(String name, long firstBlock, int count) {
        checkIoSize(name, (long) count * BlockStore.BLOCK_SIZE);
        return c.read(() -> {
            long[] map = c.dataSource(name);
            long blocksInObject = (map[1] + BlockStore.BLOCK_SIZE - 1) / BlockStore.BLOCK_SIZE;
            if (firstBlock < 0 || count < 0 || firstBlock > blocksInObject - count) {
                throw EngineException.outOfRange("RANGE_PAST_END", "Blocks [" + firstBlock + ", " + firstBlock + "+"
                        + count + ") lie outside " + name + ", which has " + blocksInObject + " blocks of "
                        + BlockStore.BLOCK_SIZE + " bytes; stay within the volume.");
            }
            List<Long> blocks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                blocks.add(firstBlock + i);
            }
            NavigableMap<Long, byte[]> hashes = c.blocks.hashes(map[0], blocks);
            byte[][] out = new byte[count][];
            for (int i = 0; i < count; i++) {
                out[i] = hashes.get(firstBlock + i);
            }
            return out;
        });
    }

    byte[][] storedChunks(byte[][] names) {
        checkIoSize("the chunks asked for", (long) names.length * BlockStore.BLOCK_SIZE);
        return c.read(() -> {
            byte[][] out = new byte[names.length][];
            for (int i = 0; i < names.length; i++) {
                out[i] = names[i] == null ? null : c.blocks.chunkBody(names[i]);
            }
            return out;
        });
    }

    VolumeSpace volumeSpace(String volumeName) {
        return c.read(() -> {
            Volume v = c.existingVolume(volumeName);
            List<Long> snapMaps = c.snapshotsOf(volumeName).stream().map(Snapshot::mapId).toList();
            List<Long> family = new ArrayList<>(snapMaps);
            family.add(v.mapId());
            // FlashArray counts data a volume shares only with its own snapshots as the volume's
            long snaps = snapMaps.isEmpty() ? 0 : c.blocks.exclusiveBytes(snapMaps);
            long unique = c.blocks.exclusiveBytes(family) - snaps;
            long physical = c.blocks.mappedPhysicalBytes(v.mapId());
            long virtual = v.writtenBlocks() * BlockStore.BLOCK_SIZE;
            return new VolumeSpace(v.provisionedBytes(), virtual, unique, snaps, ratio(virtual, physical),
                    ratio(v.provisionedBytes(), physical));
        });
    }

    /**
     * Recomputes reference counts and space from the block maps and compares them with the stored
     * ones (test oracle, operator fsck). Returns the problems found; empty when consistent. Works on a
     * stopped array too: stopping takes it away from its clients, not from its store.
     */
    List<String> checkConsistency() {
        return c.readEvenStopped(() -> {
            Map<Long, Boolean> maps = new HashMap<>();
            Map<Long, Long> written = new HashMap<>();
            for (Volume v : c.volumes.values()) {
                maps.put(v.mapId(), !v.destroyed());
                written.put(v.mapId(), v.writtenBlocks());
            }
            for (Snapshot s : c.snapshots.values()) {
                maps.put(s.mapId(), false);
                written.put(s.mapId(), s.writtenBlocks());
            }
            List<String> problems = new ArrayList<>(c.blocks.check(maps, written));
            String space = problems.remove(problems.size() - 1);
            String expected = "space unique=" + c.state.uniqueBytes() + " snapshots=" + c.state.snapshotBytes();
            if (!space.equals(expected)) {
                problems.add("recomputed " + space + " but the array reports " + expected);
            }
            return problems;
        });
    }

    static byte[] dirtyKey(String pod, String object, long block) {
        byte[] p = MetaKeys.POD_DIRTY_BLOCK.key(pod + "\u0000" + object + "\u0000");
        return ByteBuffer.allocate(p.length + 8).put(p).putLong(block).array();
    }
}
