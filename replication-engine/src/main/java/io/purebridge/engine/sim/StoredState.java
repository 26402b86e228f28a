package io.purebridge.engine.sim;

import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON values the simulated array keeps in RocksDB, one per object. */
final class StoredState {
    private StoredState() {
    }

    /** Array-wide counters, rewritten in every batch that changes them. */
    record ArrayState(
            String id,
            String serialPrefix,
            long nextSerial,
            long nextMapId,
            long nextSnapshotNumber,
            long createdEpochMillis,
            long uniqueBytes,
            long snapshotBytes) {
        ArrayState withSerial(long next) {
            return new ArrayState(id, serialPrefix, next, nextMapId, nextSnapshotNumber, createdEpochMillis,
                    uniqueBytes, snapshotBytes);
        }

        ArrayState withMapId(long next) {
            return new ArrayState(id, serialPrefix, nextSerial, next, nextSnapshotNumber, createdEpochMillis,
                    uniqueBytes, snapshotBytes);
        }

        ArrayState withSnapshotNumber(long next) {
            return new ArrayState(id, serialPrefix, nextSerial, nextMapId, next, createdEpochMillis,
                    uniqueBytes, snapshotBytes);
        }

        ArrayState withSpace(long unique, long snapshots) {
            return new ArrayState(id, serialPrefix, nextSerial, nextMapId, nextSnapshotNumber, createdEpochMillis,
                    unique, snapshots);
        }
    }

    /**
     * @param mapId the block map holding the volume's data
     * @param writtenBlocks how many blocks the map holds (non-zero data)
     */
    record Volume(
            String name,
            String id,
            String serial,
            long provisionedBytes,
            String sourceName,
            boolean destroyed,
            long createdEpochMillis,
            long destroyedEpochMillis,
            long mapId,
            long writtenBlocks) {
        VolumeRecord toRecord() {
            return new VolumeRecord(name, id, serial, provisionedBytes, sourceName, destroyed, createdEpochMillis,
                    destroyedEpochMillis);
        }

        Volume withName(String newName) {
            return new Volume(newName, id, serial, provisionedBytes, sourceName, destroyed, createdEpochMillis,
                    destroyedEpochMillis, mapId, writtenBlocks);
        }

        Volume withDestroyed(boolean isDestroyed, long at) {
            return new Volume(name, id, serial, provisionedBytes, sourceName, isDestroyed, createdEpochMillis,
                    at, mapId, writtenBlocks);
        }

        Volume withData(long size, long blocks) {
            return new Volume(name, id, serial, size, sourceName, destroyed, createdEpochMillis,
                    destroyedEpochMillis, mapId, blocks);
        }
    }

    /** @param destroyedWithVolume destroyed because its volume was; recovered with it */
    record Snapshot(
            String name,
            String id,
            String serial,
            String sourceName,
            String suffix,
            long provisionedBytes,
            boolean destroyed,
            long createdEpochMillis,
            long destroyedEpochMillis,
            boolean destroyedWithVolume,
            long mapId,
            long writtenBlocks) {
        SnapshotRecord toRecord() {
            return new SnapshotRecord(name, id, serial, sourceName, suffix, provisionedBytes, destroyed,
                    createdEpochMillis, destroyedEpochMillis);
        }

        Snapshot withNames(String newName, String newSource, String newSuffix) {
            return new Snapshot(newName, id, serial, newSource, newSuffix, provisionedBytes, destroyed,
                    createdEpochMillis, destroyedEpochMillis, destroyedWithVolume, mapId, writtenBlocks);
        }

        Snapshot withDestroyed(boolean isDestroyed, long at, boolean withVolume) {
            return new Snapshot(name, id, serial, sourceName, suffix, provisionedBytes, isDestroyed,
                    createdEpochMillis, at, withVolume, mapId, writtenBlocks);
        }
    }

    /** @param connections volume name -> LUN */
    record Host(
            String name,
            List<String> iqns,
            List<String> wwns,
            List<String> nqns,
            String personality,
            String chapUser,
            String chapSecret,
            Map<String, Integer> connections) {
        Host {
            iqns = List.copyOf(iqns);
            wwns = List.copyOf(wwns);
            nqns = List.copyOf(nqns);
            connections = new TreeMap<>(connections == null ? Map.of() : connections);
        }

        HostRecord toRecord() {
            return new HostRecord(name, iqns, wwns, nqns, personality, chapUser, chapSecret, connections.size());
        }

        Host withConnections(Map<String, Integer> newConnections) {
            return new Host(name, iqns, wwns, nqns, personality, chapUser, chapSecret, newConnections);
        }

        Host withSettings(String newPersonality, String newChapUser, String newChapSecret) {
            return new Host(name, iqns, wwns, nqns, newPersonality, newChapUser, newChapSecret, connections);
        }

        @Override
        public String toString() {
            return "Host[name=" + name + ", chapSecret=" + (chapSecret == null ? "null" : "****") + "]";
        }
    }

    /** A volume group ({@code vg/NAME}); its volumes are the volumes named {@code NAME/...}. */
    record VolumeGroup(
            String name,
            String id,
            boolean destroyed,
            Long bandwidthLimit,
            Long iopsLimit,
            long createdEpochMillis,
            long destroyedEpochMillis) {
        QosLimits limits() {
            return new QosLimits(bandwidthLimit, iopsLimit);
        }

        VolumeGroup withLimits(QosLimits q) {
            return new VolumeGroup(name, id, destroyed, q.bandwidthBytesPerSecond(), q.iops(), createdEpochMillis,
                    destroyedEpochMillis);
        }

        VolumeGroup withName(String newName) {
            return new VolumeGroup(newName, id, destroyed, bandwidthLimit, iopsLimit, createdEpochMillis,
                    destroyedEpochMillis);
        }

        VolumeGroup withDestroyed(boolean isDestroyed, long at) {
            return new VolumeGroup(name, id, isDestroyed, bandwidthLimit, iopsLimit, createdEpochMillis, at);
        }
    }

    /**
     * QoS limits and tags of one volume ({@code x/VOLUME_ID}): keyed by id so they follow renames
     * and pod or group moves without a rewrite.
     */
    record VolumeExtras(String volumeId, Long bandwidthLimit, Long iopsLimit, List<Tag> tags) {
        VolumeExtras {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }

        QosLimits limits() {
            return new QosLimits(bandwidthLimit, iopsLimit);
        }

        VolumeExtras withLimits(QosLimits q) {
            return new VolumeExtras(volumeId, q.bandwidthBytesPerSecond(), q.iops(), tags);
        }

        VolumeExtras withTags(List<Tag> newTags) {
            return new VolumeExtras(volumeId, bandwidthLimit, iopsLimit, newTags);
        }

        boolean empty() {
            return bandwidthLimit == null && iopsLimit == null && tags.isEmpty();
        }
    }

    record Tag(String namespace, String key, String value, boolean copyable) {
    }
}
