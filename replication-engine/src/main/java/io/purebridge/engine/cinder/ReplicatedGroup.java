package io.purebridge.engine.cinder;

import java.util.List;
import java.util.Objects;

/** A replicated generic group with its volumes, as Cinder hands it to the group replication calls. */
public record ReplicatedGroup(CinderGroup group, List<CinderVolume> volumes) {
    public ReplicatedGroup {
        Objects.requireNonNull(group, "group");
        volumes = List.copyOf(volumes);
    }
}
