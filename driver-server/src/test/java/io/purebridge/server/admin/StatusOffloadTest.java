package io.purebridge.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.server.testing.OffloadFixture;
import io.purebridge.v1.NetworkStatus;
import io.purebridge.v1.OffloadJob;
import io.purebridge.v1.OffloadJobKind;
import io.purebridge.v1.OffloadJobState;
import io.purebridge.v1.OffloadTargetInfo;
import io.purebridge.v1.OffloadTargetState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offload section of {@code purebridge-admin status}: against a real service whose [s3] section
 * makes target offload-s3 (connected, its bucket, the snapshots it holds, in text and JSON), and the
 * rendering of a running job (progress bar, rate, ETA) and of a target that did not connect.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatusOffloadTest {
    @TempDir
    Path dir;
    private final AdminRun admin = new AdminRun();

    private int run(OffloadFixture service, String... args) {
        return admin.run(service.endpoint(), service.config, false, args);
    }

    private String stdout() {
        return admin.stdout();
    }

    @Test
    void statusShowsTheTargetItsBucketAndTheSnapshotsItHolds() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir.resolve("s"), "[s3]\nenabled = true\n")) {
            assertThat(run(service, "status")).as(admin.stderr()).isZero();
            assertThat(stdout()).contains("== offload").containsPattern(
                    "offload-s3 +connected +s3://purebridge-offload at http://127\\.0\\.0\\.1:\\d+  0 snapshot\\(s\\)")
                    .contains("no offload jobs running");

            service.snapshot("vol-a", "s1", 2, 1);
            assertThat(run(service, "offload", "start", "--target", "offload-s3", "--array", "pure-primary",
                    "--snapshot", "vol-a.s1", "--wait")).isZero();

            assertThat(run(service, "status")).isZero();
            assertThat(stdout()).containsPattern("offload-s3 +connected .*  1 snapshot\\(s\\)");
            assertThat(run(service, "status", "--json")).isZero();
            JsonNode offload = new ObjectMapper().readTree(stdout()).path("offload");
            assertThat(offload.path("error").isNull()).isTrue();
            JsonNode target = offload.path("targets").get(0);
            assertThat(target.path("name").asText()).isEqualTo("offload-s3");
            assertThat(target.path("connected").asBoolean()).isTrue();
            assertThat(target.path("bucket").asText()).isEqualTo("purebridge-offload");
            assertThat(target.path("endpoint").asText()).startsWith("http://127.0.0.1:");
            assertThat(target.path("snapshots").asInt()).isEqualTo(1);
            assertThat(offload.path("running_jobs").size()).as("the offload finished").isZero();
        }
    }

    @Test
    void statusWithoutTargetsSaysWhereTheyAreConfigured() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir.resolve("n"), "")) {
            assertThat(run(service, "status")).isZero();
            assertThat(stdout()).contains("== offload  no targets ([offload.NAME] sections or [s3] in the service");
        }
    }

    @Test
    void aRunningJobHasItsBarRateAndEtaAndATargetDownSaysWhy() throws Exception {
        OffloadTargetInfo up = OffloadTargetInfo.newBuilder().setName("offload-s3").setBucket("purebridge-offload")
                .setEndpoint("http://127.0.0.1:9000").setState(OffloadTargetState.OFFLOAD_TARGET_STATE_CONNECTED)
                .build();
        OffloadTargetInfo down = OffloadTargetInfo.newBuilder().setName("aws-offload").setBucket("my-offload")
                .setRegion("us-east-1").setState(OffloadTargetState.OFFLOAD_TARGET_STATE_NOT_CONNECTED)
                .setError("endpoint does not answer").build();
        OffloadJob job = OffloadJob.newBuilder().setJobId("0f0e0d0c-0000-4000-8000-000000000001")
                .setKind(OffloadJobKind.OFFLOAD_JOB_KIND_RESTORE).setTarget("offload-s3")
                .setSubject("pure-primary:vol-a.s1 -> pure-dr:restored").setState(OffloadJobState.OFFLOAD_JOB_STATE_RUNNING)
                .setDoneBytes(256L << 20).setTotalBytes(1L << 30).setRateBytesPerSecond(8L << 20).setEtaSeconds(96)
                .build();
        StatusSnapshot snapshot = new StatusSnapshot(Instant.parse("2026-12-05T10:00:00Z"),
                NetworkStatus.getDefaultInstance(), List.of(), List.of(), List.of(), Map.of(), Map.of(),
                new StatusOffload(List.of(up, down), Map.of("offload-s3", 12), Map.of(), List.of(job), null));

        String text = StatusView.text(snapshot, null, "unix:/x");
        assertThat(text).containsPattern("offload-s3 +connected +s3://purebridge-offload at http://127.0.0.1:9000"
                + "  12 snapshot\\(s\\)")
                .containsPattern("aws-offload +NOT CONNECTED +s3://my-offload at AWS us-east-1  endpoint does not answer")
                .contains("job 0f0e0d0c-0000-4000-8000-000000000001 restore pure-primary:vol-a.s1 -> pure-dr:restored"
                        + " on offload-s3")
                .contains("[######..................]  25%  256.0 MiB of 1.0 GiB  8.0 MiB/s  ETA 1m36s")
                .doesNotContain("no offload jobs running");

        JsonNode offload = new ObjectMapper().readTree(StatusView.json(snapshot, null)).path("offload");
        assertThat(offload.path("targets").findValuesAsText("connected")).containsExactly("true", "false");
        assertThat(offload.path("targets").get(1).path("snapshots").isNull()).isTrue();
        assertThat(offload.path("targets").get(1).path("error").asText()).isEqualTo("endpoint does not answer");
        JsonNode running = offload.path("running_jobs").get(0);
        assertThat(running.path("kind").asText()).isEqualTo("restore");
        assertThat(running.path("progress").asDouble()).isEqualTo(0.25);
        assertThat(running.path("eta_seconds").asLong()).isEqualTo(96);
        assertThat(running.path("rate_bytes_per_second").asLong()).isEqualTo(8L << 20);

        StatusSnapshot old = new StatusSnapshot(snapshot.at(), NetworkStatus.getDefaultInstance(), List.of(), List.of(),
                List.of(), Map.of(), Map.of(), new StatusOffload(List.of(), Map.of(), Map.of(), List.of(),
                        "UNIMPLEMENTED"));
        assertThat(StatusView.text(old, null, "unix:/x")).contains("== offload  status not available (UNIMPLEMENTED)");
        assertThat(new ObjectMapper().readTree(StatusView.json(old, null)).path("offload").path("error").asText())
                .isEqualTo("UNIMPLEMENTED");
    }
}
