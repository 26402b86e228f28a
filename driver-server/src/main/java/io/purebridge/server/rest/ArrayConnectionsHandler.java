package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.ReplicationArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code /array-connections} (GET): the simulated arrays of the same host this array replicates with. */
final class ArrayConnectionsHandler implements ResourceHandler {
    private static final Set<String> GET_PARAMS = VolumesHandler.with(Listing.PAGING_PARAMS, "names", "ids");

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        ReplicationArray r = ReplicationViews.of(call, ctx);
        if (!call.method().equals("GET")) {
            throw FaRestError.badRequest(null, "Connecting or disconnecting arrays is not supported by this simulated "
                    + "array: arrays of one host are connected from the start.");
        }
        call.allowParams(GET_PARAMS);
        List<ObjectNode> items = new ArrayList<>();
        r.listArrayConnections().forEach(c -> items.add(ReplicationViews.arrayConnection(c)));
        return Listing.page(call, Selection.select(call, items, "Array connection"));
    }
}
