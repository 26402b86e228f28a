package io.purebridge.engine.error;

/**
 * The category of an engine failure. driver-server maps each one to exactly one gRPC status code,
 * and the shim maps that status to one Cinder exception (docs/ARCHITECTURE.md, "Errors").
 */
public enum ErrorCode {
    /** The caller sent something malformed: a bad name, size, option or enum value. */
    INVALID_ARGUMENT,
    /** The named object does not exist (deletes treat this as success). */
    NOT_FOUND,
    /** The name is taken by an object made from a different request. */
    ALREADY_EXISTS,
    /** The object is in the wrong state: connected, destroyed, replication not configured, ... */
    FAILED_PRECONDITION,
    /** Another operation on the same object got in the way; retrying may succeed. */
    ABORTED,
    /** The array is out of space or an object limit was reached. */
    RESOURCE_EXHAUSTED,
    /** A size or position lies outside what is allowed (shrinking, writing past the end). */
    OUT_OF_RANGE,
    /** The array, a peer or a link is down; retrying later may succeed. */
    UNAVAILABLE,
    /** The API token was refused. */
    UNAUTHENTICATED,
    /** The feature does not exist in this build or for this array. */
    UNIMPLEMENTED,
    /** A bug. */
    INTERNAL
}
