package io.purebridge.engine.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An existing volume snapshot sent by the array to an offload target over REST. FlashArray has no
 * call that sends a snapshot it holds: {@code POST /remote-volume-snapshots?source_names=VOL&on=}
 * snapshots a volume as it is now. So the snapshot is first copied into a transient volume
 * ({@code POST /volumes} with the snapshot as source), that volume's snapshot is taken on the target
 * under the snapshot's own suffix, and once the target lists that send as completed
 * ({@code GET /remote-volume-snapshots/transfer}) the transient volume is eradicated. The copy on
 * the target thus holds exactly the snapshot's data, named {@code <array>:<transient volume>.<suffix>}.
 * A send that outlasts its call keeps its transient volume until {@link #dropFinished} finds it
 * complete.
 */
final class RestSnapshotOffload {
    private static final Logger LOG = LoggerFactory.getLogger(RestSnapshotOffload.class);
    /** Hex characters of the snapshot name's hash that make the transient volume's name its own. */
    private static final int TAG_HEX = 8;
    /** A name that may be a transient volume's: a volume's name, a dash, a tag. */
    private static final Pattern TAGGED = Pattern.compile("(.+)-([0-9a-f]{" + TAG_HEX + "})");
    /** Between two looks at a send that is still running. */
    static final long POLL_MILLIS = 1_000;
    /** The first version whose {@code POST /remote-volume-snapshots} takes a {@code suffix}. */
    static final RestApiVersion NAMED_REMOTE_SNAPSHOTS = new RestApiVersion(2, 28);

    private final RestSession session;
    private final RestMapping map;
    private final RestOffloadRestore connection;

    RestSnapshotOffload(RestSession session, RestMapping map, RestOffloadRestore connection) {
        this.session = session;
        this.map = map;
        this.connection = connection;
    }

    /**
     * The volume a snapshot is copied into for its send: the source volume's name with a tag from
     * the snapshot's name, so offloads of two snapshots of one volume never share it, and a retry of
     * one finds the same name.
     */
    static String transientVolume(SnapshotRecord snapshot) {
        String volume = snapshot.sourceName();
        int keep = Math.min(volume.length(), ArrayNames.MAX_NAME - TAG_HEX - 1);
        return volume.substring(0, keep) + "-" + tagOf(snapshot.name());
    }

    private static String tagOf(String snapshotName) {
        return HexFormat.of().formatHex(ChunkCodec.sha256(snapshotName.getBytes(StandardCharsets.UTF_8)))
                .substring(0, TAG_HEX);
    }

    /**
     * Sends {@code snapshot} of the array {@code arrayName} to {@code target} (the array's name for
     * it); returns its name there. A copy the target holds already is not sent again.
     */
    String send(String arrayName, String target, SnapshotRecord snapshot) {
        if (session.version().compareTo(NAMED_REMOTE_SNAPSHOTS) < 0) {
            throw EngineException.failedPrecondition("OFFLOAD_NOT_SUPPORTED", "Array " + session.sanIp() + " speaks"
                    + " REST " + session.version() + ", which cannot name a snapshot it sends to an offload target"
                    + " (REST " + NAMED_REMOTE_SNAPSHOTS + " can); upgrade Purity, or offload through a volume type"
                    + " with purebridge:offload_target.");
        }
        if (!connection.connected(target)) {
            throw EngineException.failedPrecondition("OFFLOAD_TARGET_NOT_CONNECTED", "Array " + session.sanIp()
                    + " is not connected to offload target '" + target + "', so it cannot send snapshot "
                    + snapshot.name() + " there; connect the array to the bucket under that name, or set"
                    + " array_target_name in the service's [offload.NAME] section to the name the array uses.");
        }
        String copy = transientVolume(snapshot);
        String held = arrayName + ArrayNames.REMOTE_SEPARATOR + copy + "." + snapshot.suffix();
        String sent = session.sanIp() + " " + snapshot.name();
        Duration wait = RestOffloadRestore.transferWait(session, snapshot.provisionedBytes());
        long polls = 1 + wait.toMillis() / POLL_MILLIS;
        if (transfer(target, held).isPresent()) {
            // Sent, or still being sent, by an earlier attempt: its source stays until it is complete.
            awaitCompleted(target, held, copy, polls);
            dropTransient(copy, sent);
            return held;
        }
        dropTransient(copy, sent); // left by a send that died before it began (destroyed, it blocks the name)
        boolean leaveCopy = false;
        try {
            map.single(session.call("POST", "volumes", RestQuery.of().add("names", copy),
                    sourced(snapshot.name()), "copy snapshot '" + snapshot.name() + "' to volume '" + copy + "'"), copy);
            ObjectNode body = RestMapping.obj().put("suffix", snapshot.suffix());
            map.single(session.call("POST", "remote-volume-snapshots", RestQuery.of().add("source_names", copy)
                    .add("on", target), body, "send snapshot '" + snapshot.name() + "' to offload target '" + target
                    + "'", wait), held);
            // FlashArray answers once the send began; the copy is its source until it completes.
            leaveCopy = true;
            awaitCompleted(target, held, copy, polls);
            leaveCopy = false;
            LOG.info("array {} sent snapshot {} to offload target {} as {}", session.sanIp(), snapshot.name(), target,
                    held);
            return held;
        } finally {
            if (!leaveCopy) {
                dropTransient(copy, sent);
            }
        }
    }

    /**
     * Drops the transient volumes whose sends to {@code target} are complete: those left by a
     * {@link #send} that stopped waiting. A volume is taken for one only when its name is a volume
     * name plus the tag of the snapshot the target now holds from it ({@link #transientVolume}); a
     * send still running, or a volume merely named alike, stays. Returns the names dropped.
     */
    List<String> dropFinished(String arrayName, String target) {
        if (session.version().compareTo(NAMED_REMOTE_SNAPSHOTS) < 0 || !connection.connected(target)) {
            return List.of(); // it cannot have made any
        }
        List<String> dropped = new ArrayList<>();
        for (JsonNode volume : map.listOrEmpty("volumes", RestQuery.of(), "list volumes")) {
            String name = volume.path("name").asText();
            Matcher tagged = TAGGED.matcher(name);
            if (tagged.matches() && sentFrom(arrayName, target, name, tagged.group(1), tagged.group(2))
                    && dropTransient(name, "a send to " + target + " that completed after its call stopped waiting")) {
                LOG.info("array {}: dropped volume {}, the source of a send to {} that is now complete",
                        session.sanIp(), name, target);
                dropped.add(name);
            }
        }
        return dropped;
    }

    /**
     * Whether the target lists a completed send from {@code volume} of a snapshot of {@code source}
     * whose name gives {@code tag}: then {@code volume} is that send's transient volume.
     */
    private boolean sentFrom(String arrayName, String target, String volume, String source, String tag) {
        String heldPrefix = arrayName + ArrayNames.REMOTE_SEPARATOR + volume + ".";
        return map.listOrEmpty("remote-volume-snapshots/transfer", RestQuery.of().add("on", target)
                .add("source_names", arrayName + ArrayNames.REMOTE_SEPARATOR + volume), "read the sends from volume '"
                + volume + "'").stream()
                .filter(t -> t.hasNonNull("completed"))
                .map(t -> t.path("name").asText())
                .filter(held -> held.startsWith(heldPrefix))
                .anyMatch(held -> tagOf(source + "." + held.substring(heldPrefix.length())).equals(tag));
    }

    /** The target's transfer record of {@code held}, if it has one (complete or not). */
    private Optional<JsonNode> transfer(String target, String held) {
        return map.listOrEmpty("remote-volume-snapshots/transfer", RestQuery.of().add("on", target)
                .add("names", held), "read the transfer of '" + held + "'").stream()
                .filter(t -> held.equals(t.path("name").asText())).findFirst();
    }

    /**
     * Returns once the target lists the send of {@code held} as completed. After {@code polls}
     * looks the send is left running, and with it the volume {@code copy} it reads from.
     */
    private void awaitCompleted(String target, String held, String copy, long polls) {
        for (long look = 1; ; look++) {
            Optional<JsonNode> t = transfer(target, held);
            if (t.isPresent() && t.get().hasNonNull("completed")) {
                return;
            }
            if (look >= polls) {
                LOG.warn("array {}: the send of {} to {} is still running; volume {} is its source and stays until"
                        + " the send completes, then the service's offload run drops it", session.sanIp(), held, target,
                        copy);
                throw EngineException.unavailable("OFFLOAD_STILL_RUNNING", "Array " + session.sanIp() + " is still"
                        + " sending " + held + " to offload target '" + target + "' (" + t.map(x -> "progress "
                        + x.path("progress").asText()).orElse("not listed yet") + "); the same request again waits"
                        + " for it. Volume " + copy + " is the send's source; the service drops it once the send is"
                        + " complete.");
            }
            session.pause(POLL_MILLIS, "see the send of '" + held + "' complete");
        }
    }

    private static ObjectNode sourced(String name) {
        ObjectNode body = RestMapping.obj();
        body.putObject("source").put("name", name);
        return body;
    }

    /**
     * The transient volume only carried the send: failing to drop it is logged, not the caller's
     * failure. Returns whether this call dropped it.
     */
    private boolean dropTransient(String copy, String sent) {
        try {
            if (map.findOne("volumes", copy, "find volume '" + copy + "'").isEmpty()) {
                return false;
            }
            session.call("PATCH", "volumes", RestQuery.of().add("names", copy), RestMapping.obj().put("destroyed", true),
                    "destroy volume '" + copy + "'");
            session.call("DELETE", "volumes", RestQuery.of().add("names", copy), null,
                    "eradicate volume '" + copy + "'");
            return true;
        } catch (EngineException e) {
            LOG.warn("array {}: volume {}, copied from the snapshot for its offload ({}), stays on the array: {}",
                    session.sanIp(), copy, sent, e.getMessage());
            return false;
        }
    }
}
