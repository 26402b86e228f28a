package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.offload.OffloadTarget;
import io.purebridge.engine.offload.OffloadTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code /offloads}: the service's offload targets (its [offload.NAME] sections, or offload-s3 on
 * the embedded S3 server), shown by every simulated array as FlashArray shows its S3 targets:
 * {@code name}, {@code protocol} "s3", {@code status} "connected" / "not connected", and {@code s3}
 * with {@code bucket}, {@code uri}, {@code placement_strategy} and {@code access_key_id}. The
 * secret access key is never returned. Targets are configured in the service, not over REST: POST,
 * PATCH and DELETE are refused with a 400 that says where to configure them.
 */
final class OffloadsHandler implements ResourceHandler {
    private static final Set<String> GET_PARAMS = VolumesHandler.with(Listing.PAGING_PARAMS, "names", "protocol");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final OffloadTargets targets;

    OffloadsHandler() {
        this(OffloadTargets.none());
    }

    OffloadsHandler(OffloadTargets targets) {
        this.targets = Objects.requireNonNull(targets, "targets");
    }

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        return switch (call.method()) {
            case "GET" -> {
                call.allowParams(GET_PARAMS);
                List<ObjectNode> items = new ArrayList<>();
                List<String> protocols = call.list("protocol");
                if (protocols.isEmpty() || protocols.contains("s3")) {
                    targets.names().forEach(name -> items.add(item(targets.status(name))));
                }
                yield Listing.page(call, Selection.select(call, items, "Offload target"));
            }
            case "POST", "PATCH", "DELETE" -> throw FaRestError.badRequest(
                    call.list("names").isEmpty() ? null : call.list("names").get(0),
                    "Offload targets of this simulated array are configured in the purebridge service"
                            + " ([offload.NAME] sections of its configuration), not over REST.");
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
    }

    static ObjectNode item(OffloadTargets.TargetStatus status) {
        OffloadTarget t = status.target();
        ObjectNode o = F.objectNode();
        o.put("name", t.nameOnArrays());
        o.put("protocol", "s3");
        o.put("status", status.connected() ? "connected" : "not connected");
        o.put("target_id", t.name() + "/" + t.bucket());
        ObjectNode s3 = o.putObject("s3");
        s3.put("bucket", t.bucket());
        if (t.endpoint() == null) {
            s3.putNull("uri");
        } else {
            s3.put("uri", t.endpoint().toString());
        }
        s3.put("placement_strategy", t.placement().text());
        s3.put("auth_region", t.region());
        s3.put("access_key_id", accessKeyId(t));
        return o;
    }

    /** The key id (not a secret: FlashArray shows it); null when anonymous or unreadable. */
    private static String accessKeyId(OffloadTarget t) {
        if (t.accessKeyId() == null) {
            return null;
        }
        try {
            return t.accessKeyId().resolve("access_key_id", System.getenv());
        } catch (EngineException e) {
            return null;
        }
    }
}
