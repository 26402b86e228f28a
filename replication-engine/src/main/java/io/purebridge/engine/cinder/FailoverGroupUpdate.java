package io.purebridge.engine.cinder;

import java.util.Objects;

/**
 * What Cinder's manager stores for one generic group after a failover or failback
 * ({@code {'group_id': id, 'updates': {...}}}): the group follows its volumes.
 *
 * @param replicationStatus "failed-over", "enabled" (after failback) or "error" when any of its
 *     volumes could not be recovered
 */
public record FailoverGroupUpdate(String groupId, String status, String replicationStatus) {
    public FailoverGroupUpdate {
        Objects.requireNonNull(groupId, "groupId");
        status = status == null ? "" : status;
        replicationStatus = replicationStatus == null ? "" : replicationStatus;
    }
}
