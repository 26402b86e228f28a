package io.purebridge.engine.array;

/**
 * Optional capability of an array that offloads protection-group snapshots itself, as FlashArray's
 * CloudSnap does (an array over REST): a group takes an offload target the array is connected to
 * as one of its targets ({@link ReplicationArray#addProtectionGroupTargets}), and the array sends
 * the group's snapshots there on the group's schedule, kept for its target retention.
 */
public interface ArrayOffload {
    /** Whether the array is connected now to the offload target it calls {@code name}. */
    boolean offloadTargetConnected(String name);
}
