package io.purebridge.engine.sim;

import static io.purebridge.engine.sim.ArrayCatalog.groupDestroyed;
import static io.purebridge.engine.sim.ArrayCatalog.notDestroyed;

import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.VolumeGroupRecord;
import io.purebridge.engine.array.VolumeGroups;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.sim.StoredState.Host;
import io.purebridge.engine.sim.StoredState.Snapshot;
import io.purebridge.engine.sim.StoredState.Volume;
import io.purebridge.engine.sim.StoredState.VolumeExtras;
import io.purebridge.engine.sim.StoredState.VolumeGroup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volume groups and QoS: a volume's limits are stored with its id (so they follow renames and
 * moves), a group's with the group; member volumes are the volumes named {@code GROUP/...}. The
 * throttle enforces both on every read and write of a volume.
 */
final class VolumeGroupsAndQos {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeGroupsAndQos.class);

    private final ArrayCatalog c;
    private final Volumes volumes;

    VolumeGroupsAndQos(ArrayCatalog catalog, Volumes volumes) {
        this.c = catalog;
        this.volumes = volumes;
    }

    QosLimits volumeQos(String volumeName) {
        return c.read(() -> c.extrasOf(c.existingVolume(volumeName)).limits());
    }

    Map<String, QosLimits> listVolumeQos() {
        return c.read(() -> {
            Map<String, QosLimits> out = new TreeMap<>();
            for (Volume v : c.volumes.values()) {
                VolumeExtras x = c.extras.get(v.id());
                if (x != null && !x.limits().unlimited()) {
                    out.put(v.name(), x.limits());
                }
            }
            return out;
        });
    }

    QosLimits setVolumeQos(String volumeName, QosLimits qos) {
        Objects.requireNonNull(qos, "qos").check("volume " + volumeName);
        return c.mutate(() -> {
            Volume v = c.liveVolume(volumeName);
            try (Tx tx = new Tx()) {
                c.putExtras(tx, c.extrasOf(v).withLimits(qos));
                c.commit(tx, c.state);
            }
            LOG.debug("{}: volume {} QoS set to {}", c.name(), volumeName, qos);
            return qos;
        });
    }

    /** Waits for the QoS of the volume and its group to allow one I/O; snapshots are not limited. */
    void throttle(String name, long bytes) {
        Map<String, QosLimits> owners = c.read(() -> {
            Volume v = name == null ? null : c.volumes.get(name);
            if (v == null) {
                return Map.<String, QosLimits>of();
            }
            Map<String, QosLimits> out = new HashMap<>(2);
            VolumeExtras x = c.extras.get(v.id());
            if (x != null && !x.limits().unlimited()) {
                out.put(v.id(), x.limits());
            }
            VolumeGroup g = c.groups.get(VolumeGroups.groupOf(name));
            if (g != null && !g.limits().unlimited()) {
                out.put(g.id(), g.limits());
            }
            return out;
        });
        if (!owners.isEmpty()) {
            c.qosThrottle.acquire(owners, bytes);
        }
    }

    VolumeGroupRecord createVolumeGroup(String name, QosLimits qos) {
        Names.checkVolumeGroup(name);
        Objects.requireNonNull(qos, "qos").check("volume group " + name);
        return c.mutate(() -> {
            VolumeGroup existing = c.groups.get(name);
            if (existing != null && existing.destroyed()) {
                throw groupDestroyed(name);
            }
            if (existing != null) {
                throw EngineException.alreadyExists("VOLUME_GROUP_EXISTS", "Volume group " + name
                        + " already exists.");
            }
            VolumeGroup g = new VolumeGroup(name, UUID.randomUUID().toString(), false, null, null, c.clock.millis(), 0)
                    .withLimits(qos);
            try (Tx tx = new Tx()) {
                c.putGroup(tx, g);
                c.commit(tx, c.state);
            }
            LOG.debug("{}: created volume group {}", c.name(), name);
            return groupRecord(g);
        });
    }

    Optional<VolumeGroupRecord> findVolumeGroup(String name) {
        return c.read(() -> Optional.ofNullable(c.groups.get(name)).map(this::groupRecord));
    }

    List<VolumeGroupRecord> listVolumeGroups() {
        return c.read(() -> c.groups.values().stream().map(this::groupRecord).toList());
    }

    VolumeGroupRecord setVolumeGroupQos(String name, QosLimits qos) {
        Objects.requireNonNull(qos, "qos").check("volume group " + name);
        return c.mutate(() -> {
            VolumeGroup g = c.liveGroup(name).withLimits(qos);
            try (Tx tx = new Tx()) {
                c.putGroup(tx, g);
                c.commit(tx, c.state);
            }
            return groupRecord(g);
        });
    }

    VolumeGroupRecord renameVolumeGroup(String name, String newName) {
        Names.checkVolumeGroup(newName);
        return c.mutate(() -> {
            VolumeGroup g = c.liveGroup(name);
            if (name.equals(newName)) {
                return groupRecord(g);
            }
            if (c.groups.containsKey(newName)) {
                throw EngineException.alreadyExists("VOLUME_GROUP_EXISTS", "Volume group " + newName
                        + " already exists; choose another name.");
            }
            Map<String, String> renames = new TreeMap<>();
            for (Volume v : c.volumesIn(name)) {
                String to = newName + VolumeGroups.SEPARATOR + v.name().substring(name.length() + 1);
                c.checkNameFree(to);
                renames.put(v.name(), to);
            }
            VolumeGroup renamed = g.withName(newName);
            try (Tx tx = new Tx()) {
                c.deleteGroup(tx, name);
                c.putGroup(tx, renamed);
                for (Map.Entry<String, String> r : renames.entrySet()) {
                    Volume v = c.volumes.get(r.getKey());
                    c.deleteVolume(tx, v.name());
                    c.putVolume(tx, v.withName(r.getValue()));
                    for (Snapshot s : c.snapshotsOf(v.name())) {
                        c.deleteSnapshot(tx, s.name());
                        c.putSnapshot(tx, s.withNames(r.getValue() + "." + s.suffix(), r.getValue(), s.suffix()));
                    }
                }
                for (Host h : c.hosts.values()) {
                    Map<String, Integer> luns = new TreeMap<>();
                    h.connections().forEach((vol, lun) -> luns.put(renames.getOrDefault(vol, vol), lun));
                    if (!luns.equals(h.connections())) {
                        c.putHost(tx, h.withConnections(luns));
                    }
                }
                c.commit(tx, c.state);
            }
            LOG.debug("{}: renamed volume group {} to {} ({} volumes)", c.name(), name, newName, renames.size());
            return groupRecord(renamed);
        });
    }

    VolumeGroupRecord destroyVolumeGroup(String name) {
        return c.mutate(() -> {
            VolumeGroup g = c.liveGroup(name);
            long live = c.volumesIn(name).stream().filter(v -> !v.destroyed()).count();
            if (live > 0) {
                throw EngineException.failedPrecondition("VOLUME_GROUP_NOT_EMPTY", "Volume group " + name
                        + " is not empty: it holds " + live + " live volume(s); destroy or move them first.");
            }
            VolumeGroup gone = g.withDestroyed(true, c.clock.millis());
            try (Tx tx = new Tx()) {
                c.putGroup(tx, gone);
                c.commit(tx, c.state);
            }
            LOG.debug("{}: destroyed volume group {}", c.name(), name);
            return groupRecord(gone);
        });
    }

    VolumeGroupRecord recoverVolumeGroup(String name) {
        return c.mutate(() -> {
            VolumeGroup g = c.existingGroup(name);
            if (!g.destroyed()) {
                throw notDestroyed("volume group", name, "recover");
            }
            VolumeGroup back = g.withDestroyed(false, 0);
            try (Tx tx = new Tx()) {
                c.putGroup(tx, back);
                c.commit(tx, c.state);
            }
            return groupRecord(back);
        });
    }

    void eradicateVolumeGroup(String name, boolean eradicateContents) {
        c.mutate(() -> {
            VolumeGroup g = c.existingGroup(name);
            if (!g.destroyed()) {
                throw notDestroyed("volume group", name, "eradicate");
            }
            List<Volume> members = c.volumesIn(name);
            if (!members.isEmpty() && !eradicateContents) {
                throw EngineException.failedPrecondition("VOLUME_GROUP_HAS_VOLUMES", "Volume group " + name
                        + " is not empty: it holds " + members.size() + " destroyed volume(s); eradicate them first or"
                        + " pass eradicate_contents=true.");
            }
            try (Tx tx = new Tx()) {
                for (Volume v : members) {
                    c.eradicateVolumeInto(tx, v);
                }
                c.deleteGroup(tx, name);
                c.commit(tx, c.state);
            }
            LOG.debug("{}: eradicated volume group {} ({} volumes)", c.name(), name, members.size());
            return null;
        });
    }

    VolumeRecord moveVolumeToGroup(String volumeName, String groupName) {
        Objects.requireNonNull(volumeName, "volumeName");
        if (groupName != null && !groupName.isEmpty()) {
            Names.checkVolumeGroup(groupName);
        }
        String base = volumeName.substring(volumeName.indexOf(VolumeGroups.SEPARATOR) + 1);
        String target = groupName == null || groupName.isEmpty() ? base : groupName + VolumeGroups.SEPARATOR + base;
        return volumes.rename(volumeName, target, false);
    }

    /** Eradicates destroyed, empty groups past the eradication delay (under the write lock). */
    int eradicateExpiredGroups(long cutoff) {
        int count = 0;
        for (VolumeGroup g : List.copyOf(c.groups.values())) {
            if (g.destroyed() && g.destroyedEpochMillis() <= cutoff && c.volumesIn(g.name()).isEmpty()) {
                try (Tx tx = new Tx()) {
                    c.deleteGroup(tx, g.name());
                    c.commit(tx, c.state);
                    count++;
                }
            }
        }
        return count;
    }

    private VolumeGroupRecord groupRecord(VolumeGroup g) {
        int live = (int) c.volumesIn(g.name()).stream().filter(v -> !v.destroyed()).count();
        return new VolumeGroupRecord(g.name(), g.id(), g.destroyed(), g.limits(), live, g.createdEpochMillis(),
                g.destroyedEpochMillis());
    }
}
