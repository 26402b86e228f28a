package io.purebridge.engine.array;

import java.util.List;

/**
 * Optional capability of an array that offloads protection-group snapshots itself, as FlashArray's
 * CloudSnap does (an array over REST): a group takes an offload target the array is connected to
 * as one of its targets ({@link ReplicationArray#addProtectionGroupTargets}), and the array sends
 * the group's snapshots there on the group's schedule, kept for its target retention. It also sends
 * one snapshot on demand ({@link #offloadSnapshot}).
 */
public interface ArrayOffload {
    /** Whether the array is connected now to the offload target it calls {@code name}. */
    boolean offloadTargetConnected(String name);

    /**
     * Sends the snapshot {@code snapshot} the array holds to the offload target it calls
     * {@code target}, exactly as taken (not the volume as it is now), and returns its name there
     * ("array:volume.suffix"). The target keeps it until it is deleted. The same call again returns
     * the same name and sends nothing twice.
     *
     * @throws io.purebridge.engine.error.EngineException FAILED_PRECONDITION
     *     (OFFLOAD_TARGET_NOT_CONNECTED) when the array is not connected to {@code target},
     *     NOT_FOUND when it holds no such snapshot
     */
    String offloadSnapshot(String target, String snapshot);

    /**
     * Removes what on-demand sends to {@code target} left on the array once the target lists them
     * as complete: the source a send reads from stays while it runs, also after
     * {@link #offloadSnapshot} stopped waiting for it (UNAVAILABLE, OFFLOAD_STILL_RUNNING). Returns
     * the names of the volumes removed. Anything else on the array stays.
     */
    List<String> dropFinishedSendSources(String target);
}
