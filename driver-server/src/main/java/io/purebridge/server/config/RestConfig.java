package io.purebridge.server.config;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@code [rest]} section: the FlashArray REST 2.x front end that serves each simulated array
 * over HTTPS on its own port.
 *
 * @param enabled whether the front end starts with the service
 * @param bindAddress address every array's port listens on
 * @param fixedPorts array name to a fixed port; other arrays reuse the port they had last time
 *     (kept under data_dir) or take a free one
 */
public record RestConfig(boolean enabled, String bindAddress, Map<String, Integer> fixedPorts) {
    public RestConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        fixedPorts = Collections.unmodifiableMap(new TreeMap<>(fixedPorts));
    }

    public static RestConfig defaults() {
        return new RestConfig(ConfigKeys.Rest.ENABLED_DEFAULT, ConfigKeys.Rest.BIND_ADDRESS_DEFAULT, Map.of());
    }

    public static RestConfig disabled() {
        return new RestConfig(false, ConfigKeys.Rest.BIND_ADDRESS_DEFAULT, Map.of());
    }
}
