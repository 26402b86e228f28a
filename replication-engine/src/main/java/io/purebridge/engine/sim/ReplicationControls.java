package io.purebridge.engine.sim;

import java.util.List;

/**
 * Operator controls and status of the simulated replication network (for the admin API and
 * purebridge-admin). Every control is durable when it returns.
 */
public interface ReplicationControls {

    /** Cuts the replication link between two arrays; pods stretched over them race to the mediator. */
    void cutLink(String arrayA, String arrayB);

    /** Restores a link; stale pod arrays start resyncing (progress advances on {@link #tick()}). */
    void restoreLink(String arrayA, String arrayB);

    /** Stops an array: it answers UNAVAILABLE to everything; its pod peers race to the mediator. */
    void stopArray(String arrayName);

    void startArray(String arrayName);

    /** Makes the mediator (un)reachable from every array. */
    void setMediatorReachable(boolean reachable);

    /**
     * One heartbeat of the replication network at the clock's current time: pre-election while the
     * mediator is unreachable, a resync step for stale pod arrays, scheduled protection group
     * snapshots, transfers and retention. The host calls it periodically; tests call it by hand.
     */
    void tick();

    /** Links, mediator and stopped arrays. */
    NetworkStatus networkStatus();

    PodStatus podStatus(String podName);

    List<PodStatus> podStatuses();

    PgStatus pgStatus(String sourceArray, String groupName);

    List<PgStatus> pgStatuses();
}
