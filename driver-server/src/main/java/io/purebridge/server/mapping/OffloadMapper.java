package io.purebridge.server.mapping;

import io.purebridge.engine.offload.BucketRules;
import io.purebridge.engine.offload.OffloadJobStatus;
import io.purebridge.engine.offload.OffloadTarget;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.offload.OffloadedSnapshot;
import io.purebridge.engine.offload.VerifyReport;
import io.purebridge.v1.OffloadJob;
import io.purebridge.v1.OffloadJobKind;
import io.purebridge.v1.OffloadJobState;
import io.purebridge.v1.OffloadTargetInfo;
import io.purebridge.v1.OffloadTargetState;
import io.purebridge.v1.OffloadedSnapshotInfo;
import io.purebridge.v1.VerifyResult;

/** Offload records to their OffloadAdminService messages. Secrets appear only as references. */
public final class OffloadMapper {
    private OffloadMapper() {
    }

    public static OffloadTargetInfo target(OffloadTargets.TargetStatus status) {
        OffloadTarget t = status.target();
        OffloadTargetInfo.Builder b = OffloadTargetInfo.newBuilder()
                .setName(t.name())
                .setProtocol("s3")
                .setBucket(t.bucket())
                .setEndpoint(t.endpoint() == null ? "" : t.endpoint().toString())
                .setRegion(t.region())
                .setPlacementStrategy(t.placement().text())
                .setAccessKeyIdRef(t.accessKeyId() == null ? "" : t.accessKeyId().toString())
                .setEncrypted(t.encryptionKey() != null)
                .setState(status.connected() ? OffloadTargetState.OFFLOAD_TARGET_STATE_CONNECTED
                        : OffloadTargetState.OFFLOAD_TARGET_STATE_NOT_CONNECTED);
        if (status.error() != null) {
            b.setError(status.error());
        }
        BucketRules.Connection c = status.connection();
        if (c != null) {
            b.setFormatVersion(BucketRules.FORMAT_VERSION).setInitialized(c.initialized())
                    .addAllUnverifiedRules(c.unverifiedRules());
        }
        return b.build();
    }

    public static OffloadedSnapshotInfo snapshot(OffloadedSnapshot s) {
        return OffloadedSnapshotInfo.newBuilder()
                .setName(s.name())
                .setSourceArray(s.sourceArray())
                .setSnapshot(s.snapshot())
                .setSourceVolume(s.sourceVolume() == null ? "" : s.sourceVolume())
                .setSizeBytes(s.sizeBytes())
                .setCreatedMs(s.createdMillis())
                .setOffloadedMs(s.offloadedMillis())
                .setExpiresMs(s.expiresMillis())
                .setStorageClass(s.storageClass() == null ? "" : s.storageClass())
                .build();
    }

    public static OffloadJob job(OffloadJobStatus j) {
        OffloadJob.Builder b = OffloadJob.newBuilder()
                .setJobId(j.id())
                .setKind(switch (j.kind()) {
                    case OFFLOAD -> OffloadJobKind.OFFLOAD_JOB_KIND_OFFLOAD;
                    case RESTORE -> OffloadJobKind.OFFLOAD_JOB_KIND_RESTORE;
                    case VERIFY -> OffloadJobKind.OFFLOAD_JOB_KIND_VERIFY;
                })
                .setTarget(j.target())
                .setSubject(j.subject())
                .setState(switch (j.state()) {
                    case RUNNING -> OffloadJobState.OFFLOAD_JOB_STATE_RUNNING;
                    case COMPLETED -> OffloadJobState.OFFLOAD_JOB_STATE_COMPLETED;
                    case FAILED -> OffloadJobState.OFFLOAD_JOB_STATE_FAILED;
                })
                .setDoneBytes(j.doneBytes())
                .setTotalBytes(j.totalBytes())
                .setTransferredBytes(j.sentBytes())
                .setRateBytesPerSecond(j.rateBytesPerSecond())
                .setEtaSeconds(j.etaSeconds())
                .setStartedMs(j.createdMillis())
                .setFinishedMs(j.finishedMillis());
        if (j.error() != null) {
            b.setError(j.error());
        }
        if (j.result() != null) {
            b.setResult(j.result());
        }
        VerifyReport r = j.verify();
        if (r != null) {
            b.setVerify(VerifyResult.newBuilder().setPacks(r.packs()).setBlocks(r.blocks())
                    .addAllProblems(r.problems()));
        }
        return b.build();
    }
}
