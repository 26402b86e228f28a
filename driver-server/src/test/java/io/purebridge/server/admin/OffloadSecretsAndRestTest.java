package io.purebridge.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.offload.S3ProxyServer;
import io.purebridge.engine.rest.RestTls;
import io.purebridge.server.config.ConfigOverrides;
import io.purebridge.server.config.ServiceConfigLoader;
import io.purebridge.server.testing.OffloadFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service with a configured, encrypted target on a signed S3 server, its REST front end and its
 * metrics endpoint: /offloads and /remote-volume-snapshots over HTTPS show the target and what it
 * holds, and the S3 secret and the encryption key appear nowhere, not in the log, the CLI's output,
 * the REST bodies, the metrics nor the config's toString.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OffloadSecretsAndRestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void restListsTargetsAndSnapshotsAndNoSecretLeaksAnywhere() throws Exception {
        byte[] keyBytes = new byte[32];
        new SecureRandom().nextBytes(keyBytes);
        String key = Base64.getEncoder().encodeToString(keyBytes);
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("id"), S3ProxyServer.ACCESS + "\n");
        Files.writeString(secrets.resolve("secret"), S3ProxyServer.SECRET + "\n");
        Files.writeString(secrets.resolve("key"), key + "\n");

        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        StringBuilder seen = new StringBuilder();
        try (S3ProxyServer s3 = S3ProxyServer.transientStore(true)) {
            s3.createBucket("pb-enc");
            System.setOut(new PrintStream(log, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            try (OffloadFixture service = OffloadFixture.start(dir.resolve("svc"), "[offload.enc]\nbucket = pb-enc\n"
                    + "endpoint = " + s3.endpoint() + "\naccess_key_id = file:" + secrets.resolve("id")
                    + "\nsecret_access_key = file:" + secrets.resolve("secret") + "\nencryption_key = file:"
                    + secrets.resolve("key") + "\naccept_unverified_bucket_rules = true\npack_mib = 1\npart_mib = 5\n\n"
                    + "[metrics]\nenabled = true\nport = 0\n", true)) {
                seen.append(service.running.toString()).append(loadedConfig(service)).append('\n');
                byte[] image = service.snapshot("vol-a", "s1", 4, 3);
                Cli cli = new Cli(service);
                assertThat(cli.run("offload", "list")).isZero();
                assertThat(cli.out()).contains("enc").contains("connected (format 1, encrypted");
                assertThat(cli.run("offload", "start", "--target", "enc", "--array", "pure-primary", "--snapshot",
                        "vol-a.s1", "--wait", "--interval", "0.05")).as(cli.err()).isZero();
                String job = jobId(cli.out());
                seen.append(cli.out()).append(cli.err());
                assertThat(cli.run("offload", "list", "--json")).isZero();
                seen.append(cli.out());
                assertThat(cli.out()).contains("\"access_key_id_ref\":\"file:").contains("\"encrypted\":true");
                assertThat(cli.run("offload", "list", "--target", "enc", "--json")).isZero();
                seen.append(cli.out());
                assertThat(cli.run("offload", "verify", "--target", "enc", "--snapshot", "pure-primary:vol-a.s1",
                        "--wait")).isZero();
                seen.append(cli.out()).append(cli.err());
                assertThat(cli.run("offload", "restore", "--target", "enc", "--snapshot", "pure-primary:vol-a.s1",
                        "--array", "pure-dr", "--volume", "back", "--wait")).isZero();
                seen.append(cli.out()).append(cli.err());
                assertThat(service.dr().read("back", 0, image.length)).isEqualTo(image);
                assertThat(cli.run("offload", "status", "--json")).isZero();
                seen.append(cli.out());

                String sanIp = service.running.rest().orElseThrow().sanIp("pure-primary");
                HttpClient https = HttpClient.newBuilder().sslContext(RestTls.context(false, null)).build();
                String token = login(https, sanIp);
                HttpResponse<String> offloads = get(https, sanIp, token, "/api/2.36/offloads");
                seen.append(offloads.body());
                assertThat(offloads.statusCode()).isEqualTo(200);
                JsonNode item = JSON.readTree(offloads.body()).get("items").get(0);
                assertThat(item.get("name").asText()).isEqualTo("enc");
                assertThat(item.get("protocol").asText()).isEqualTo("s3");
                assertThat(item.get("status").asText()).isEqualTo("connected");
                assertThat(item.get("s3").get("bucket").asText()).isEqualTo("pb-enc");
                assertThat(item.get("s3").get("uri").asText()).isEqualTo(s3.endpoint().toString());
                assertThat(item.get("s3").get("placement_strategy").asText()).isEqualTo("retention-based");
                assertThat(item.get("s3").get("access_key_id").asText()).isEqualTo(S3ProxyServer.ACCESS);
                assertThat(item.get("s3").has("secret_access_key")).isFalse();
                HttpResponse<String> filtered = get(https, sanIp, token, "/api/2.36/offloads?names=enc&protocol=s3");
                assertThat(JSON.readTree(filtered.body()).get("items")).hasSize(1);

                HttpResponse<String> remote = get(https, sanIp, token, "/api/2.36/remote-volume-snapshots?on=enc");
                seen.append(remote.body());
                assertThat(remote.statusCode()).as(remote.body()).isEqualTo(200);
                JsonNode snap = JSON.readTree(remote.body()).get("items").get(0);
                assertThat(snap.get("name").asText()).isEqualTo("pure-primary:vol-a.s1");
                assertThat(snap.get("suffix").asText()).isEqualTo("s1");
                assertThat(snap.get("provisioned").asLong()).isEqualTo(image.length);
                assertThat(snap.get("source").get("name").asText()).isEqualTo("pure-primary:vol-a");
                assertThat(snap.get("remote").get("name").asText()).isEqualTo("enc");
                assertThat(get(https, sanIp, token, "/api/2.36/remote-volume-snapshots?on=nowhere").statusCode())
                        .isEqualTo(400);

                int metricsPort = service.running.metricsEndpoint().orElseThrow().port();
                HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                seen.append(metrics.body());
                assertThat(metrics.body()).contains("purebridge_offload_target_connected{target=\"enc\"} 1")
                        .contains("purebridge_offload_job_done_bytes{job_id=\"" + job + "\",kind=\"offload\","
                                + "state=\"completed\",target=\"enc\"} " + image.length);
            } finally {
                System.setOut(stdout);
                System.setErr(stderr);
            }
        }
        String everything = seen + log.toString(StandardCharsets.UTF_8);
        assertThat(everything).contains("offload-jobs").contains("pure-primary:vol-a.s1");
        for (String secret : List.of(S3ProxyServer.SECRET, key, key.substring(0, 16),
                Base64.getUrlEncoder().encodeToString(keyBytes))) {
            assertThat(everything).as("a secret in the output").doesNotContain(secret);
        }
    }

    private static String loadedConfig(OffloadFixture service) throws Exception {
        return ServiceConfigLoader.load(service.config, ConfigOverrides.none()).toString();
    }

    private static String jobId(String text) {
        Matcher m = Pattern.compile("job ([0-9a-f-]{36}): ").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    private static String login(HttpClient https, String sanIp) throws Exception {
        HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://" + sanIp + "/api/2.36/login"))
                .header("api-token", OffloadFixture.PRIMARY_TOKEN).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.headers().firstValue("x-auth-token").orElseThrow(() -> new AssertionError(r.body()));
    }

    private static HttpResponse<String> get(HttpClient https, String sanIp, String token, String path)
            throws Exception {
        return https.send(HttpRequest.newBuilder(URI.create("https://" + sanIp + path)).header("x-auth-token", token)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** purebridge-admin in-process. */
    private static final class Cli {
        private final OffloadFixture service;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();

        Cli(OffloadFixture service) {
            this.service = service;
        }

        int run(String... args) {
            out.reset();
            err.reset();
            String[] all = new String[args.length + 4];
            System.arraycopy(args, 0, all, 0, args.length);
            System.arraycopy(new String[] {"--endpoint", service.endpoint(), "--tokens-file",
                service.config.toString()}, 0, all, args.length, 4);
            return new AdminMain(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true,
                    StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), true).run(all);
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }
}
