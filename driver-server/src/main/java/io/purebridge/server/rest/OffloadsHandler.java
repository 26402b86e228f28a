package io.purebridge.server.rest;

import java.util.List;
import java.util.Set;

/**
 * {@code /offloads}: the array's offload (S3, Azure, NFS) targets. Simulated arrays have no offload
 * targets yet, so the list is empty (names asked for do not exist) and connecting one is refused with a
 * 400 that says so, rather than pretending to accept credentials it would not use.
 */
final class OffloadsHandler implements ResourceHandler {
    private static final Set<String> GET_PARAMS = VolumesHandler.with(Listing.PAGING_PARAMS, "names", "protocol");

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        return switch (call.method()) {
            case "GET" -> {
                call.allowParams(GET_PARAMS);
                yield Listing.page(call, Selection.select(call, List.of(), "Offload target"));
            }
            case "POST", "PATCH", "DELETE" -> throw FaRestError.badRequest(
                    call.list("names").isEmpty() ? null : call.list("names").get(0),
                    "Offload targets are not supported by this simulated array; it lists none and cannot connect one.");
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
    }
}
