package io.purebridge.server.admin;

import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.GetOffloadJobRequest;
import io.purebridge.v1.ListOffloadJobsRequest;
import io.purebridge.v1.ListOffloadTargetsRequest;
import io.purebridge.v1.ListOffloadTargetsResponse;
import io.purebridge.v1.ListOffloadedSnapshotsRequest;
import io.purebridge.v1.ListOffloadedSnapshotsResponse;
import io.purebridge.v1.OffloadAdminServiceGrpc;
import io.purebridge.v1.OffloadAdminServiceGrpc.OffloadAdminServiceBlockingStub;
import io.purebridge.v1.OffloadJob;
import io.purebridge.v1.OffloadJobState;
import io.purebridge.v1.OffloadTargetInfo;
import io.purebridge.v1.OffloadTargetState;
import io.purebridge.v1.OffloadedSnapshotInfo;
import io.purebridge.v1.StartOffloadRequest;
import io.purebridge.v1.StartRestoreRequest;
import io.purebridge.v1.StartVerifyRequest;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code purebridge-admin offload list|start|status|restore|verify} over OffloadAdminService. The
 * array tokens come from a tokens file as for the replication commands (the service config works):
 * start needs the source array's, restore the destination's (with {@code --backend}, the line named
 * after the backend: the token of the array it writes now), the others any of those.
 * Offloads, restores and verifies run in the service as jobs: each command prints the job id and,
 * with {@code --wait}, follows the job with a progress bar (bytes, rate, ETA) until it ends.
 * {@code --json} prints the service's answer as one JSON document.
 */
@Command(name = "offload", mixinStandardHelpOptions = true, description = "Snapshot offload to S3: targets and"
        + " offloaded snapshots (list), offload a snapshot (start), jobs (status), restore a snapshot as a new volume"
        + " (restore), read one back and check it (verify).",
        subcommands = {OffloadCommands.ListCommand.class, OffloadCommands.Start.class, OffloadCommands.Status.class,
            OffloadCommands.Restore.class, OffloadCommands.Verify.class})
final class OffloadCommands implements Callable<Integer> {
    @CommandLine.ParentCommand
    AdminMain main;

    @Override
    public Integer call() {
        throw new IllegalArgumentException("offload takes list, start, status, restore or verify (--help for usage)");
    }

    /** Options every offload command takes. */
    static final class Common {
        @Mixin
        ReplicationCommands.Network network;
        @Option(names = "--json", description = "Print the service's answer as one JSON document.")
        boolean json;
    }

    private interface WithStub {
        int run(OffloadAdminServiceBlockingStub stub, List<ArrayAccess> access) throws Exception;
    }

