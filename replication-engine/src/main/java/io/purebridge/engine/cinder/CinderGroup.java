package io.purebridge.engine.cinder;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A Cinder generic volume group as the driver sees it.
 *
 * @param groupSpecs the group type's specs (consistent_group_snapshot_enabled, ...)
 * @param volumeTypeSpecs the extra specs of each volume type the group allows
 * @param replicationStatus the group's replication_status in Cinder, or ""
 */
public record CinderGroup(String id, Map<String, String> groupSpecs, List<Map<String, String>> volumeTypeSpecs,
        String replicationStatus) {
    public static final String CG_SNAPSHOT = "consistent_group_snapshot_enabled";
    public static final String CG_REPLICATION = "consistent_group_replication_enabled";

    public CinderGroup {
        Objects.requireNonNull(id, "id");
        groupSpecs = groupSpecs == null ? Map.of() : Map.copyOf(groupSpecs);
        volumeTypeSpecs = volumeTypeSpecs == null ? List.of() : volumeTypeSpecs.stream().map(Map::copyOf).toList();
        replicationStatus = replicationStatus == null ? "" : replicationStatus;
    }

    /** A group whose replication_status is not known (or not replicated). */
    public CinderGroup(String id, Map<String, String> groupSpecs, List<Map<String, String>> volumeTypeSpecs) {
        this(id, groupSpecs, volumeTypeSpecs, "");
    }

    /**
     * The group type asks for crash-consistent group snapshots ({@code <is> True}), or for
     * consistent group replication, which needs the same protection group.
     */
    public boolean consistent() {
        return isTrue(groupSpecs.get(CG_SNAPSHOT)) || replicated();
    }

    /** The group type asks for group replication (Cinder's "Tiramisu"). */
    public boolean replicated() {
        return isTrue(groupSpecs.get(CG_REPLICATION));
    }

    static boolean isTrue(String spec) {
        return spec != null && spec.replace("<is>", "").trim().toLowerCase(Locale.ROOT).equals("true");
    }
}
