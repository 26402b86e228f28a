package io.purebridge.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.rest.RestTls;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.server.testing.OffloadFixture;
import io.purebridge.server.testing.RestSession;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A volume snapshot taken on an offload target over REST, as the vendor's tools do it
 * ({@code POST /remote-volume-snapshots?source_names=&on=}, then destroy and eradicate), against a
 * service with the embedded S3 server: the answer comes once the send began, the transfer shows it
 * running until the snapshot is in the bucket, the array then keeps no local copy, the bytes
 * restore on another array, and bad input changes nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OnDemandOffloadRestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/api/2.36/remote-volume-snapshots";

    @TempDir
    Path dir;

    @Test
    void aSnapshotTakenOnTheTargetRestoresElsewhereAndIsDestroyedAndEradicated() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir.resolve("svc"), "[s3]\nenabled = true\n", true)) {
            SimulatedFlashArray primary = service.primary();
            primary.createVolume("v1", 2L * OffloadFixture.MIB);
            byte[] content = new byte[300_000];
            new Random(3).nextBytes(content);
            primary.write("v1", 12_345, content);
            HttpClient https = HttpClient.newBuilder().sslContext(RestTls.context(false, null)).build();
            RestSession onPrimary = new RestSession(https, service, "pure-primary", OffloadFixture.PRIMARY_TOKEN);

            HttpResponse<String> taken = onPrimary.send("POST", PATH + "?source_names=v1&on=offload-s3",
                    "{\"suffix\": \"od1\"}");
            assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
            JsonNode item = JSON.readTree(taken.body()).get("items").get(0);
            assertThat(item.get("name").asText()).isEqualTo("pure-primary:v1.od1");
            assertThat(item.get("source").get("name").asText()).isEqualTo("pure-primary:v1");
            assertThat(item.get("remote").get("name").asText()).isEqualTo("offload-s3");
            awaitSent(onPrimary, primary, "v1", "pure-primary:v1.od1");
            assertThat(primary.listSnapshots("v1")).as("the snapshot lives on the target only").isEmpty();
            assertThat(names(onPrimary.get(PATH + "?on=offload-s3"))).containsExactly("pure-primary:v1.od1");

            primary.write("v1", 0, new byte[] {9, 9, 9});
            HttpResponse<String> again = onPrimary.send("POST", PATH + "?source_names=v1&on=offload-s3",
                    "{\"suffix\": \"od1\"}");
            assertThat(again.statusCode()).as("idempotent by name: " + again.body()).isEqualTo(200);
            assertThat(JSON.readTree(again.body()).get("items").get(0).get("id").asText())
                    .isEqualTo(item.get("id").asText());
            HttpResponse<String> numbered = onPrimary.send("POST", PATH + "?source_names=v1&on=offload-s3", null);
            assertThat(names(numbered)).as("without a suffix: the next number").containsExactly("pure-primary:v1.1");
            awaitSent(onPrimary, primary, "v1", "pure-primary:v1.1");

            RestSession onDr = new RestSession(https, service, "pure-dr", OffloadFixture.DR_TOKEN);
            HttpResponse<String> restored = onDr.send("POST", "/api/2.36/volumes?names=v1-copy",
                    "{\"source\": {\"name\": \"pure-primary:v1.od1\"}}");
            assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
            byte[] expected = new byte[2 * OffloadFixture.MIB];
            System.arraycopy(content, 0, expected, 12_345, content.length);
            assertThat(service.dr().read("v1-copy", 0, expected.length)).as("the bytes of the first POST")
                    .isEqualTo(expected);

            HttpResponse<String> destroyed = onPrimary.send("PATCH", PATH + "?names=pure-primary:v1.od1&on=offload-s3",
                    "{\"destroyed\": true}");
            assertThat(destroyed.statusCode()).as(destroyed.body()).isEqualTo(200);
            assertThat(JSON.readTree(destroyed.body()).get("items").get(0).get("destroyed").asBoolean()).isTrue();
            HttpResponse<String> eradicated = onPrimary.send("DELETE", PATH + "?names=pure-primary:v1.od1&on=offload-s3",
                    null);
            assertThat(eradicated.statusCode()).as(eradicated.body()).isEqualTo(200);
            assertThat(names(onPrimary.get(PATH + "?on=offload-s3"))).containsExactly("pure-primary:v1.1");
        }
    }

    /**
     * {@code GET /remote-volume-snapshots/transfer} while the send runs: the snapshot is listed with
     * its progress and no {@code completed} (what a client waits on before it drops the source),
     * and cannot be destroyed yet; then as completed, and the snapshot listing shows it only then.
     */
    @Test
    void theTransferShowsTheSendRunningThenCompleted() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir.resolve("svc"), "[s3]\nenabled = true\n", true)) {
            SimulatedFlashArray primary = service.primary();
            int size = 64 * OffloadFixture.MIB;
            primary.createVolume("v1", size);
            byte[] content = new byte[size];
            new Random(4).nextBytes(content);
            primary.write("v1", 0, content);
            HttpClient https = HttpClient.newBuilder().sslContext(RestTls.context(false, null)).build();
            RestSession onPrimary = new RestSession(https, service, "pure-primary", OffloadFixture.PRIMARY_TOKEN);
            String transfer = PATH + "/transfer?on=offload-s3";

            HttpResponse<String> taken = onPrimary.send("POST", PATH + "?source_names=v1&on=offload-s3",
                    "{\"suffix\": \"big\"}");
            assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
            // Answered once the send began: the transfer shows it until it is complete.
            JsonNode running = JSON.readTree(onPrimary.get(transfer).body()).get("items").get(0);
            String byName = PATH + "?names=pure-primary:v1.big&on=offload-s3";
            refused(onPrimary.send("PATCH", byName, "{\"destroyed\": true}"), "pure-primary:v1.big", "still being sent");
            refused(onPrimary.send("DELETE", byName, null), "pure-primary:v1.big", "still being sent");
            awaitSent(onPrimary, primary, "v1", "pure-primary:v1.big");
            assertThat(running).as("listed while it runs").isNotNull();
            assertThat(running.get("name").asText()).isEqualTo("pure-primary:v1.big");
            assertThat(running.get("completed").isNull()).isTrue();
            assertThat(running.get("progress").asDouble()).isBetween(0.0, 0.99);

            JsonNode done = JSON.readTree(onPrimary.get(transfer + "&names=pure-primary:v1.big").body())
                    .get("items").get(0);
            assertThat(done.get("completed").asLong()).isPositive();
            assertThat(done.get("progress").asDouble()).isEqualTo(1.0);
            assertThat(done.get("source").get("name").asText()).isEqualTo("pure-primary:v1");
            assertThat(names(onPrimary.get(PATH + "?on=offload-s3"))).containsExactly("pure-primary:v1.big");
            HttpResponse<String> unknown = onPrimary.get(transfer + "&names=pure-primary:v1.none");
            assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
        }
    }

    /**
     * A send answered by a process that stopped before it finished (its record and local snapshot
     * left behind, as after a crash) is finished by the next process when it starts.
     */
    @Test
    void aSendAnsweredBeforeARestartIsFinishedAfterIt() throws Exception {
        byte[] content = new byte[OffloadFixture.MIB];
        new Random(6).nextBytes(content);
        try (OffloadFixture service = OffloadFixture.start(dir.resolve("svc"), "[s3]\nenabled = true\n", true)) {
            service.primary().createVolume("v1", OffloadFixture.MIB);
            service.primary().write("v1", 0, content);
            service.primary().createSnapshot("v1", "cut");
        }
        Files.writeString(dir.resolve("svc/data/rest-frontend/offload-sends.json"),
                "[{\"array\": \"pure-primary\", \"snapshot\": \"v1.cut\", \"target\": \"offload-s3\"}]");
        try (OffloadFixture service = OffloadFixture.start(dir.resolve("svc"), "[s3]\nenabled = true\n", true)) {
            HttpClient https = HttpClient.newBuilder().sslContext(RestTls.context(false, null)).build();
            RestSession onPrimary = new RestSession(https, service, "pure-primary", OffloadFixture.PRIMARY_TOKEN);
            awaitSent(onPrimary, service.primary(), "v1", "pure-primary:v1.cut");
            HttpResponse<String> restored = new RestSession(https, service, "pure-dr", OffloadFixture.DR_TOKEN)
                    .send("POST", "/api/2.36/volumes?names=v1-copy", "{\"source\": {\"name\": \"pure-primary:v1.cut\"}}");
            assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
            assertThat(service.dr().read("v1-copy", 0, content.length)).isEqualTo(content);
            assertThat(Files.readString(dir.resolve("svc/data/rest-frontend/offload-sends.json")).strip())
                    .as("nothing left to send").isEqualTo("[]");
        }
    }

    @Test
    void badInputIsRefusedNamingWhatIsWrongAndLeavesNothingBehind() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir.resolve("svc"), "[s3]\nenabled = true\n", true)) {
            SimulatedFlashArray primary = service.primary();
            primary.createVolume("v1", OffloadFixture.MIB);
            HttpClient https = HttpClient.newBuilder().sslContext(RestTls.context(false, null)).build();
            RestSession onPrimary = new RestSession(https, service, "pure-primary", OffloadFixture.PRIMARY_TOKEN);

            refused(onPrimary.send("POST", PATH + "?source_names=v1&on=nowhere", null), "nowhere", "does not exist");
            refused(onPrimary.send("POST", PATH + "?source_names=v1", null), "on");
            refused(onPrimary.send("POST", PATH + "?source_names=missing&on=offload-s3", null), "missing");
            refused(onPrimary.send("POST", PATH + "?source_names=v1&on=offload-s3", "{\"suffix\": \"bad_suffix\"}"),
                    "bad_suffix");
            refused(onPrimary.send("PATCH", PATH + "?names=pure-primary:v1.9&on=offload-s3", "{\"destroyed\": true}"),
                    "pure-primary:v1.9", "does not exist");
            refused(onPrimary.send("PATCH", PATH + "?names=pure-primary:v1.9&on=offload-s3", "{\"destroyed\": false}"),
                    "destroyed");
            assertThat(primary.listSnapshots(null)).isEmpty();
            assertThat(names(onPrimary.get(PATH + "?on=offload-s3"))).isEmpty();
            HttpResponse<String> gone = onPrimary.send("DELETE", PATH + "?names=pure-primary:v1.9&on=offload-s3", null);
            assertThat(gone.statusCode()).as("deleting what the target lacks succeeds: " + gone.body()).isEqualTo(200);
        }
    }

    /** Waits until the target lists {@code name} and the array dropped its local copy. */
    private static void awaitSent(RestSession on, SimulatedFlashArray array, String volume, String name)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!names(on.get(PATH + "?on=offload-s3")).contains(name) || !array.listSnapshots(volume).stream()
                .filter(s -> name.endsWith(":" + s.name())).toList().isEmpty()) {
            assertThat(System.nanoTime()).as(name + " sent within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void refused(HttpResponse<String> r, String... mentions) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains(mentions).doesNotContain("Exception");
    }

    private static java.util.List<String> names(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        java.util.List<String> out = new java.util.ArrayList<>();
        JSON.readTree(r.body()).get("items").forEach(i -> out.add(i.get("name").asText()));
        return out;
    }
}
