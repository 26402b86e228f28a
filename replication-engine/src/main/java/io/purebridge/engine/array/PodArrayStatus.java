package io.purebridge.engine.array;

import java.util.Objects;

/**
 * One array of a pod as the answering array sees it (REST {@code pod.arrays[]}).
 *
 * @param arrayName the member array
 * @param arrayId the member array's id (clients match pod members to arrays by id)
 * @param status {@code online} (has the latest data, serves pod I/O), {@code offline} (cannot serve,
 *     may be stale), {@code resyncing} (pulling changes, serves nothing until done) or
 *     {@code unknown} (a peer seen from an array that is itself offline)
 * @param progress resync progress 0.0-1.0; 1.0 when in sync
 * @param frozenAtEpochMillis when an offline array's data was frozen (its recovery point), or 0
 * @param mediatorStatus {@code online} or {@code unreachable}
 * @param preElected this array keeps the pod online if contact is lost while the mediator is unreachable
 */
public record PodArrayStatus(
        String arrayName,
        String arrayId,
        String status,
        double progress,
        long frozenAtEpochMillis,
        String mediatorStatus,
        boolean preElected) {
    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";
    public static final String RESYNCING = "resyncing";
    public static final String UNKNOWN = "unknown";

    public PodArrayStatus {
        Objects.requireNonNull(arrayName, "arrayName");
        Objects.requireNonNull(arrayId, "arrayId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(mediatorStatus, "mediatorStatus");
    }
}
