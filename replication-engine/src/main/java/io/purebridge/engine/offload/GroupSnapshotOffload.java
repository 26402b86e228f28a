package io.purebridge.engine.offload;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.ReplicationArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a FlashArray does for a protection group with an offload target: every volume snapshot of
 * the group's live snapshots that the target lacks is offloaded, named {@code array:snapshot}.
 */
public final class GroupSnapshotOffload {
    private GroupSnapshotOffload() {
    }

    /**
     * Offloads the group's snapshots missing from {@code present} (the target's offloaded names,
     * updated as they are sent); returns the names sent now.
     *
     * @param groups the same array, as the holder of its protection groups
     */
    public static List<String> shipMissing(FlashArray array, ReplicationArray groups, String group,
            OffloadService target, long retentionDays, Set<String> present) {
        String arrayName = array.arrayInfo().name();
        List<String> shipped = new ArrayList<>();
        for (PgSnapshotRecord snap : groups.listProtectionGroupSnapshots(group)) {
            if (snap.destroyed()) {
                continue;
            }
            for (String volumeSnapshot : snap.volumeSnapshots()) {
                if (!present.contains(arrayName + ":" + volumeSnapshot)) {
                    String name = target.offload(array, volumeSnapshot, retentionDays).name();
                    present.add(name);
                    shipped.add(name);
                }
            }
        }
        return shipped;
    }
}
