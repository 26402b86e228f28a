package io.purebridge.engine.offload;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads what a bucket holds: complete snapshots (their manifests) and single manifests. */
final class OffloadCatalog {
    private OffloadCatalog() {
    }

    /**
     * Every complete snapshot. A manifest listed and gone when read is skipped: deleted meanwhile by
     * a retention sweep or a destroy, or a store's transient object (S3Proxy's filesystem store
     * lists an object being written under a temporary key next to the final one).
     */
    static List<OffloadedSnapshot> list(S3Bucket bucket, ChunkCipher cipher) {
        List<OffloadedSnapshot> out = new ArrayList<>();
        for (var o : bucket.list(BucketLayout.MANIFESTS)) {
            try {
                out.add(OffloadedSnapshot.of(o.key(), manifest(bucket, cipher, o.key()).header()));
            } catch (EngineException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
            }
        }
        out.sort(Comparator.comparing(OffloadedSnapshot::createdMillis).thenComparing(OffloadedSnapshot::name));
        return out;
    }

    static Manifest manifest(S3Bucket bucket, ChunkCipher cipher, String key) {
        int attempts = bucket.target().tuning().maxAttempts();
        for (int i = 1; ; i++) {
            byte[] data = bucket.get(key).orElseThrow(() -> EngineException.notFound(
                    "OFFLOADED_SNAPSHOT_NOT_FOUND", bucket.target().describe() + " holds no offloaded snapshot " + key));
            try {
                return Manifest.decode(key, data, cipher);
            } catch (EngineException e) {
                // A body cut short in transit looks like damage: read again before calling it damaged.
                if (i >= attempts || "OFFLOAD_KEY_REQUIRED".equals(e.reason())) {
                    throw e;
                }
            }
        }
    }
}
