package io.purebridge.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.offload.OffloadService;
import io.purebridge.engine.rest.RestTls;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.server.testing.OffloadFixture;
import io.purebridge.server.testing.RestSession;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /remote-protection-group-snapshots?on=offload-s3} on a service with the embedded S3
 * server: a protection group snapshot whose volume snapshots were offloaded is one item in
 * FlashArray's shape, local on its source array and not on the others; a volume's own offloaded
 * snapshot is not a group's; filters and an unknown target behave as on /remote-volume-snapshots.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemoteProtectionGroupSnapshotsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/api/2.36/remote-protection-group-snapshots";

    @TempDir
    Path dir;

    @Test
    void groupSnapshotsOffloadedToATargetAreListedInFlashArraysShape() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir.resolve("svc"), "[s3]\nenabled = true\n", true)) {
            service.snapshot("vol-a", "s1", 1, 1);
            SimulatedFlashArray primary = service.primary();
            primary.createVolume("v1", OffloadFixture.MIB);
            primary.createVolume("v2", OffloadFixture.MIB);
            primary.write("v1", 0, new byte[] {1, 2, 3});
            primary.createProtectionGroup("pg1");
            primary.addProtectionGroupMembers("pg1", List.of("v1", "v2"));
            List<String> members = primary.createProtectionGroupSnapshot("pg1", "s7", false, false)
                    .volumeSnapshots();
            OffloadService offload = service.running.engine().offloadTargets().service("offload-s3");
            offload.offload(primary, "vol-a.s1", 7);
            for (String snapshot : members) {
                offload.offload(primary, snapshot, 7);
            }

            HttpClient https = HttpClient.newBuilder().sslContext(RestTls.context(false, null)).build();
            RestSession onPrimary = new RestSession(https, service, "pure-primary", OffloadFixture.PRIMARY_TOKEN);
            HttpResponse<String> listed = onPrimary.get(PATH + "?on=offload-s3");
            assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
            JsonNode items = JSON.readTree(listed.body()).get("items");
            assertThat(items).as("one group snapshot of two volumes; vol-a.s1 is not a group's").hasSize(1);
            JsonNode item = items.get(0);
            assertThat(item.get("name").asText()).isEqualTo("pure-primary:pg1.s7");
            assertThat(item.get("suffix").asText()).isEqualTo("s7");
            assertThat(item.get("source").get("name").asText()).isEqualTo("pure-primary:pg1");
            assertThat(item.get("remote").get("name").asText()).isEqualTo("offload-s3");
            assertThat(item.get("is_local").asBoolean()).isTrue();
            assertThat(item.get("destroyed").asBoolean()).isFalse();
            assertThat(item.get("time_remaining").isNull()).isTrue();
            assertThat(item.get("created").asLong()).isPositive();
            assertThat(item.get("id").asText()).hasSize(36);

            JsonNode fromDr = JSON.readTree(new RestSession(https, service, "pure-dr", OffloadFixture.DR_TOKEN)
                    .get(PATH + "?on=offload-s3").body()).get("items").get(0);
            assertThat(fromDr.get("is_local").asBoolean()).as("taken on pure-primary").isFalse();
            assertThat(fromDr.get("id").asText()).isEqualTo(item.get("id").asText());

            assertThat(JSON.readTree(onPrimary.get(PATH).body()).get("items")).as("every target").hasSize(1);
            assertThat(JSON.readTree(onPrimary.get(PATH + "?names=pure-primary:pg1.s7").body()).get("items"))
                    .hasSize(1);
            assertThat(JSON.readTree(onPrimary.get(PATH + "?source_names=pure-primary:other").body())
                    .get("items")).isEmpty();
            HttpResponse<String> unknown = onPrimary.get(PATH + "?on=nowhere");
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(unknown.body()).contains("nowhere");
        }
    }
}
