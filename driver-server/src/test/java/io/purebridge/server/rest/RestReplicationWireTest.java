package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.rest.RestTls;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Replication resources on the wire: FlashArray shapes and error envelopes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestReplicationWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> TOKENS = Map.of("pure-a", "tok-a-0123456789", "pure-b", "tok-b-0123456789");

    @TempDir
    Path dir;
    private SimulatedArrayHost host;
    private RestFrontEnd frontEnd;
    private HttpClient http;
    private String session;

    @BeforeEach
    void start() throws Exception {
        host = new SimulatedArrayHost(dir.resolve("arrays"), List.of(SimulatedArrayConfig.of("pure-a",
                TOKENS.get("pure-a")), SimulatedArrayConfig.of("pure-b", TOKENS.get("pure-b"))), Clock.systemUTC());
        frontEnd = new RestFrontEnd();
        frontEnd.startSimulators(dir, host, TOKENS);
        http = HttpClient.newBuilder().sslContext(RestTls.context(false, null)).build();
        HttpResponse<String> login = send("POST", "/api/2.36/login", null, Map.of("api-token", TOKENS.get("pure-a")));
        session = login.headers().firstValue("x-auth-token").orElseThrow();
    }

    @AfterEach
    void stop() {
        frontEnd.stop();
        host.close();
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + frontEnd.sanIp("pure-a") + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String method, String pathAndQuery, String body) throws Exception {
        return send(method, "/api/2.36/" + pathAndQuery, body, Map.of("x-auth-token", session));
    }

    private static JsonNode error(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode errors = JSON.readTree(r.body()).path("errors");
        assertThat(errors.size()).isEqualTo(1);
        return errors.get(0);
    }

    private JsonNode items(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("items");
    }

    @Test
    void groupSnapshotsWithSuffixAreDestroyedRecoveredAndEradicatedAndBadRequestsChangeNothing() throws Exception {
        items(call("POST", "volumes?names=v1", "{\"provisioned\":1048576}"));
        items(call("POST", "protection-groups?names=cg1", null));
        items(call("POST", "protection-groups/volumes?group_names=cg1&member_names=v1", null));
        JsonNode made = items(call("POST", "protection-group-snapshots?source_names=cg1", "{\"suffix\":\"cgsnap-1\"}"));
        assertThat(made.get(0).path("name").asText()).isEqualTo("cg1.cgsnap-1");
        assertThat(error(call("POST", "protection-group-snapshots?source_names=cg1", "{\"suffix\":\"cgsnap-1\"}"), 400)
                .path("message").asText()).contains("already exists");
        assertThat(error(call("POST", "protection-group-snapshots?source_names=cg1", "{\"suffix\":\"bad.suffix\"}"), 400)
                .path("message").asText()).contains("suffix");
        assertThat(error(call("PATCH", "protection-group-snapshots?names=cg1.cgsnap-1", "{\"name\":\"x\"}"), 400)
                .path("message").asText()).contains("name");
        assertThat(error(call("DELETE", "protection-group-snapshots?names=cg1.cgsnap-1", null), 400)
                .path("message").asText()).contains("not destroyed");
        assertThat(items(call("GET", "protection-group-snapshots?names=cg1&destroyed=false", null))).hasSize(1);

        JsonNode destroyed = items(call("PATCH", "protection-group-snapshots?names=cg1.cgsnap-1", "{\"destroyed\":true}"));
        assertThat(destroyed.get(0).path("destroyed").asBoolean()).isTrue();
        assertThat(destroyed.get(0).path("time_remaining").asLong()).isPositive();
        assertThat(items(call("GET", "volume-snapshots?names=cg1.cgsnap-1.v1", null)).get(0).path("destroyed")
                .asBoolean()).isTrue();
        assertThat(error(call("PATCH", "protection-group-snapshots?names=cg1.cgsnap-1", "{\"destroyed\":true}"), 400)
                .path("message").asText()).contains("has been destroyed");
        items(call("PATCH", "protection-group-snapshots?names=cg1.cgsnap-1", "{\"destroyed\":false}"));
        items(call("PATCH", "protection-group-snapshots?names=cg1.cgsnap-1", "{\"destroyed\":true}"));
        assertThat(call("DELETE", "protection-group-snapshots?names=cg1.cgsnap-1", null).statusCode()).isEqualTo(200);
        assertThat(error(call("GET", "volume-snapshots?names=cg1.cgsnap-1.v1", null), 400).path("message").asText())
                .contains("does not exist");
        assertThat(error(call("DELETE", "protection-group-snapshots?names=cg1.nope", null), 400).path("message")
                .asText()).contains("does not exist");
    }

    @Test
    void targetsAreRemovedAndContainerDefaultProtectionsCanOnlyBeCleared() throws Exception {
        items(call("POST", "protection-groups?names=pg1", null));
        items(call("POST", "protection-groups/targets?group_names=pg1&member_names=pure-b", null));
        assertThat(error(call("DELETE", "protection-groups/targets?group_names=pg1&member_names=pure-c", null), 400)
                .path("message").asText()).contains("does not exist");
        assertThat(items(call("GET", "protection-groups/targets?group_names=pg1", null))).hasSize(1);
        assertThat(call("DELETE", "protection-groups/targets?group_names=pg1&member_names=pure-b", null).statusCode())
                .isEqualTo(200);
        assertThat(items(call("GET", "protection-groups/targets?group_names=pg1", null))).isEmpty();

        items(call("POST", "pods?names=pod1", "{}"));
        JsonNode pod = items(call("GET", "container-default-protections?names=pod1", null)).get(0);
        assertThat(pod.path("type").asText()).isEqualTo("pod");
        assertThat(pod.path("default_protections").isArray()).isTrue();
        assertThat(pod.path("default_protections")).isEmpty();
        assertThat(items(call("PATCH", "container-default-protections?names=pod1", "{\"default_protections\":[]}")))
                .hasSize(1);
        assertThat(error(call("PATCH", "container-default-protections?names=pod1",
                "{\"default_protections\":[{\"name\":\"pg1\",\"type\":\"protection_group\"}]}"), 400)
                .path("message").asText()).contains("default_protections");
        assertThat(error(call("GET", "container-default-protections?names=nope", null), 400).path("message").asText())
                .contains("does not exist");
        // The array itself is a container too (null name), listed when no name is asked for.
        assertThat(items(call("GET", "container-default-protections", null))).hasSize(2);
    }

    @Test
    void stretchedPodShowsPerArrayStatusAndMembership() throws Exception {
        assertThat(call("POST", "pods?names=p1", "{}").statusCode()).isEqualTo(200);
        HttpResponse<String> stretch = call("POST", "pods/arrays?group_names=p1&member_names=pure-b", null);
        assertThat(stretch.statusCode()).as(stretch.body()).isEqualTo(200);
        JsonNode member = JSON.readTree(stretch.body()).path("items").get(0);
        assertThat(member.path("group").path("name").asText()).isEqualTo("p1");
        assertThat(member.path("member").path("name").asText()).isEqualTo("pure-b");

        JsonNode pod = JSON.readTree(call("GET", "pods?names=p1", null).body()).path("items").get(0);
        assertThat(pod.path("array_count").asInt()).isEqualTo(2);
        assertThat(pod.path("failover_preferences").isNull()).isTrue();
        JsonNode arrays = pod.path("arrays");
        assertThat(arrays).extracting(a -> a.path("name").asText()).containsExactly("pure-a", "pure-b");
        for (JsonNode a : arrays) {
            assertThat(a.path("status").asText()).isEqualTo("online");
            assertThat(a.path("frozen_at").isNull()).isTrue();
            assertThat(a.has("mediator_status") && a.has("pre_elected") && a.has("progress")).isTrue();
        }
        JsonNode listed = JSON.readTree(call("GET", "pods/arrays?group_names=p1", null).body()).path("items");
        assertThat(listed).extracting(i -> i.path("member").path("name").asText()).containsExactly("pure-a", "pure-b");
    }

    @Test
    void errorsOnReplicationResourcesUseTheFlashArrayEnvelope() throws Exception {
        JsonNode missing = error(call("GET", "pods?names=nope", null), 400);
        assertThat(missing.path("context").asText()).isEqualTo("nope");
        assertThat(missing.path("message").asText()).contains("does not exist");

        call("POST", "pods?names=p1", "{}");
        JsonNode notDestroyed = error(call("DELETE", "pods?names=p1", null), 400);
        assertThat(notDestroyed.path("message").asText()).contains("not been destroyed");

        JsonNode twoPods = error(call("POST", "pods/arrays?group_names=p1,p2&member_names=pure-b", null), 400);
        assertThat(twoPods.path("message").asText()).contains("group_names");

        call("POST", "protection-groups?names=pg1", null);
        JsonNode badField = error(call("PATCH", "protection-groups?names=pg1",
                "{\"replication_schedule\":{\"frequncy\":600000}}"), 400);
        assertThat(badField.path("message").asText()).contains("replication_schedule.frequncy");

        JsonNode selfTarget = error(call("POST", "protection-groups/targets?group_names=pg1&member_names=pure-a", null),
                400);
        assertThat(selfTarget.path("context").asText()).isEqualTo("pg1");

        JsonNode both = error(call("POST", "protection-group-snapshots?source_names=pg1&replicate=true"
                + "&replicate_now=true", null), 400);
        assertThat(both.path("message").asText()).contains("cannot be combined");
        assertThat(JSON.readTree(call("GET", "protection-group-snapshots?names=pg1", null).body()).path("items"))
                .isEmpty();

        JsonNode noGroup = error(call("POST", "protection-group-snapshots?source_names=nope", null), 400);
        assertThat(noGroup.path("message").asText()).contains("does not exist");
    }

    @Test
    void patchMergesPartialScheduleAndRetention() throws Exception {
        call("POST", "protection-groups?names=pg1", null);
        call("PATCH", "protection-groups?names=pg1", "{\"replication_schedule\":{\"frequency\":600000}}");
        HttpResponse<String> r = call("PATCH", "protection-groups?names=pg1",
                "{\"replication_schedule\":{\"enabled\":true},\"target_retention\":{\"all_for_sec\":3600}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode g = JSON.readTree(call("GET", "protection-groups?names=pg1", null).body()).path("items").get(0);
        assertThat(g.path("replication_schedule").path("enabled").asBoolean()).isTrue();
        assertThat(g.path("replication_schedule").path("frequency").asLong()).isEqualTo(600_000L);
        assertThat(g.path("target_retention").path("all_for_sec").asLong()).isEqualTo(3600);
        assertThat(g.path("is_local").asBoolean()).isTrue();
    }

    @Test
    void anArrayWithoutReplicationAnswers404() throws Exception {
        try (FrontEndFixture plain = new FrontEndFixture(dir.resolve("plain"))) {
            String token = plain.login();
            for (String resource : List.of("pods", "protection-groups", "array-connections",
                    "protection-group-snapshots/transfer")) {
                HttpResponse<String> r = plain.call(token, "GET", "/api/2.36/" + resource, null);
                JsonNode e = error(r, 404);
                assertThat(e.path("context").isNull()).isTrue();
                assertThat(e.path("message").asText()).contains("/" + resource).contains("does not replicate");
            }
        }
    }

    @Test
    void arrayConnectionsShowTheOtherArraysOfTheHost() throws Exception {
        JsonNode items = JSON.readTree(call("GET", "array-connections", null).body()).path("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).path("name").asText()).isEqualTo("pure-b");
        assertThat(items.get(0).path("status").asText()).isEqualTo("connected");
        host.replication().cutLink("pure-a", "pure-b");
        items = JSON.readTree(call("GET", "array-connections", null).body()).path("items");
        assertThat(items.get(0).path("status").asText()).isEqualTo("connecting");
    }
}
