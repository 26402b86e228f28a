package io.purebridge.server.admin;

import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.GetOffloadJobRequest;
import io.purebridge.v1.OffloadAdminServiceGrpc.OffloadAdminServiceBlockingStub;
import io.purebridge.v1.OffloadJob;
import io.purebridge.v1.OffloadJobState;
import java.util.List;

/**
 * Polls an offload job until it ends, drawing the service's figures (bytes done of total, rate,
 * ETA) with {@link ProgressBar} on stderr when it is a terminal.
 */
final class JobWatch {
    private JobWatch() {
    }

    static OffloadJob follow(AdminMain main, OffloadAdminServiceBlockingStub stub, List<ArrayAccess> access, String id,
            double intervalSeconds) throws InterruptedException {
        if (!(intervalSeconds > 0)) {
            throw new IllegalArgumentException("--interval must be more than 0 seconds");
        }
        long pause = Math.max(10, Math.round(intervalSeconds * 1000));
        ProgressBar bar = main.jobProgress();
        GetOffloadJobRequest request = GetOffloadJobRequest.newBuilder().addAllAccess(access).setJobId(id).build();
        while (true) {
            OffloadJob job = stub.getOffloadJob(request).getJob();
            if (bar != null) {
                bar.show(job.getDoneBytes(), job.getTotalBytes(), job.getRateBytesPerSecond(), job.getEtaSeconds());
            }
            if (job.getState() != OffloadJobState.OFFLOAD_JOB_STATE_RUNNING) {
                if (bar != null) {
                    bar.endLine();
                }
                return job;
            }
            Thread.sleep(pause);
        }
    }
}
