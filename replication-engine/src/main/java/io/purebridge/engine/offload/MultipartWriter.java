package io.purebridge.engine.offload;

import io.purebridge.engine.error.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A hand-written multipart upload (the SDK's multipart client does not work with S3Proxy): reads
 * the stream one part at a time into memory, keeps at most {@code concurrency} parts in flight
 * (so memory is bounded and nothing is staged on disk), completes with the parts in order, and
 * aborts the upload when anything fails so no incomplete upload is left behind.
 */
final class MultipartWriter {
    private final S3Bucket bucket;
    private final String key;
    private final String storageClass;
    private final int partSize;

    MultipartWriter(S3Bucket bucket, String key, String storageClass, int partSize) {
        this.bucket = bucket;
        this.key = key;
        this.storageClass = storageClass;
        this.partSize = partSize;
    }

    void write(InputStream in) {
        var s3 = bucket.client();
        String b = bucket.target().bucket();
        String uploadId = bucket.call("CREATE UPLOAD " + key, () -> s3.createMultipartUpload(r -> r.bucket(b).key(key)
                .storageClass(storageClass).contentType("application/octet-stream")).uploadId());
        int concurrency = bucket.target().tuning().concurrency();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "offload-part");
            t.setDaemon(true);
            return t;
        });
        Semaphore inFlight = new Semaphore(concurrency);
        List<Future<CompletedPart>> parts = new ArrayList<>();
        boolean done = false;
        long total = 0;
        try {
            for (int number = 1; ; number++) {
                byte[] buf = in.readNBytes(partSize);
                total += buf.length;
                if (buf.length == 0 && number > 1) {
                    break;
                }
                inFlight.acquire();
                int n = number;
                parts.add(pool.submit(() -> {
                    try {
                        String etag = bucket.call("UPLOAD PART " + n + " of " + key, () -> s3.uploadPart(r -> r.bucket(b)
                                .key(key).uploadId(uploadId).partNumber(n), RequestBody.fromBytes(buf)).eTag());
                        return CompletedPart.builder().partNumber(n).eTag(etag).build();
                    } finally {
                        inFlight.release();
                    }
                }));
                if (buf.length < partSize) {
                    break;
                }
            }
            List<CompletedPart> completed = new ArrayList<>();
            for (Future<CompletedPart> f : parts) {
                completed.add(f.get());
            }
            try {
                bucket.call("COMPLETE UPLOAD " + key, () -> s3.completeMultipartUpload(r -> r.bucket(b).key(key)
                        .uploadId(uploadId).multipartUpload(m -> m.parts(completed))));
            } catch (EngineException e) {
                // The store may have completed the upload and lost only its answer (a cut or
                // garbled response is not retried); the object then exists whole.
                if (!completedAnyway(total)) {
                    throw e;
                }
            }
            done = true;
        } catch (IOException e) {
            throw EngineException.unavailable("OFFLOAD_STREAM_FAILED", bucket.target().describe() + ": upload of "
                    + key + " could not read its data (" + e.getMessage() + "); the upload was aborted");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.unavailable("OFFLOAD_INTERRUPTED", "upload of " + key + " was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw EngineException.internal("OFFLOAD_PART_FAILED", "upload of " + key + " failed", e.getCause());
        } finally {
            pool.shutdownNow();
            if (!done) {
                try {
                    bucket.call("ABORT UPLOAD " + key, () -> s3.abortMultipartUpload(r -> r.bucket(b).key(key)
                            .uploadId(uploadId)));
                } catch (EngineException ignored) {
                    // The lifecycle rule and the next connect's sweep of stale uploads remove it.
                }
            }
        }
    }

    private boolean completedAnyway(long total) {
        try {
            return bucket.size(key).orElse(-1) == total;
        } catch (EngineException e) {
            return false;
        }
    }
}
