package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.PortRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The read-only views derived from the array's target ports: {@code /ports} (upper-case names),
 * {@code /network-interfaces} (lower-case names, services by protocol) and {@code /controllers}
 * (the controllers those ports sit on, all ready; CT0 primary).
 */
final class PortsHandler {
    private static final Set<String> GET_PARAMS = VolumesHandler.with(Listing.PAGING_PARAMS, "names");

    private PortsHandler() {
    }

    static ResourceHandler ports() {
        return (call, ctx) -> {
            requireGet(call);
            List<ObjectNode> items = new ArrayList<>();
            for (PortRecord p : ctx.array().listPorts()) {
                items.add(JsonViews.port(p));
            }
            return Listing.page(call, Selection.select(call, items, "Port"));
        };
    }

    static ResourceHandler networkInterfaces() {
        return (call, ctx) -> {
            requireGet(call);
            List<ObjectNode> items = new ArrayList<>();
            for (PortRecord p : ctx.array().listPorts()) {
                items.add(JsonViews.networkInterface(p));
            }
            return Listing.page(call, Selection.select(call, items, "Network interface"));
        };
    }

    static ResourceHandler controllers() {
        return (call, ctx) -> {
            requireGet(call);
            Set<String> names = new TreeSet<>();
            for (PortRecord p : ctx.array().listPorts()) {
                int dot = p.name().indexOf('.');
                names.add((dot < 0 ? p.name() : p.name().substring(0, dot)).toUpperCase(Locale.ROOT));
            }
            if (names.isEmpty()) {
                names.addAll(List.of("CT0", "CT1"));
            }
            String version = ctx.array().arrayInfo().version();
            List<ObjectNode> items = new ArrayList<>();
            boolean first = true;
            for (String n : names) {
                items.add(JsonViews.controller(n, first, version));
                first = false;
            }
            return Listing.page(call, Selection.select(call, items, "Controller"));
        };
    }

    static ResourceHandler arrays() {
        return (call, ctx) -> {
            requireGet(call);
            call.allowParams(Listing.PAGING_PARAMS);
            return Listing.page(call, List.of(JsonViews.array(ctx.array().arrayInfo(), ctx.array().space(), ctx)));
        };
    }

    static ResourceHandler arraysSpace() {
        return (call, ctx) -> {
            requireGet(call);
            call.allowParams(Listing.PAGING_PARAMS);
            return Listing.page(call,
                    List.of(JsonViews.arraySpace(ctx.array().arrayInfo(), ctx.array().space(), ctx)));
        };
    }

    private static void requireGet(RestCall call) {
        if (!call.method().equals("GET")) {
            throw ResourceHandler.methodNotAllowed(call);
        }
        call.allowParams(GET_PARAMS);
    }
}
