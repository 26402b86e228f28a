package io.purebridge.engine.cinder;

/**
 * Where a backend puts replicated volumes, which depends on whether it is failed over: on the
 * primary, sync and trisync volumes go in the stretched pod and async ones in the async group; on a
 * sync target still serving the pod, sync volumes stay in the pod; on any other target every
 * replicated volume is a root volume in the {@link FailbackGroup}, protected back to the primary.
 *
 * @param backendId the replication_device now serving, or "" on the primary
 * @param podPlacement sync and trisync volumes are created in the pod
 */
public record FailedOverPlacement(String backendId, boolean podPlacement) {
    public static final FailedOverPlacement NOT_FAILED_OVER = new FailedOverPlacement("", true);

    public boolean active() {
        return !backendId.isEmpty();
    }
}
