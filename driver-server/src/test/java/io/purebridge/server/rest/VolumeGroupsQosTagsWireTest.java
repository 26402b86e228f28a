package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.rest.RestTls;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
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

/** Volume QoS, /volume-groups and /volumes/tags on the wire: shapes, and bad input as 400 that changes nothing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VolumeGroupsQosTagsWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARRAY = "pure-a";
    private static final String TOKEN = "tok-a-0123456789";

    @TempDir
    Path dir;
    private SimulatedFlashArray sim;
    private RestFrontEnd frontEnd;
    private HttpClient http;
    private String session;

    @BeforeEach
    void start() throws Exception {
        sim = new SimulatedFlashArray(SimulatedArrayConfig.of(ARRAY, TOKEN), dir.resolve(ARRAY), Clock.systemUTC());
        frontEnd = new RestFrontEnd();
        frontEnd.startWith(dir, Map.of(ARRAY, sim), Map.of(ARRAY, TOKEN));
        http = HttpClient.newBuilder().sslContext(RestTls.context(false, null)).build();
        session = send("POST", "/api/2.36/login", null, Map.of("api-token", TOKEN)).headers()
                .firstValue("x-auth-token").orElseThrow();
    }

    @AfterEach
    void stop() {
        frontEnd.stop();
        sim.close();
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + frontEnd.sanIp(ARRAY) + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(String method, String pathAndQuery, String body) throws Exception {
        HttpResponse<String> r = send(method, "/api/2.36/" + pathAndQuery, body, Map.of("x-auth-token", session));
        assertThat(r.statusCode()).as(method + " " + pathAndQuery + ": " + r.body()).isEqualTo(200);
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private void bad(String method, String pathAndQuery, String body, String... fragments) throws Exception {
        HttpResponse<String> r = send(method, "/api/2.36/" + pathAndQuery, body, Map.of("x-auth-token", session));
        assertThat(r.statusCode()).as(method + " " + pathAndQuery + ": " + r.body()).isEqualTo(400);
        JsonNode errors = JSON.readTree(r.body()).path("errors");
        assertThat(errors.size()).isEqualTo(1);
        assertThat(errors.get(0).has("context")).isTrue();
        assertThat(errors.get(0).path("message").asText()).contains(fragments);
    }

    @Test
    void volumeQosIsSetOnCreateChangedByPatchAndClearedWithEmptyString() throws Exception {
        JsonNode created = ok("POST", "volumes?names=v1", "{\"provisioned\":1073741824,\"qos\":{\"iops_limit\":500}}");
        assertThat(created.path("items").get(0).path("qos").path("iops_limit").asLong()).isEqualTo(500);
        assertThat(created.path("items").get(0).path("qos").path("bandwidth_limit").isNull()).isTrue();

        ok("PATCH", "volumes?names=v1", "{\"qos\":{\"bandwidth_limit\":2097152}}");
        JsonNode listed = ok("GET", "volumes?names=v1", null).path("items").get(0).path("qos");
        assertThat(listed.path("bandwidth_limit").asLong()).isEqualTo(2097152);
        assertThat(listed.path("iops_limit").asLong()).isEqualTo(500);

        ok("PATCH", "volumes?names=v1", "{\"qos\":{\"iops_limit\":\"\",\"bandwidth_limit\":\"\"}}");
        assertThat(ok("GET", "volumes?names=v1", null).path("items").get(0).path("qos").isNull()).isTrue();
        assertThat(sim.volumeQos("v1").unlimited()).isTrue();
    }

    @Test
    void badQosIs400AndChangesNothing() throws Exception {
        bad("POST", "volumes?names=v1", "{\"provisioned\":1048576,\"qos\":{\"iops_limit\":99}}", "iops_limit", "100");
        bad("POST", "volumes?names=v1", "{\"provisioned\":1048576,\"qos\":{\"bandwidth_limit\":\"fast\"}}",
                "bandwidth_limit");
        bad("POST", "volumes?names=v1", "{\"provisioned\":1048576,\"qos\":{\"burst\":1}}", "qos.burst");
        bad("POST", "volumes?names=v1", "{\"provisioned\":1048576,\"qos\":5}", "qos");
        assertThat(sim.listVolumes()).isEmpty();

        sim.createVolume("v2", 1L << 30, new QosLimits(null, 1000L));
        sim.createVolume("v3", 1L << 30);
        bad("PATCH", "volumes?names=v2", "{\"qos\":{\"iops_limit\":\"many\"}}", "qos.iops_limit");
        bad("PATCH", "volumes?names=v2", "{\"qos\":{\"bandwidth_limit\":549755813889}}", "bandwidth_limit",
                "549755813888");
        bad("PATCH", "volumes?names=v3,v2", "{\"provisioned\":2147483648,\"qos\":{\"iops_limit\":100000001}}",
                "iops_limit");
        bad("PATCH", "volumes?names=v3,nope", "{\"qos\":{\"iops_limit\":200}}", "does not exist");
        assertThat(sim.volumeQos("v2")).isEqualTo(new QosLimits(null, 1000L));
        assertThat(sim.volumeQos("v3").unlimited()).isTrue();
        assertThat(sim.findVolume("v3").orElseThrow().provisionedBytes()).isEqualTo(1L << 30);
    }

    @Test
    void volumeGroupsFollowTheUpstreamDriversCalls() throws Exception {
        JsonNode g = ok("POST", "volume-groups?names=vg1", "{\"qos\":{\"bandwidth_limit\":1048576,\"iops_limit\":100}}")
                .path("items").get(0);
        assertThat(g.path("name").asText()).isEqualTo("vg1");
        assertThat(g.path("qos").path("iops_limit").asLong()).isEqualTo(100);
        assertThat(g.path("volume_count").asInt()).isZero();
        assertThat(g.path("time_remaining").isNull()).isTrue();
        bad("POST", "volume-groups?names=vg1", "{}", "already exists");
        ok("PATCH", "volume-groups?names=vg1", "{\"qos\":{\"bandwidth_limit\":2097152,\"iops_limit\":200}}");

        JsonNode v = ok("POST", "volumes?names=vg1/vol-a", "{\"provisioned\":1048576}").path("items").get(0);
        assertThat(v.path("volume_group").path("name").asText()).isEqualTo("vg1");
        assertThat(ok("GET", "volume-groups?names=vg1", null).path("items").get(0).path("volume_count").asInt())
                .isEqualTo(1);
        bad("PATCH", "volume-groups?names=vg1", "{\"destroyed\":true}", "not empty");
        bad("DELETE", "volume-groups?names=vg1", null, "not been destroyed");

        ok("PATCH", "volumes?names=vg1/vol-a", "{\"destroyed\":true}");
        JsonNode destroyed = ok("PATCH", "volume-groups?names=vg1", "{\"destroyed\":true}").path("items").get(0);
        assertThat(destroyed.path("destroyed").asBoolean()).isTrue();
        assertThat(destroyed.path("time_remaining").asLong()).isPositive();
        HttpResponse<String> again = send("POST", "/api/2.36/volume-groups?names=vg1", "{}",
                Map.of("x-auth-token", session));
        assertThat(again.body()).contains("has been destroyed").doesNotContain("already exists");
        bad("POST", "volumes?names=vg1/vol-b", "{\"provisioned\":1048576}", "has been destroyed");
        bad("DELETE", "volume-groups?names=vg1", null, "not empty");
        ok("DELETE", "volume-groups?names=vg1&eradicate_contents=true", null);
        assertThat(sim.listVolumeGroups()).isEmpty();
        assertThat(sim.listVolumes()).isEmpty();
    }

    @Test
    void volumeGroupBadInputIs400() throws Exception {
        bad("POST", "volume-groups?names=bad_name", "{}", "Volume group name");
        bad("POST", "volume-groups?names=vg", "{\"qos\":{\"iops_limit\":1}}", "iops_limit");
        bad("POST", "volume-groups?names=vg", "{\"priority\":1}", "priority");
        bad("POST", "volumes?names=nogroup/v", "{\"provisioned\":1048576}", "does not exist");
        bad("POST", "volumes?names=a/b/c", "{\"provisioned\":1048576}", "Invalid volume name");
        bad("PATCH", "volume-groups?names=nogroup", "{\"destroyed\":true}", "does not exist");
        bad("PATCH", "volume-groups?names=vg", "{}", "Missing parameter");
        bad("DELETE", "volume-groups?names=nogroup", null, "does not exist");
        bad("GET", "volume-groups?names=nogroup", null, "does not exist");
        assertThat(sim.listVolumeGroups()).isEmpty();
        assertThat(sim.listVolumes()).isEmpty();
    }

    @Test
    void volumesMoveIntoAndOutOfAGroupByPatch() throws Exception {
        ok("POST", "volume-groups?names=vg2", "{}");
        ok("POST", "volumes?names=loose", "{\"provisioned\":1048576}");
        JsonNode in = ok("PATCH", "volumes?names=loose", "{\"volume_group\":{\"name\":\"vg2\"}}").path("items").get(0);
        assertThat(in.path("name").asText()).isEqualTo("vg2/loose");
        JsonNode out = ok("PATCH", "volumes?names=vg2/loose", "{\"volume_group\":{\"name\":\"\"}}").path("items").get(0);
        assertThat(out.path("name").asText()).isEqualTo("loose");
        assertThat(out.path("volume_group").isNull()).isTrue();
        bad("PATCH", "volumes?names=loose", "{\"volume_group\":{\"name\":\"absent\"}}", "does not exist");
    }

    @Test
    void tagsArePutListedAndDeletedLikeTheUpstreamDriverDoes() throws Exception {
        ok("POST", "volumes?names=v1", "{\"provisioned\":1048576}");
        String ns = "openstack-integration.purestorage.com";
        JsonNode put = ok("PUT", "volumes/tags/batch?resource_names=v1", "[{\"key\":\"ProjectId\",\"value\":\"p1\","
                + "\"namespace\":\"" + ns + "\",\"copyable\":false},{\"key\":\"VmId\",\"namespace\":\"" + ns
                + "\",\"copyable\":false},{\"key\":\"env\",\"value\":\"dev\"}]");
        assertThat(put.path("items").size()).isEqualTo(3);
        ok("PUT", "volumes/tags/batch?resource_names=v1", "[{\"key\":\"ProjectId\",\"value\":\"p2\",\"namespace\":\""
                + ns + "\",\"copyable\":false}]");

        JsonNode mine = ok("GET", "volumes/tags?resource_names=v1&namespaces=" + ns, null).path("items");
        assertThat(mine.size()).isEqualTo(2);
        assertThat(mine.findValuesAsText("value")).containsExactlyInAnyOrder("p2", "");
        assertThat(mine.get(0).path("resource").path("name").asText()).isEqualTo("v1");
        JsonNode all = ok("GET", "volumes/tags", null).path("items");
        assertThat(all.size()).isEqualTo(3);
        assertThat(all.findValuesAsText("namespace")).contains("default");

        ok("DELETE", "volumes/tags?namespaces=" + ns + "&resource_names=v1", null);
        assertThat(sim.listVolumeTags(List.of("v1"))).extracting(t -> t.key()).containsExactly("env");
        ok("DELETE", "volumes/tags?resource_names=v1&keys=env", null);
        assertThat(sim.listVolumeTags(List.of("v1"))).isEmpty();
    }

    @Test
    void tagBadInputIs400AndChangesNothing() throws Exception {
        ok("POST", "volumes?names=v1", "{\"provisioned\":1048576}");
        String tag = "{\"key\":\"k\",\"value\":\"v\"}";
        bad("PUT", "volumes/tags/batch", "[" + tag + "]", "resource_names");
        bad("PUT", "volumes/tags/batch?resource_names=v1", tag, "JSON list");
        bad("PUT", "volumes/tags/batch?resource_names=v1", null, "tags");
        bad("PUT", "volumes/tags/batch?resource_names=v1", "[]", "tags");
        bad("PUT", "volumes/tags/batch?resource_names=v1", "[" + (tag + ",").repeat(30) + tag + "]", "30");
        bad("PUT", "volumes/tags/batch?resource_names=v1", "[{\"value\":\"v\"}]", "key");
        bad("PUT", "volumes/tags/batch?resource_names=v1", "[{\"key\":\"k\",\"colour\":\"red\"}]", "colour");
        bad("PUT", "volumes/tags/batch?resource_names=v1", "[{\"key\":1}]", "key");
        bad("PUT", "volumes/tags/batch?resource_names=v1", "[{\"key\":\"k\",\"value\":\"" + "x".repeat(257) + "\"}]",
                "256");
        bad("PUT", "volumes/tags/batch?resource_names=v1,nope", "[" + tag + "]", "does not exist");
        bad("PUT", "volumes/tags/batch?resource_names=v1", "[1]", "object");
        bad("DELETE", "volumes/tags?resource_names=v1&namespaces=a,b", null, "one namespace");
        bad("DELETE", "volumes/tags?namespaces=a", null, "resource_names");
        bad("DELETE", "volumes/tags?resource_names=nope", null, "does not exist");
        bad("GET", "volumes/tags?resource_names=nope", null, "does not exist");
        assertThat(send("POST", "/api/2.36/volumes/tags/batch?resource_names=v1", "[" + tag + "]",
                Map.of("x-auth-token", session)).statusCode()).isEqualTo(405);
        assertThat(sim.listVolumeTags(List.of())).isEmpty();
    }
}
