package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The front end on the wire, spoken to with java.net.http directly. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestWireTest {
    @TempDir
    Path dataDir;
    private FrontEndFixture fx;
    private String token;

    @BeforeEach
    void setUp() throws Exception {
        fx = new FrontEndFixture(dataDir);
        token = fx.login();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static void assertError(HttpResponse<String> r, int status, String fragment) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode errors = FrontEndFixture.json(r).path("errors");
        assertThat(errors.isArray()).as(r.body()).isTrue();
        assertThat(errors.get(0).has("context")).isTrue();
        assertThat(errors.get(0).path("message").asText()).contains(fragment);
    }

    @Test
    void versionsLoginAndLogout() throws Exception {
        HttpResponse<String> v = fx.send("GET", "/api/api_version", null, Map.of());
        assertThat(v.statusCode()).isEqualTo(200);
        JsonNode versions = FrontEndFixture.json(v).path("version");
        assertThat(versions.get(0).asText()).isEqualTo("2.0");
        assertThat(versions.get(versions.size() - 1).asText()).isEqualTo("2.36");

        HttpResponse<String> login = fx.send("POST", "/api/2.36/login", null, Map.of("api-token", FrontEndFixture.TOKEN));
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(FrontEndFixture.json(login).path("items").get(0).path("username").asText()).isEqualTo("pureuser");
        String session = login.headers().firstValue("x-auth-token").orElseThrow();
        assertThat(fx.call(session, "GET", "/api/2.36/volumes", null).statusCode()).isEqualTo(200);
        assertThat(fx.call(session, "POST", "/api/2.36/logout", null).statusCode()).isEqualTo(200);
        assertError(fx.call(session, "GET", "/api/2.36/volumes", null), 401, "Authentication");

        assertError(fx.send("POST", "/api/2.36/login", null, Map.of("api-token", "nope")), 401, "api-token");
        assertError(fx.send("POST", "/api/2.36/login", null, Map.of()), 401, "api-token");
        assertError(fx.send("GET", "/api/2.36/volumes", null, Map.of()), 401, "x-auth-token");
        fx.frontEnd.expireSessions();
        assertError(fx.call(token, "GET", "/api/2.36/volumes", null), 401, "x-auth-token");
    }

    @Test
    void unknownPathsAndVersionsAre404InErrorShape() throws Exception {
        assertError(fx.call(token, "GET", "/api/2.99/volumes", null), 404, "2.99");
        assertError(fx.call(token, "GET", "/api/2.36/pods", null), 404, "pods");
        assertError(fx.call(token, "PUT", "/api/2.36/volumes", "{}"), 405, "PUT");
        assertThat(fx.call(token, "GET", "/api/2.4/volumes", null).statusCode()).isEqualTo(200);
    }

    @Test
    void badInputIs400AndChangesNothing() throws Exception {
        assertError(fx.call(token, "POST", "/api/2.36/volumes?names=v1", "{\"provisioned\": 1048576"), 400,
                "Invalid JSON");
        assertError(fx.call(token, "POST", "/api/2.36/volumes?names=v1", "{\"provisioned\":1048576,\"colour\":\"red\"}"),
                400, "colour");
        assertError(fx.call(token, "POST", "/api/2.36/volumes?names=v1", "{\"provisioned\":1048576,\"provisioned\":2}"),
                400, "Invalid JSON");
        assertError(fx.call(token, "POST", "/api/2.36/volumes?names=v1", "[1,2]"), 400, "JSON object");
        assertError(fx.call(token, "POST", "/api/2.36/volumes?names=v1", "{\"provisioned\":\"big\"}"), 400, "provisioned");
        assertError(fx.call(token, "POST", "/api/2.36/volumes?names=v1", "{\"provisioned\":1000}"), 400, "512");
        assertError(fx.call(token, "POST", "/api/2.36/volumes?names=-bad-", "{\"provisioned\":1048576}"), 400,
                "Invalid volume name");
        assertError(fx.call(token, "POST", "/api/2.36/volumes?names=ok,b%20ad", "{}"), 400, "Invalid volume name");
        assertError(fx.call(token, "POST", "/api/2.36/volumes", "{}"), 400, "names");
        assertError(fx.call(token, "POST", "/api/2.36/volumes?names=v1&bogus=1", "{}"), 400, "bogus");
        assertError(fx.call(token, "POST", "/api/2.36/hosts?names=h_1", "{}"), 400, "Invalid host name");
        assertError(fx.call(token, "POST", "/api/2.36/hosts?names=h1", "{\"iqns\":\"iqn.x\"}"), 400, "iqns");
        assertError(fx.call(token, "POST", "/api/2.36/hosts?names=h1", "{\"personality\":\"windows95\"}"), 400,
                "personality");
        assertError(fx.call(token, "POST", "/api/2.36/hosts?names=h1", "{\"chap\":{\"host_password\":\"short\"}}"), 400,
                "12 to 255");
        assertError(fx.call(token, "GET", "/api/2.36/volumes?filter=name%3D", null), 400, "Invalid filter");
        assertError(fx.call(token, "GET", "/api/2.36/volumes?limit=-1", null), 400, "limit");
        assertError(fx.call(token, "GET", "/api/2.36/volumes?continuation_token=garbage", null), 400,
                "continuation_token");
        assertError(fx.call(token, "GET", "/api/2.36/volumes?destroyed=maybe", null), 400, "destroyed");
        assertError(fx.call(token, "POST", "/api/2.36/connections?host_names=h&volume_names=v", "{\"lun\":3}"), 400,
                "LUN");
        assertThat(fx.array.listVolumes()).isEmpty();
        assertThat(fx.array.listHosts()).isEmpty();
    }

    @Test
    void earlyErrorsLeaveTheConnectionUsable() throws Exception {
        // Errors raised before the body is looked at (bad query, bad version, no session) must
        // still consume it, or the next request on the kept-alive connection fails.
        for (int i = 0; i < 3; i++) {
            assertError(fx.call(token, "POST", "/api/2.36/volumes?names=", "{\"provisioned\":1048576}"), 400, "empty");
            assertError(fx.call(token, "POST", "/api/2.99/volumes?names=v", "{\"provisioned\":1048576}"), 404, "2.99");
            assertError(fx.call("none", "POST", "/api/2.36/volumes?names=v", "{\"provisioned\":1048576}"), 401,
                    "x-auth-token");
            assertThat(fx.call(token, "GET", "/api/2.36/volumes", null).statusCode()).isEqualTo(200);
        }
        assertThat(fx.array.listVolumes()).isEmpty();
    }

    @Test
    void businessErrorsCarryTheFragmentsClientsMatchOn() throws Exception {
        assertThat(fx.call(token, "POST", "/api/2.36/volumes?names=v1", "{\"provisioned\":1048576}").statusCode())
                .isEqualTo(200);
        assertError(fx.call(token, "POST", "/api/2.36/volumes?names=v1", "{}"), 400, "already exists");
        assertError(fx.call(token, "GET", "/api/2.36/volumes?names=v1,v9", null), 400, "does not exist");
        assertError(fx.call(token, "GET", "/api/2.36/volume-snapshots?source_names=v9", null), 400, "does not exist");
        assertError(fx.call(token, "GET", "/api/2.36/connections?host_names=h9", null), 400, "does not exist");
        assertError(fx.call(token, "DELETE", "/api/2.36/volumes?names=v1", null), 400, "not been destroyed");
        assertThat(fx.call(token, "PATCH", "/api/2.36/volumes?names=v1", "{\"destroyed\":true}").statusCode())
                .isEqualTo(200);
        assertError(fx.call(token, "POST", "/api/2.36/volumes?names=v1", "{}"), 400, "has been destroyed");
        assertError(fx.call(token, "GET", "/api/2.36/volumes?names=v1&destroyed=false", null), 400, "has been destroyed");
        JsonNode destroyed = FrontEndFixture.json(fx.call(token, "GET", "/api/2.36/volumes?names=v1", null))
                .path("items").get(0);
        assertThat(destroyed.path("destroyed").asBoolean()).isTrue();
        assertThat(destroyed.path("time_remaining").isNumber()).isTrue();
        assertThat(fx.call(token, "PATCH", "/api/2.36/volumes?names=v1", "{\"destroyed\":false}").statusCode())
                .isEqualTo(200);

        assertThat(fx.call(token, "POST", "/api/2.36/hosts?names=h1", "{\"iqns\":[\"iqn.2000-01.x:1\"]}").statusCode())
                .isEqualTo(200);
        HttpResponse<String> conn = fx.call(token, "POST", "/api/2.36/connections?host_names=h1&volume_names=v1", null);
        assertThat(conn.statusCode()).as(conn.body()).isEqualTo(200);
        assertThat(FrontEndFixture.json(conn).path("items").get(0).path("lun").asInt()).isEqualTo(1);
        assertError(fx.call(token, "POST", "/api/2.36/connections?host_names=h1&volume_names=v1", null), 400,
                "already exists");
        assertError(fx.call(token, "DELETE", "/api/2.36/hosts?names=h1", null), 400, "existing connections");
        assertError(fx.call(token, "POST", "/api/2.36/hosts?names=h2", "{\"iqns\":[\"iqn.2000-01.x:1\"]}"), 400,
                "already in use");
        JsonNode vol = FrontEndFixture.json(fx.call(token, "GET", "/api/2.36/volumes?names=v1", null)).path("items").get(0);
        assertThat(vol.path("connection_count").asInt()).isEqualTo(1);
    }

    @Test
    void pagesWithLimitTokensOffsetsAndCounts() throws Exception {
        for (int i = 0; i < 5; i++) {
            fx.array.createVolume("vol-" + i, 1 << 20);
        }
        List<String> names = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            String q = "/api/2.36/volumes?limit=2&total_item_count=true" + (next == null ? "" : "&continuation_token=" + next);
            HttpResponse<String> r = fx.call(token, "GET", q, null);
            JsonNode body = FrontEndFixture.json(r);
            assertThat(body.path("total_item_count").asInt()).isEqualTo(5);
            body.path("items").forEach(n -> names.add(n.path("name").asText()));
            next = body.path("more_items_remaining").asBoolean() ? body.path("continuation_token").asText() : null;
            if (next != null) {
                assertThat(r.headers().firstValue("x-next-token")).contains(next);
            }
            pages++;
        } while (next != null);
        assertThat(pages).isEqualTo(3);
        assertThat(names).containsExactly("vol-0", "vol-1", "vol-2", "vol-3", "vol-4");

        JsonNode sorted = FrontEndFixture.json(fx.call(token, "GET", "/api/2.36/volumes?sort=name-&limit=2&offset=1", null));
        assertThat(sorted.path("items")).extracting(n -> n.path("name").asText()).containsExactly("vol-3", "vol-2");
        assertThat(sorted.path("more_items_remaining").asBoolean()).isTrue();
        assertThat(sorted.path("continuation_token").isNull()).isTrue();
        assertThat(sorted.path("total_item_count").isNull()).isTrue();
    }

    @Test
    void filtersAndNameLists() throws Exception {
        fx.array.createVolume("cinder-a", 1 << 20);
        fx.array.createVolume("cinder-b", 2 << 20);
        fx.array.createVolume("other", 3 << 20);
        fx.array.createHost("h1", List.of("iqn.2000-01.x:1"), List.of("21:00:00:24:FF:00:00:01"), List.of());
        fx.array.createHost("h2", List.of("iqn.2000-01.x:2"), List.of(), List.of("nqn.2014-08.org:2"));
        assertThat(names("/api/2.36/volumes?filter=" + enc("name='cinder-*'"))).containsExactly("cinder-a", "cinder-b");
        assertThat(names("/api/2.36/volumes?filter=" + enc("provisioned>1048576 and not(name='other')")))
                .containsExactly("cinder-b");
        assertThat(names("/api/2.36/volumes?filter=" + enc("name='other' or provisioned=1048576")))
                .containsExactly("cinder-a", "other");
        assertThat(names("/api/2.36/volumes?names=other,cinder-a")).containsExactly("other", "cinder-a");
        String id = fx.array.findVolume("other").orElseThrow().id();
        assertThat(names("/api/2.36/volumes?ids=" + id)).containsExactly("other");
        assertThat(names("/api/2.36/hosts?filter=" + enc("iqns='iqn.2000-01.x:2' and is_local"))).containsExactly("h2");
        assertThat(names("/api/2.36/hosts?filter=" + enc("wwns='21000024FF000001'"))).containsExactly("h1");
        assertThat(names("/api/2.36/hosts?filter=" + enc("nqns='nqn.2014-08.org:2' and not is_local"))).isEmpty();
        assertThat(names("/api/2.36/controllers?filter=" + enc("status='ready'"))).containsExactly("CT0", "CT1");
        assertThat(names("/api/2.36/ports?filter=" + enc("name='CT0.*'"))).allMatch(n -> n.startsWith("CT0."));
        assertThat(names("/api/2.36/network-interfaces?filter="
                + enc("eth.subtype='lacp_bond' or eth.subtype='vif'"))).isEmpty();
        assertThat(names("/api/2.36/network-interfaces?names=ct0.eth4")).containsExactly("ct0.eth4");
    }

    @Test
    void certificateAndPortsSurviveARestart() throws Exception {
        Path pem = fx.frontEnd.certificatePem();
        String cert = Files.readString(pem);
        int port = fx.frontEnd.port(FrontEndFixture.ARRAY);
        fx.close();
        RestFrontEnd again = new RestFrontEnd();
        try {
            again.startWith(dataDir, Map.of(FrontEndFixture.ARRAY, fx.array), Map.of("*", "any-token-1"));
            assertThat(Files.readString(again.certificatePem())).isEqualTo(cert);
            assertThat(again.port(FrontEndFixture.ARRAY)).isEqualTo(port);
        } finally {
            again.stop();
        }
    }

    private List<String> names(String pathAndQuery) throws Exception {
        HttpResponse<String> r = fx.call(token, "GET", pathAndQuery, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        FrontEndFixture.json(r).path("items").forEach(n -> out.add(n.path("name").asText()));
        return out;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
