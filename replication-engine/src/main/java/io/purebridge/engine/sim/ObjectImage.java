package io.purebridge.engine.sim;

import io.purebridge.engine.sim.StoredState.Snapshot;
import io.purebridge.engine.sim.StoredState.Volume;
import java.util.NavigableMap;

/**
 * A volume or snapshot as stored, with (some of) its block map: block -> chunk hash (a null hash
 * in a partial image unmaps the block). What the replicator moves between arrays.
 */
record ObjectImage(Volume volume, Snapshot snapshot, NavigableMap<Long, byte[]> entries) {
    String name() {
        return volume != null ? volume.name() : snapshot.name();
    }

    boolean live() {
        return volume != null && !volume.destroyed();
    }
}
