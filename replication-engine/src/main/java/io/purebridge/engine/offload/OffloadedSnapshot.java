package io.purebridge.engine.offload;

/**
 * An offloaded snapshot as listed from the bucket (complete ones only: the manifest is written
 * last). Named as FlashArray names remote snapshots: {@code <source array>:<snapshot>}.
 */
public record OffloadedSnapshot(String key, String name, String sourceArray, String snapshot, String sourceVolume,
                                long sizeBytes, long createdMillis, long offloadedMillis, long expiresMillis,
                                String storageClass) {
    static OffloadedSnapshot of(String key, Manifest.Header h) {
        return new OffloadedSnapshot(key, h.sourceArray() + ":" + h.snapshot(), h.sourceArray(), h.snapshot(),
                h.sourceVolume(), h.sizeBytes(), h.createdMillis(), h.offloadedMillis(), h.expiresMillis(),
                h.storageClass());
    }
}
