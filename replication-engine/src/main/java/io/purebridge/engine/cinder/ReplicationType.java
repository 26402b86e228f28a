package io.purebridge.engine.cinder;

/** The kind of a replication_device line (its {@code type} key). */
public enum ReplicationType {
    /** Protection-group (snapshot) replication; the default. */
    ASYNC,
    /** ActiveCluster pod replication. */
    SYNC
}
