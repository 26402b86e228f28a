package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.offload.OffloadProgress;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.offload.OffloadedSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code GET /remote-volume-snapshots/transfer}: how far each send to an offload target got, in
 * FlashArray's transfer shape ({@code started}, {@code completed}, {@code progress},
 * {@code data_transferred}). A snapshot the target holds is complete (progress 1.0, completed when
 * its manifest was written); one answered and not complete ({@link OnDemandOffload}), or any other
 * send running for the array, is listed with its progress and no {@code completed} (nor its
 * volume, which a send in flight does not name), only to the array sending it: what a client polls
 * for before it drops the send's source. The
 * bucket records neither when a finished send started nor how many bytes it moved (an incremental
 * send moves only what the bucket lacked), so those are null for finished sends.
 */
final class RemoteSnapshotTransfersHandler implements ResourceHandler {
    private static final Set<String> GET_PARAMS =
            VolumesHandler.with(Listing.PAGING_PARAMS, "names", "ids", "destroyed", "on", "source_names");
    private static final String OFFLOAD_JOB = "offload ";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final OffloadTargets targets;
    private final OnDemandOffload sends;

    RemoteSnapshotTransfersHandler(OffloadTargets targets, OnDemandOffload sends) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.sends = Objects.requireNonNull(sends, "sends");
    }

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        if (!call.method().equals("GET")) {
            throw ResourceHandler.methodNotAllowed(call);
        }
        call.allowParams(GET_PARAMS);
        List<String> sources = call.list("source_names");
        String sending = ctx.array().arrayInfo().name() + ":";
        List<ObjectNode> items = new ArrayList<>();
        RemoteVolumeSnapshotsHandler.listed(targets, call).forEach((shown, held) -> {
            Set<String> done = new HashSet<>();
            for (OffloadedSnapshot s : held) {
                done.add(s.name());
                if (sources.isEmpty() || sources.contains(s.sourceArray() + ":" + s.sourceVolume())) {
                    items.add(finished(shown, s));
                }
            }
            if (!sources.isEmpty()) {
                return; // a send in flight does not say which volume it is of
            }
            // Answered sends (some waiting to be tried again), then any other send running for the array.
            Map<String, OffloadProgress> inFlight = new LinkedHashMap<>();
            for (OnDemandOffload.Send send : sends.pending(ctx.arrayName(), shown)) {
                inFlight.put(sending + send.snapshot(), null);
            }
            for (OffloadProgress p : running(shown)) {
                String name = p.job().substring(OFFLOAD_JOB.length());
                if (name.startsWith(sending)) {
                    inFlight.put(name, p);
                }
            }
            inFlight.forEach((name, p) -> {
                if (!done.contains(name)) {
                    items.add(inFlight(shown, name, p));
                }
            });
        });
        return Listing.page(call, Selection.select(call, items, "Snapshot"));
    }

    /** The sends to the target the arrays call {@code shown} that this service is running now. */
    private List<OffloadProgress> running(String shown) {
        try {
            String name = targets.byNameOnArrays(shown).orElseThrow();
            return targets.service(name).jobs().stream()
                    .filter(p -> p.state() == OffloadProgress.State.RUNNING && p.job().startsWith(OFFLOAD_JOB))
                    .toList();
        } catch (EngineException e) {
            return List.of(); // listed above, so it answered a moment ago; a target gone since runs nothing
        }
    }

    private static ObjectNode finished(String target, OffloadedSnapshot s) {
        ObjectNode o = base(target, s.key(), s.name(), s.sourceArray() + ":" + s.sourceVolume());
        o.putNull("started");
        o.put("completed", s.offloadedMillis());
        o.put("progress", 1.0);
        o.putNull("data_transferred");
        o.putNull("physical_bytes_written");
        return o;
    }

    /**
     * A send not complete: with its progress while it runs ({@code p}), or waiting to start or to be
     * tried again ({@code p} null). It does not say which volume the snapshot is of (a group
     * member's name carries it elsewhere).
     */
    private static ObjectNode inFlight(String target, String name, OffloadProgress p) {
        ObjectNode o = base(target, null, name, null);
        if (p == null) {
            o.putNull("started");
        } else {
            o.put("started", p.startedMillis());
        }
        o.putNull("completed");
        o.put("progress", p == null || p.totalBytes() == 0 ? 0.0
                : Math.min(0.99, (double) p.doneBytes() / p.totalBytes()));
        if (p == null) {
            o.putNull("data_transferred");
        } else {
            o.put("data_transferred", p.sentBytes());
        }
        o.putNull("physical_bytes_written");
        return o;
    }

    private static ObjectNode base(String target, String id, String name, String source) {
        ObjectNode o = F.objectNode();
        if (id == null) {
            o.putNull("id");
        } else {
            o.put("id", id);
        }
        o.put("name", name);
        o.put("destroyed", false);
        ObjectNode from = o.putObject("source").putNull("id");
        if (source == null) {
            from.putNull("name");
        } else {
            from.put("name", source);
        }
        o.putObject("remote").putNull("id").put("name", target);
        return o;
    }
}
