package io.purebridge.server.config;

import java.util.Objects;

/**
 * The {@code [metrics]} section: the OpenMetrics/Prometheus endpoint, on its own HTTP port.
 *
 * @param enabled whether the endpoint starts with the service (off by default)
 * @param bindAddress the address it listens on; loopback by default, so only this machine scrapes
 * @param port its TCP port; 0 picks a free one (printed at start)
 */
public record MetricsConfig(boolean enabled, String bindAddress, int port) {
    public MetricsConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
    }

    public static MetricsConfig disabled() {
        return new MetricsConfig(false, ConfigKeys.Metrics.BIND_ADDRESS_DEFAULT, ConfigKeys.Metrics.PORT_DEFAULT);
    }
}
