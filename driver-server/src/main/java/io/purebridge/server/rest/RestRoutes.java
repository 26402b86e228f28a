package io.purebridge.server.rest;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resource path (after {@code /api/<version>/}) to handler. The array SPI's collections are
 * registered by default; pods, protection-groups, array-connections and offloads register here
 * when the SPI grows them.
 */
final class RestRoutes {
    private final Map<String, ResourceHandler> handlers = new ConcurrentHashMap<>();

    static RestRoutes standard() {
        RestRoutes r = new RestRoutes();
        r.register("arrays", PortsHandler.arrays());
        r.register("arrays/space", PortsHandler.arraysSpace());
        r.register("volumes", new VolumesHandler());
        r.register("volume-snapshots", new VolumeSnapshotsHandler());
        r.register("hosts", new HostsHandler());
        r.register("connections", new ConnectionsHandler());
        r.register("ports", PortsHandler.ports());
        r.register("network-interfaces", PortsHandler.networkInterfaces());
        r.register("controllers", PortsHandler.controllers());
        return r;
    }

    RestRoutes register(String resource, ResourceHandler handler) {
        handlers.put(resource, handler);
        return this;
    }

    Optional<ResourceHandler> find(String resource) {
        return Optional.ofNullable(handlers.get(resource));
    }
}
