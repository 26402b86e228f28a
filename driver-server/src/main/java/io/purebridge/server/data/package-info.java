/**
 * Streaming of volume bytes for ArrayAdminService (simulated arrays by name and token) and
 * VolumeDataService (Cinder volumes through their registered backend).
 *
 * <p>Writes: {@link io.purebridge.server.data.DataWriteObserver} takes a header, then data chunks,
 * each written (fsync'd by the simulated array) inside {@code onNext}; gRPC asks for the next
 * message only after that, so a stream holds at most one chunk in the service. Header errors are
 * raised before any byte is written. Reads: {@link io.purebridge.server.data.DataReadStreamer}
 * sends 1 MiB chunks from gRPC's onReady callbacks, reading the next chunk only while the call is
 * ready, so a slow client never makes the service buffer a large read.
 */
package io.purebridge.server.data;
