package io.purebridge.engine.offload;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Retention and garbage collection. Expiry deletes the manifests of snapshots past their
 * retention (a snapshot disappears whole: its manifest is its existence). The sweep then deletes
 * packs no manifest references, under the protocol of {@link BucketLocks}: marker first, then no
 * live lease, then list and delete; packs younger than the grace period are left for a later
 * sweep as a second line of defence (clock skew, an S3 that lists late).
 */
public final class RetentionCollector {
    /** What one run did. */
    public record Result(List<String> expired, int packsDeleted, long bytesFreed, boolean deferred) {
    }

    private final S3Bucket bucket;
    private final ChunkCipher cipher;
    private final Clock clock;

    RetentionCollector(S3Bucket bucket, ChunkCipher cipher, Clock clock) {
        this.bucket = bucket;
        this.cipher = cipher;
        this.clock = clock;
    }

    Result run() {
        List<String> expired = new ArrayList<>();
        long now = clock.millis();
        for (OffloadedSnapshot s : OffloadCatalog.list(bucket, cipher)) {
            if (s.expiresMillis() > 0 && s.expiresMillis() <= now) {
                bucket.delete(s.key());
                expired.add(s.name());
            }
        }
        BucketLocks locks = new BucketLocks(bucket, clock);
        locks.writeMarker(BucketLayout.SWEEP_KEY, "sweep");
        try {
            if (locks.anyLiveLease()) {
                return new Result(expired, 0, 0, true);
            }
            Set<String> referenced = new HashSet<>();
            for (var o : bucket.list(BucketLayout.MANIFESTS)) {
                referenced.addAll(OffloadCatalog.manifest(bucket, cipher, o.key()).referencedPacks());
            }
            long graceEdge = clock.millis() - bucket.target().tuning().graceMillis();
            List<String> doomed = new ArrayList<>();
            long bytes = 0;
            for (var o : bucket.list(BucketLayout.PACKS)) {
                if (!referenced.contains(BucketLayout.packName(o.key()))
                        && o.lastModified().toEpochMilli() < graceEdge) {
                    doomed.add(o.key());
                    bytes += o.size();
                }
            }
            bucket.delete(doomed);
            return new Result(expired, doomed.size(), bytes, false);
        } finally {
            bucket.delete(BucketLayout.SWEEP_KEY);
        }
    }
}
