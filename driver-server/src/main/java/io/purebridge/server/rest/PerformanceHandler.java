package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.ArrayPerformance;
import io.purebridge.engine.array.PerformanceHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /arrays/performance}: the array's front-end performance, one item per
 * {@code resolution} interval of [{@code start_time}, {@code end_time}] (the latest interval when no
 * window is given). Only the fields the simulator measures are served; SAN, QoS and "other"
 * figures are left out rather than made up. A block-only array serves no file I/O, so
 * {@code protocol=nfs|smb} and {@code protocol_group=file} answer zeros.
 */
final class PerformanceHandler {
    private static final Set<String> PARAMS = VolumesHandler.with(Listing.PAGING_PARAMS,
            "start_time", "end_time", "resolution", "protocol", "protocol_group");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private PerformanceHandler() {
    }

    static ResourceHandler arraysPerformance() {
        return (call, ctx) -> {
            if (!call.method().equals("GET")) {
                throw ResourceHandler.methodNotAllowed(call);
            }
            call.allowParams(PARAMS);
            if (!(ctx.array() instanceof PerformanceHistory history)) {
                throw new FaRestError(404, null, "The resource /" + call.resource()
                        + " is not supported by this array: it keeps no performance history.");
            }
            Long start = call.number("start_time");
            Long end = call.number("end_time");
            Long resolution = call.number("resolution");
            if (resolution != null && !PerformanceHistory.RESOLUTIONS_MS.contains(resolution)) {
                throw FaRestError.badRequest(null, "Invalid value for parameter resolution: '" + resolution
                        + "' is not one of " + PerformanceHistory.RESOLUTIONS_MS + " (milliseconds).");
            }
            if (start != null && end != null && end < start) {
                throw FaRestError.badRequest(null, "Invalid value for parameter end_time: " + end
                        + " is before start_time " + start + ".");
            }
            String protocol = oneOf(call, "protocol", Set.of("nfs", "smb", "all"));
            String group = oneOf(call, "protocol_group", Set.of("block", "file", "all"));
            boolean block = (protocol == null || protocol.equals("all")) && !"file".equals(group);
            ArrayInfo info = ctx.array().arrayInfo();
            List<ObjectNode> items = new ArrayList<>();
            for (ArrayPerformance p : history.performance(start, end, resolution)) {
                items.add(view(info, block ? p : zero(p.timeMs())));
            }
            return Listing.page(call, items);
        };
    }

    /** The parameter's value (null when absent); rejects values outside {@code valid}. */
    private static String oneOf(RestCall call, String param, Set<String> valid) {
        String v = call.single(param);
        if (v != null && !valid.contains(v)) {
            throw FaRestError.badRequest(null, "Invalid value for parameter " + param + ": '" + v
                    + "' is not one of " + new TreeSet<>(valid) + ".");
        }
        return v;
    }

    private static ArrayPerformance zero(long timeMs) {
        return new ArrayPerformance(timeMs, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    static ObjectNode view(ArrayInfo info, ArrayPerformance p) {
        ObjectNode o = F.objectNode();
        o.put("id", info.id());
        o.put("name", info.name());
        o.put("time", p.timeMs());
        o.put("reads_per_sec", p.readsPerSec());
        o.put("writes_per_sec", p.writesPerSec());
        o.put("mirrored_writes_per_sec", p.mirroredWritesPerSec());
        o.put("read_bytes_per_sec", p.readBytesPerSec());
        o.put("write_bytes_per_sec", p.writeBytesPerSec());
        o.put("mirrored_write_bytes_per_sec", p.mirroredWriteBytesPerSec());
        o.put("bytes_per_read", p.bytesPerRead());
        o.put("bytes_per_write", p.bytesPerWrite());
        o.put("bytes_per_mirrored_write", p.bytesPerMirroredWrite());
        o.put("bytes_per_op", p.bytesPerOp());
        o.put("usec_per_read_op", p.usecPerReadOp());
        o.put("usec_per_write_op", p.usecPerWriteOp());
        o.put("usec_per_mirrored_write_op", p.usecPerMirroredWriteOp());
        o.put("queue_usec_per_read_op", p.queueUsecPerReadOp());
        o.put("queue_usec_per_write_op", p.queueUsecPerWriteOp());
        o.put("queue_usec_per_mirrored_write_op", p.queueUsecPerMirroredWriteOp());
        o.put("service_usec_per_read_op", p.serviceUsecPerReadOp());
        o.put("service_usec_per_write_op", p.serviceUsecPerWriteOp());
        o.put("service_usec_per_mirrored_write_op", p.serviceUsecPerMirroredWriteOp());
        o.put("queue_depth", p.queueDepth());
        return o;
    }
}
