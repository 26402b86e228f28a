package io.purebridge.engine.cinder;

/** The answer to a registration: which array is primary and which backend id is active. */
public record RegisteredBackend(String arrayName, String arrayId, String activeBackendId) {
}
