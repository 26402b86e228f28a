package io.purebridge.engine.cinder;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One cinder.conf backend section as the shim sends it at do_setup. The engine validates it
 * ({@link BackendRegistry#register}); nothing here is trusted yet.
 *
 * @param backendName the section name, e.g. {@code puredriver-1}
 * @param options the section's options by cinder.conf name (san_ip, pure_api_token, pure_*, ...)
 * @param replicationDevices each replication_device line as key/value pairs
 * @param activeBackendId the backend id Cinder reports as active ("" or null: the primary)
 */
public record BackendConfig(
        String backendName,
        StorageProtocol protocol,
        Map<String, String> options,
        List<Map<String, String>> replicationDevices,
        String activeBackendId) {
    public BackendConfig {
        Objects.requireNonNull(backendName, "backendName");
        Objects.requireNonNull(protocol, "protocol");
        options = Map.copyOf(options);
        replicationDevices = replicationDevices.stream().map(Map::copyOf).toList();
    }

    /** Secrets (pure_api_token, api_token) are never printed. */
    @Override
    public String toString() {
        return "BackendConfig[backendName=" + backendName + ", protocol=" + protocol
                + ", options=" + Secrets.redact(options) + ", replicationDevices="
                + replicationDevices.stream().map(Secrets::redact).toList()
                + ", activeBackendId=" + activeBackendId + "]";
    }
}
