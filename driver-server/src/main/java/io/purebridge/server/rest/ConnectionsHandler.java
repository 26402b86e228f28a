package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /connections}: private host-volume connections; GET, POST (automatic LUN), DELETE. */
final class ConnectionsHandler implements ResourceHandler {
    private static final Set<String> GET_PARAMS =
            VolumesHandler.with(Listing.PAGING_PARAMS, "host_names", "volume_names");
    private static final Set<String> WRITE_PARAMS = Set.of("host_names", "volume_names");

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        return switch (call.method()) {
            case "GET" -> get(call, ctx);
            case "POST" -> post(call, ctx);
            case "DELETE" -> delete(call, ctx);
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
    }

    private Reply get(RestCall call, ArrayContext ctx) {
        call.allowParams(GET_PARAMS);
        List<String> hosts = call.list("host_names");
        List<String> volumes = call.list("volume_names");
        // As on the array, every name asked for must exist.
        for (String h : hosts) {
            if (ctx.array().findHost(h).isEmpty()) {
                throw FaRestError.badRequest(h, "Host does not exist.");
            }
        }
        for (String v : volumes) {
            if (ctx.array().findVolume(v).isEmpty()) {
                throw FaRestError.badRequest(v, "Volume does not exist.");
            }
        }
        Set<ConnectionRecord> found = new LinkedHashSet<>();
        for (String h : hosts.isEmpty() ? nullList() : hosts) {
            for (String v : volumes.isEmpty() ? nullList() : volumes) {
                try {
                    found.addAll(ctx.array().listConnections(h, v));
                } catch (EngineException e) {
                    throw EngineErrors.toRest(e, h != null ? "Host" : "Volume", h != null ? h : v);
                }
            }
        }
        Map<String, String> ids = new HashMap<>();
        List<ObjectNode> items = new ArrayList<>();
        for (ConnectionRecord c : found) {
            String id = ids.computeIfAbsent(c.volumeName(),
                    n -> ctx.array().findVolume(n).map(VolumeRecord::id).orElse(null));
            items.add(JsonViews.connection(c, id));
        }
        return Listing.page(call, items);
    }

    private Reply post(RestCall call, ArrayContext ctx) {
        Pair p = pair(call);
        if (call.body() != null && call.body().size() > 0) {
            throw FaRestError.badRequest(null, "Invalid parameter: choosing a LUN (body fields "
                    + call.body().properties().stream().map(Map.Entry::getKey).toList()
                    + ") is not supported; the array picks the lowest free LUN.");
        }
        try {
            ConnectionRecord c = ctx.array().connect(p.host(), p.volume());
            String id = ctx.array().findVolume(p.volume()).map(VolumeRecord::id).orElse(null);
            return Reply.items(List.of(JsonViews.connection(c, id)));
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Connection", p.host());
        }
    }

    private Reply delete(RestCall call, ArrayContext ctx) {
        Pair p = pair(call);
        try {
            ctx.array().disconnect(p.host(), p.volume());
            return Reply.empty();
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Connection", p.host());
        }
    }

    private record Pair(String host, String volume) {
    }

    private static Pair pair(RestCall call) {
        if (call.has("host_group_names")) {
            throw FaRestError.badRequest(null, "Invalid parameter: host group connections are not supported by "
                    + "this simulated array yet.");
        }
        call.allowParams(WRITE_PARAMS);
        List<String> hosts = call.list("host_names");
        List<String> volumes = call.list("volume_names");
        if (hosts.size() != 1 || volumes.size() != 1) {
            throw FaRestError.badRequest(null, "Invalid parameters: give exactly one of host_names and one of "
                    + "volume_names.");
        }
        return new Pair(hosts.get(0), volumes.get(0));
    }

    private static List<String> nullList() {
        List<String> l = new ArrayList<>();
        l.add(null);
        return l;
    }
}