    private static int withStub(Common common, WithStub body) throws Exception {
        List<ArrayAccess> access = common.network.access();
        try (AdminChannels.Connection connection = AdminChannels.open(common.network.endpoint)) {
            return body.run(OffloadAdminServiceGrpc.newBlockingStub(connection.channel()), access);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The offload targets and their state;"
            + " with --target, the offloaded snapshots that target holds.")
    static final class ListCommand implements Callable<Integer> {
        @CommandLine.ParentCommand
        OffloadCommands parent;
        @Mixin
        Common common;
        @Option(names = "--target", paramLabel = "NAME", description = "List this target's offloaded snapshots.")
        String target;

        @Override
        public Integer call() throws Exception {
            PrintStream out = parent.main.stdout();
            return withStub(common, (stub, access) -> {
                if (target != null) {
                    ListOffloadedSnapshotsResponse r = stub.listOffloadedSnapshots(ListOffloadedSnapshotsRequest
                            .newBuilder().addAllAccess(access).setTarget(target).build());
                    if (common.json) {
                        out.println(OffloadJson.snapshots(target, r.getSnapshotsList()));
                    } else {
                        printSnapshots(out, target, r.getSnapshotsList());
                    }
                    return 0;
                }
                ListOffloadTargetsResponse r = stub.listOffloadTargets(ListOffloadTargetsRequest.newBuilder()
                        .addAllAccess(access).build());
                if (common.json) {
                    out.println(OffloadJson.targets(r.getTargetsList()));
                } else {
                    printTargets(out, r.getTargetsList());
                }
                return 0;
            });
        }
    }

    static void printTargets(PrintStream out, List<OffloadTargetInfo> targets) {
        if (targets.isEmpty()) {
            out.println("no offload targets: add an [offload.NAME] section to the service config, or enable [s3]");
            return;
        }
        out.printf(Locale.ROOT, "%-20s %-28s %-36s %s%n", "TARGET", "BUCKET", "ENDPOINT", "STATE");
        for (OffloadTargetInfo t : targets) {
            boolean up = t.getState() == OffloadTargetState.OFFLOAD_TARGET_STATE_CONNECTED;
            out.printf(Locale.ROOT, "%-20s %-28s %-36s %s%n", t.getName(), t.getBucket(),
                    t.getEndpoint().isEmpty() ? "AWS " + t.getRegion() : t.getEndpoint(),
                    up ? "connected (format " + t.getFormatVersion() + (t.getEncrypted() ? ", encrypted" : "")
                            + (t.getUnverifiedRulesCount() == 0 ? "" : ", unverified: "
                                    + String.join(", ", t.getUnverifiedRulesList())) + ")"
                            : "not connected: " + t.getError());
        }
    }

    static void printSnapshots(PrintStream out, String target, List<OffloadedSnapshotInfo> snapshots) {
        if (snapshots.isEmpty()) {
            out.println("target " + target + " holds no offloaded snapshots");
            return;
        }
        out.printf(Locale.ROOT, "%-56s %14s %-24s %s%n", "OFFLOADED SNAPSHOT", "SIZE", "OFFLOADED", "EXPIRES");
        for (OffloadedSnapshotInfo s : snapshots) {
            out.printf(Locale.ROOT, "%-56s %14d %-24s %s%n", s.getName(), s.getSizeBytes(),
                    Instant.ofEpochMilli(s.getOffloadedMs()),
                    s.getExpiresMs() == 0 ? "never" : Instant.ofEpochMilli(s.getExpiresMs()).toString());
        }
    }

    /** Options of the commands that start a job. */
    static final class Wait {
        @Option(names = "--wait", description = "Follow the job until it ends (progress on stderr); exit 1 if it fails.")
        boolean wait;
        @Option(names = "--interval", defaultValue = "0.5", paramLabel = "SECONDS",
                description = "Seconds between polls with --wait (default: ${DEFAULT-VALUE}).")
        double interval;
    }

    private static int started(OffloadCommands parent, Common common, Wait wait, OffloadAdminServiceBlockingStub stub,
            List<ArrayAccess> access, OffloadJob job) throws InterruptedException {
        PrintStream out = parent.main.stdout();
        if (!wait.wait) {
            out.println(common.json ? OffloadJson.job(job) : "job " + job.getJobId() + ": " + describe(job));
            return 0;
        }
        OffloadJob last = JobWatch.follow(parent.main, stub, access, job.getJobId(), wait.interval);
        out.println(common.json ? OffloadJson.job(last) : "job " + last.getJobId() + ": " + describe(last));
        return last.getState() == OffloadJobState.OFFLOAD_JOB_STATE_COMPLETED ? 0 : AdminMain.EXIT_SERVICE_ERROR;
    }

    /** One line: what, state, bytes, and the result or error. */
    static String describe(OffloadJob j) {
        String kind = j.getKind().name().substring("OFFLOAD_JOB_KIND_".length()).toLowerCase(Locale.ROOT);
        String state = j.getState().name().substring("OFFLOAD_JOB_STATE_".length()).toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(kind + " " + j.getSubject() + " on " + j.getTarget() + ": " + state);
        if (j.getTotalBytes() > 0) {
            b.append(String.format(Locale.ROOT, ", %d/%d bytes (%d%%)", j.getDoneBytes(), j.getTotalBytes(),
                    j.getDoneBytes() * 100 / j.getTotalBytes()));
        }
        if (j.getState() == OffloadJobState.OFFLOAD_JOB_STATE_RUNNING) {
            b.append(String.format(Locale.ROOT, ", %.1f MiB/s, ETA %s", j.getRateBytesPerSecond() / 1048576.0,
                    j.getEtaSeconds() < 0 ? "--:--" : ProgressBar.eta(j.getEtaSeconds())));
        } else if (j.getTransferredBytes() > 0) {
            b.append(", ").append(j.getTransferredBytes()).append(" bytes transferred");
        }
        if (!j.getResult().isEmpty()) {
            b.append(" -> ").append(j.getResult());
        }
        if (!j.getError().isEmpty()) {
            b.append(": ").append(j.getError());
        }
        if (j.hasVerify()) {
            b.append(" (").append(j.getVerify().getPacks()).append(" packs, ").append(j.getVerify().getBlocks())
                    .append(" blocks checked)");
            j.getVerify().getProblemsList().forEach(p -> b.append(System.lineSeparator()).append("  ").append(p));
        }
        return b.toString();
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Offloads a snapshot of a hosted array"
            + " to a target (a job; --wait follows it).")
    static final class Start implements Callable<Integer> {
        @CommandLine.ParentCommand
        OffloadCommands parent;
        @Mixin
        Common common;
        @Mixin
        Wait wait;
        @Option(names = "--target", required = true, paramLabel = "NAME", description = "The offload target.")
        String target;
        @Option(names = "--array", required = true, paramLabel = "NAME", description = "The hosted array.")
        String array;
        @Option(names = "--snapshot", required = true, paramLabel = "NAME", description = "Its snapshot.")
        String snapshot;
        @Option(names = "--retention-days", defaultValue = "0", paramLabel = "DAYS",
                description = "Days to keep it in the bucket; 0 (default): until deleted.")
        long retentionDays;

        @Override
        public Integer call() throws Exception {
            return withStub(common, (stub, access) -> started(parent, common, wait, stub, access,
                    stub.startOffload(StartOffloadRequest.newBuilder().addAllAccess(access).setTarget(target)
                            .setArray(array).setSnapshot(snapshot).setRetentionDays(retentionDays).build()).getJob()));
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Restores an offloaded snapshot as a"
            + " new volume of a hosted array, or of the array a registered Cinder backend writes now (a FlashArray"
            + " over REST included; a job; --wait follows it).")
    static final class Restore implements Callable<Integer> {
        @CommandLine.ParentCommand
        OffloadCommands parent;
        @Mixin
        Common common;
        @Mixin
        Wait wait;
        @Option(names = "--target", required = true, paramLabel = "NAME", description = "The target holding it.")
        String target;
        @Option(names = "--snapshot", required = true, paramLabel = "ARRAY:SNAPSHOT",
                description = "The offloaded snapshot, as offload list --target shows it.")
        String snapshot;
        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Destination destination;
        @Option(names = "--volume", required = true, paramLabel = "NAME", description = "The new volume.")
        String volume;

        /** Where the volume goes: a hosted array, or a registered backend's array. */
        static final class Destination {
            @Option(names = "--array", required = true, paramLabel = "NAME",
                    description = "The hosted array to restore to.")
            String array;
            @Option(names = "--backend", required = true, paramLabel = "SECTION", description = "The Cinder backend"
                    + " (cinder.conf section) registered with the service: restore to the array it writes now."
                    + " Its token is the tokens-file line named after the backend.")
            String backend;
        }

        @Override
        public Integer call() throws Exception {
            StartRestoreRequest.Builder request = StartRestoreRequest.newBuilder().setTarget(target)
                    .setOffloadedSnapshot(snapshot).setVolume(volume);
            if (destination.backend != null) {
                request.setBackendName(destination.backend);
            } else {
                request.setArray(destination.array);
            }
            return withStub(common, (stub, access) -> started(parent, common, wait, stub, access,
                    stub.startRestore(request.addAllAccess(access).build()).getJob()));
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Reads back every block of an"
            + " offloaded snapshot and checks it against its manifest (a job; --wait follows it).")
    static final class Verify implements Callable<Integer> {
        @CommandLine.ParentCommand
        OffloadCommands parent;
        @Mixin
        Common common;
        @Mixin
        Wait wait;
        @Option(names = "--target", required = true, paramLabel = "NAME", description = "The target holding it.")
        String target;
        @Option(names = "--snapshot", required = true, paramLabel = "ARRAY:SNAPSHOT", description = "The snapshot.")
        String snapshot;

        @Override
        public Integer call() throws Exception {
            return withStub(common, (stub, access) -> started(parent, common, wait, stub, access,
                    stub.startVerify(StartVerifyRequest.newBuilder().addAllAccess(access).setTarget(target)
                            .setOffloadedSnapshot(snapshot).build()).getJob()));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Offload jobs: every job, or one"
            + " (JOB_ID); --watch follows one until it ends.")
    static final class Status implements Callable<Integer> {
        @CommandLine.ParentCommand
        OffloadCommands parent;
        @Mixin
        Common common;
        @Parameters(index = "0", arity = "0..1", paramLabel = "JOB_ID")
        String jobId;
        @Option(names = "--watch", description = "With JOB_ID: follow it until it ends (progress on stderr).")
        boolean watch;
        @Option(names = "--interval", defaultValue = "0.5", paramLabel = "SECONDS",
                description = "Seconds between polls with --watch (default: ${DEFAULT-VALUE}).")
        double interval;

        @Override
        public Integer call() throws Exception {
            PrintStream out = parent.main.stdout();
            return withStub(common, (stub, access) -> {
                if (jobId == null) {
                    if (watch) {
                        throw new IllegalArgumentException("--watch follows one job: give its JOB_ID");
                    }
                    var jobs = stub.listOffloadJobs(ListOffloadJobsRequest.newBuilder().addAllAccess(access).build());
                    if (common.json) {
                        out.println(OffloadJson.jobs(jobs.getJobsList()));
                    } else if (jobs.getJobsCount() == 0) {
                        out.println("no offload jobs since the service started");
                    } else {
                        jobs.getJobsList().forEach(j -> out.println("job " + j.getJobId() + ": " + describe(j)));
                    }
                    return 0;
                }
                OffloadJob job = watch ? JobWatch.follow(parent.main, stub, access, jobId, interval)
                        : stub.getOffloadJob(GetOffloadJobRequest.newBuilder().addAllAccess(access).setJobId(jobId)
                                .build()).getJob();
                out.println(common.json ? OffloadJson.job(job) : "job " + job.getJobId() + ": " + describe(job));
                return job.getState() == OffloadJobState.OFFLOAD_JOB_STATE_FAILED ? AdminMain.EXIT_SERVICE_ERROR : 0;
            });
        }
    }
}
