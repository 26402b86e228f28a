package io.purebridge.engine.cinder;

import java.util.List;

/** update_provider_info's answer: only the objects whose provider_id was missing. */
public record ProviderUpdates(List<ProviderUpdate> volumeUpdates, List<ProviderUpdate> snapshotUpdates) {
    public ProviderUpdates {
        volumeUpdates = List.copyOf(volumeUpdates);
        snapshotUpdates = List.copyOf(snapshotUpdates);
    }
}
