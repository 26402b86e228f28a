package io.purebridge.server.grpc;

import io.grpc.stub.StreamObserver;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.offload.OffloadJobs;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.server.mapping.OffloadMapper;
import io.purebridge.server.mapping.Required;
import io.purebridge.v1.GetOffloadJobRequest;
import io.purebridge.v1.GetOffloadJobResponse;
import io.purebridge.v1.ListOffloadJobsRequest;
import io.purebridge.v1.ListOffloadJobsResponse;
import io.purebridge.v1.ListOffloadTargetsRequest;
import io.purebridge.v1.ListOffloadTargetsResponse;
import io.purebridge.v1.ListOffloadedSnapshotsRequest;
import io.purebridge.v1.ListOffloadedSnapshotsResponse;
import io.purebridge.v1.OffloadAdminServiceGrpc;
import io.purebridge.v1.OffloadJob;
import io.purebridge.v1.StartOffloadRequest;
import io.purebridge.v1.StartOffloadResponse;
import io.purebridge.v1.StartRestoreRequest;
import io.purebridge.v1.StartRestoreResponse;
import io.purebridge.v1.StartVerifyRequest;
import io.purebridge.v1.StartVerifyResponse;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC adapter of OffloadAdminService over the service's {@link OffloadTargets} and
 * {@link OffloadJobs}. Offloads read from, and restores write to, the simulated arrays the service
 * hosts, opened with the caller's token ({@link ArrayTokens}); a restore may also go to the array a
 * registered Cinder backend writes now (a FlashArray over REST included), with that array's token.
 * Every other call needs the token of any hosted array or registered backend.
 */
public final class OffloadAdminGrpcService extends OffloadAdminServiceGrpc.OffloadAdminServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(OffloadAdminGrpcService.class);

    private final ArrayTokens tokens;
    private final BackendRegistry backends;
    private final OffloadJobs jobs;
    private final StatusMapper statusMapper;

    /** @param backends the registered Cinder backends, whose arrays a restore may go to */
    public OffloadAdminGrpcService(ArrayOpener arrays, BackendRegistry backends, OffloadJobs jobs,
            StatusMapper statusMapper) {
        this.tokens = new ArrayTokens(arrays, backends);
        this.backends = Objects.requireNonNull(backends, "backends");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.statusMapper = Objects.requireNonNull(statusMapper, "statusMapper");
    }

    @Override
    public void listOffloadTargets(ListOffloadTargetsRequest request, StreamObserver<ListOffloadTargetsResponse> out) {
        statusMapper.respond("ListOffloadTargets", out, () -> {
            tokens.authenticated(request.getAccessList());
            OffloadTargets targets = jobs.targets();
            ListOffloadTargetsResponse.Builder b = ListOffloadTargetsResponse.newBuilder();
            for (String name : targets.names()) {
                b.addTargets(OffloadMapper.target(targets.status(name)));
            }
            return b.build();
        });
    }

    @Override
    public void listOffloadedSnapshots(ListOffloadedSnapshotsRequest request,
            StreamObserver<ListOffloadedSnapshotsResponse> out) {
        statusMapper.respond("ListOffloadedSnapshots", out, () -> {
            tokens.authenticated(request.getAccessList());
            String target = Required.text(request.getTarget(), "target");
            ListOffloadedSnapshotsResponse.Builder b = ListOffloadedSnapshotsResponse.newBuilder();
            jobs.targets().service(target).list().forEach(s -> b.addSnapshots(OffloadMapper.snapshot(s)));
            return b.build();
        });
    }

    @Override
    public void startOffload(StartOffloadRequest request, StreamObserver<StartOffloadResponse> out) {
        statusMapper.respond("StartOffload", out, () -> {
            String target = Required.text(request.getTarget(), "target");
            String array = Required.text(request.getArray(), "array");
            String snapshot = Required.text(request.getSnapshot(), "snapshot");
            if (request.getRetentionDays() < 0) {
                throw EngineException.invalidArgument("RETENTION_INVALID", "retention_days must be 0 (keep until"
                        + " deleted) or more, not " + request.getRetentionDays());
            }
            FlashArray source = tokens.open(request.getAccessList(), List.of(array)).get(array);
            String id = jobs.offload(target, source, snapshot, request.getRetentionDays());
            LOG.info("offload-admin: offload of {}:{} to {} is job {}", array, snapshot, target, id);
            return StartOffloadResponse.newBuilder().setJob(job(id)).build();
        });
    }

    @Override
    public void startRestore(StartRestoreRequest request, StreamObserver<StartRestoreResponse> out) {
        statusMapper.respond("StartRestore", out, () -> {
            String target = Required.text(request.getTarget(), "target");
            String name = Required.text(request.getOffloadedSnapshot(), "offloaded_snapshot");
            String volume = Required.text(request.getVolume(), "volume");
            String array = request.getArray().strip();
            String backend = request.getBackendName().strip();
            if (array.isEmpty() == backend.isEmpty()) {
                throw EngineException.invalidArgument("RESTORE_DESTINATION_INVALID", "Give exactly one of array (a"
                        + " simulated array this service hosts) and backend_name (a Cinder backend registered with"
                        + " it, whose array may be a FlashArray over REST).");
            }
            FlashArray destination = backend.isEmpty()
                    ? tokens.open(request.getAccessList(), List.of(array)).get(array)
                    : backends.activeArray(backend, tokens.token(request.getAccessList(), backend));
            String id = jobs.restore(target, name, destination, volume);
            LOG.info("offload-admin: restore of {} from {} to {}:{} is job {}", name, target,
                    backend.isEmpty() ? array : "backend " + backend, volume, id);
            return StartRestoreResponse.newBuilder().setJob(job(id)).build();
        });
    }

    @Override
    public void startVerify(StartVerifyRequest request, StreamObserver<StartVerifyResponse> out) {
        statusMapper.respond("StartVerify", out, () -> {
            tokens.authenticated(request.getAccessList());
            String target = Required.text(request.getTarget(), "target");
            String name = Required.text(request.getOffloadedSnapshot(), "offloaded_snapshot");
            String id = jobs.verify(target, name);
            LOG.info("offload-admin: verify of {} on {} is job {}", name, target, id);
            return StartVerifyResponse.newBuilder().setJob(job(id)).build();
        });
    }

    @Override
    public void getOffloadJob(GetOffloadJobRequest request, StreamObserver<GetOffloadJobResponse> out) {
        statusMapper.respond("GetOffloadJob", out, () -> {
            tokens.authenticated(request.getAccessList());
            String id = Required.text(request.getJobId(), "job_id");
            return GetOffloadJobResponse.newBuilder().setJob(job(id)).build();
        });
    }

    @Override
    public void listOffloadJobs(ListOffloadJobsRequest request, StreamObserver<ListOffloadJobsResponse> out) {
        statusMapper.respond("ListOffloadJobs", out, () -> {
            tokens.authenticated(request.getAccessList());
            ListOffloadJobsResponse.Builder b = ListOffloadJobsResponse.newBuilder();
            jobs.jobs().forEach(j -> b.addJobs(OffloadMapper.job(j)));
            return b.build();
        });
    }

    private OffloadJob job(String id) {
        return jobs.job(id).map(OffloadMapper::job).orElseThrow(() -> EngineException.notFound(
                "OFFLOAD_JOB_NOT_FOUND", "no offload job " + id + " in this service process (jobs are forgotten"
                        + " when the service restarts); list them with purebridge-admin offload status"));
    }
}
