package io.purebridge.server.rest;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resource path (after {@code /api/<version>/}) to handler. The array SPI's collections are
 * registered by default, with the replication collections (pods, protection groups, array
 * connections) that answer 404 for an array without {@code ReplicationArray}.
 */
final class RestRoutes {
    private final Map<String, ResourceHandler> handlers = new ConcurrentHashMap<>();

    static RestRoutes standard() {
        RestRoutes r = new RestRoutes();
        r.register("arrays", PortsHandler.arrays());
        r.register("arrays/space", PortsHandler.arraysSpace());
        r.register("arrays/performance", PerformanceHandler.arraysPerformance());
        r.register("volumes", new VolumesHandler());
        r.register("volume-snapshots", new VolumeSnapshotsHandler());
        r.register("volume-groups", new VolumeGroupsHandler());
        r.register("volumes/tags", VolumeTagsHandler.tags());
        r.register("volumes/tags/batch", VolumeTagsHandler.batch());
        r.register("hosts", new HostsHandler());
        r.register("connections", new ConnectionsHandler());
        r.register("ports", PortsHandler.ports());
        r.register("network-interfaces", PortsHandler.networkInterfaces());
        r.register("controllers", PortsHandler.controllers());
        // Replication: 404 per call when the array lacks ReplicationArray.
        r.register("pods", PodsHandler.pods());
        r.register("pods/arrays", PodsHandler.podArrays());
        for (ProtectionGroupsHandler.Kind kind : ProtectionGroupsHandler.Kind.values()) {
            r.register(kind.resource(), new ProtectionGroupsHandler(kind));
        }
        r.register("protection-group-snapshots", PgSnapshotsHandler.snapshots());
        r.register("protection-group-snapshots/transfer", PgSnapshotsHandler.transfer());
        r.register("array-connections", new ArrayConnectionsHandler());
        r.register("container-default-protections", new ContainerDefaultProtectionsHandler());
        r.register("offloads", new OffloadsHandler());
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
