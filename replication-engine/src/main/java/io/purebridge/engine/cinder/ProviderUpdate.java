package io.purebridge.engine.cinder;

import java.util.Map;

/** A back-filled provider_id for the Cinder volume or snapshot with this id. */
public record ProviderUpdate(String id, String providerId, Map<String, String> metadata) {
    public ProviderUpdate {
        metadata = Map.copyOf(metadata);
    }
}
