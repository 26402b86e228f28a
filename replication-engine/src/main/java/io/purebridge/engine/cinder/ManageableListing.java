package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What {@code cinder manageable-list} shows (reference §3.7, upstream's get_manageable_volumes /
 * get_manageable_snapshots): every array volume or snapshot with its size, whether it is safe to
 * manage and why not (reasons joined by " && "), and the Cinder id of the one owning it. Paging
 * and sorting are Cinder's (the shim applies volume_utils.paginate_entries_list).
 */
final class ManageableListing {
    private static final long GIB = ArrayCinderBackend.GIB;
    private static final Pattern CINDER_VOLUME = Pattern.compile(
            "(.+::)?(.+/)?volume-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-cinder");
    private static final Pattern CINDER_SNAPSHOT = Pattern.compile(
            ".+\\.snapshot-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private final FlashArray array;

    ManageableListing(FlashArray array) {
        this.array = array;
    }

    /** A name only Cinder gives: the volume is (or was) managed by a Cinder backend. */
    static boolean cinderNamed(String volumeName) {
        return CINDER_VOLUME.matcher(volumeName).matches();
    }

    static boolean cinderNamedSnapshot(String snapshotName) {
        return CINDER_SNAPSHOT.matcher(snapshotName).matches();
    }

    /** @param managed array name -> Cinder id of this backend's volumes */
    List<ManageableObject> volumes(Map<String, String> managed) {
        Map<String, List<String>> hosts = new HashMap<>();
        for (ConnectionRecord c : array.listConnections(null, null)) {
            hosts.computeIfAbsent(c.volumeName(), v -> new ArrayList<>()).add(c.hostName());
        }
        List<ManageableObject> entries = new ArrayList<>();
        for (VolumeRecord v : array.listVolumes()) {
            List<String> reasons = new ArrayList<>();
            String cinderId = managed.get(v.name());
            if (cinderId != null || cinderNamed(v.name())) {
                reasons.add("Volume already managed");
            }
            for (String host : hosts.getOrDefault(v.name(), List.of())) {
                reasons.add("Volume connected to host " + host);
            }
            reasons.addAll(placement(v.name()));
            if (v.destroyed()) {
                reasons.add("Volume deleted");
            }
            entries.add(entry(v.name(), v.provisionedBytes(), reasons, cinderId, null));
        }
        return entries;
    }

    /** @param managed array name -> Cinder id of this backend's snapshots */
    List<ManageableObject> snapshots(Map<String, String> managed) {
        List<ManageableObject> entries = new ArrayList<>();
        for (SnapshotRecord s : array.listSnapshots(null)) {
            List<String> reasons = new ArrayList<>();
            String cinderId = managed.get(s.name());
            if (cinderId != null || cinderNamedSnapshot(s.name())) {
                reasons.add("Snapshot already managed");
            }
            reasons.addAll(placement(s.sourceName()));
            if (s.destroyed()) {
                reasons.add("Snapshot deleted");
            }
            entries.add(entry(s.name(), s.provisionedBytes(), reasons, cinderId, s.sourceName()));
        }
        return entries;
    }

    /** Where the object lives that this backend cannot manage it from (realms, pods). */
    private static List<String> placement(String volumeName) {
        int pods = volumeName.split("::", -1).length - 1;
        if (pods > 1) {
            return List.of("Volume in a Realm");
        }
        if (pods == 1) {
            return List.of("Volume in a pod (move it out of the pod first)");
        }
        return List.of();
    }

    private static ManageableObject entry(String name, long bytes, List<String> reasons, String cinderId, String source) {
        return new ManageableObject(name, (bytes + GIB - 1) / GIB, reasons.isEmpty(), String.join(" && ", reasons),
                cinderId == null ? "" : cinderId, source);
    }

    /** Cinder's objects by the array name they have on this backend. */
    static Map<String, String> byArrayName(List<CinderVolume> volumes, List<CinderSnapshot> snapshots) {
        Map<String, String> names = new TreeMap<>();
        volumes.forEach(v -> names.put(PurityNames.arrayVolumeName(v), v.id()));
        snapshots.forEach(s -> names.put(PurityNames.arraySnapshotName(s), s.id()));
        return names;
    }
}
