package io.purebridge.engine.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import java.time.Duration;
import java.util.Optional;

/**
 * Restore of an offloaded snapshot by the array itself over REST: the array must be connected to
 * the offload target ({@code GET /offloads}) and hold the snapshot there
 * ({@code GET /remote-volume-snapshots?on=}); then {@code POST /volumes} with the remote snapshot as
 * {@code source}, the call FlashArray takes to copy a replicated snapshot, and the array fetches
 * the data. The call waits as long as the snapshot's size needs at {@link #SLOWEST_BYTES_PER_SECOND}.
 */
final class RestOffloadRestore {
    /** The slowest restore rate waited for before the call is given up (the array goes on). */
    static final long SLOWEST_BYTES_PER_SECOND = 16L << 20;

    private final RestSession session;
    private final RestMapping map;

    /** How long a transfer of {@code bytes} between the array and a target is waited for. */
    static Duration transferWait(RestSession session, long bytes) {
        return session.requestTimeout().plusSeconds(bytes / SLOWEST_BYTES_PER_SECOND);
    }

    RestOffloadRestore(RestSession session, RestMapping map) {
        this.session = session;
        this.map = map;
    }

    /** The array's entry for {@code target} under {@code GET /offloads}, if it has one. */
    private Optional<JsonNode> connection(String target) {
        return map.findOne("offloads", target, "read offload target '" + target + "'");
    }

    /** Whether the array lists {@code target} as connected. */
    boolean connected(String target) {
        return connection(target).filter(c -> "connected".equals(c.path("status").asText())).isPresent();
    }

    VolumeRecord restore(String target, String snapshot, String volume, long sizeBytes) {
        Optional<JsonNode> connection = connection(target);
        if (connection.isEmpty() || !"connected".equals(connection.get().path("status").asText())) {
            throw EngineException.failedPrecondition("OFFLOAD_TARGET_NOT_CONNECTED", "Array " + session.sanIp()
                    + " is " + (connection.isEmpty() ? "not connected to" : "not connected right now to")
                    + " offload target '" + target + "'; connect the array to the bucket (without initialising"
                    + " it) under that name, set array_target_name in the service's [offload.NAME] section to the"
                    + " name the array uses for it, or restore into an array the service writes to.");
        }
        boolean held = !map.listOrEmpty("remote-volume-snapshots", RestQuery.of().add("on", target)
                .add("names", snapshot), "find offloaded snapshot '" + snapshot + "'").isEmpty();
        if (!held) {
            throw EngineException.notFound("OFFLOADED_SNAPSHOT_NOT_FOUND", "Offload target '" + target + "' as array "
                    + session.sanIp() + " sees it holds no snapshot '" + snapshot + "'; list the target's snapshots"
                    + " and name one of them.");
        }
        ObjectNode body = RestMapping.obj();
        body.putObject("source").put("name", snapshot);
        Duration wait = transferWait(session, sizeBytes);
        String what = "restore offloaded snapshot '" + snapshot + "' from '" + target + "' as volume '" + volume + "'";
        // The array answers the same call again with the volume it made (a retry after a lost answer).
        return map.volume(map.single(session.call("POST", "volumes", RestQuery.of().add("names", volume), body, what,
                wait), volume));
    }
}
