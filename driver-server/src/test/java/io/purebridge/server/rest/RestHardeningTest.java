package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.array.InMemoryFlashArray;
import io.purebridge.engine.rest.RestTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST front end probed as an attacker would: slow and idle clients, bodies that never end or
 * never stop, patterns built to backtrack, paging numbers built to overflow, filters built to
 * overflow the stack. Each must cost the attacker more than the service and leave ordinary clients
 * answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestHardeningTest {
    private static final String ARRAY = "pure-a";
    private static final String TOKEN = "9b1e7c52-6b0e-4d0f-8a4e-3f2d1c0b9a87";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RestLimits LIMITS = new RestLimits(64 * 1024, 1_500, 2_000, 80, 1024);

    @TempDir
    Path dir;

    private final InMemoryFlashArray array = new InMemoryFlashArray(ARRAY);
    private RestFrontEnd frontEnd;
    private HttpClient client;
    private SSLSocketFactory tls;
    private final List<Socket> attackers = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws Exception {
        frontEnd = startFrontEnd(LIMITS);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(RestTls.context(false, null)).build();
        tls = RestTls.context(false, null).getSocketFactory();
    }

    private RestFrontEnd startFrontEnd(RestLimits limits) throws IOException {
        RestFrontEnd f = new RestFrontEnd(RestFrontEndOptions.defaults().withLimits(limits), Clock.systemUTC());
        f.startWith(dir, Map.of(ARRAY, array), Map.of(ARRAY, TOKEN));
        return f;
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        for (Socket s : attackers) {
            closeQuietly(s);
        }
        frontEnd.stop();
    }

    @Test
    void unauthenticatedBodyIsRefusedBeforeItArrives() throws Exception {
        SSLSocket s = tlsSocket();
        OutputStream out = s.getOutputStream();
        out.write(("POST /api/2.36/volumes?names=v1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // The body is 99,999 bytes short and never comes: the answer must not wait for it.
        String response = readResponse(s, 3_000);
        assertThat(response).startsWith("HTTP/1.1 401");
        assertThat(response).containsIgnoringCase("connection: close");
        assertThat(array.listVolumes()).isEmpty();
    }

    @Test
    void anAnswerGivenBeforeTheBodyReachesAClientStillSendingIt() throws Exception {
        String session = login();
        // A bad token and an unknown resource are answered from the headers alone. The client goes
        // on sending its body after the answer and reads only at the end, as urllib3 (so
        // py-pure-client) does; a front end closing at once on the unread body reset it.
        String unauthorized = sendBodyThenRead("POST /api/2.36/volumes?names=v1", "x-auth-token: not-a-session");
        assertThat(unauthorized).startsWith("HTTP/1.1 401").containsIgnoringCase("connection: close");
        assertThat(errorMessage(unauthorized)).startsWith("Authentication required");
        String unknown = sendBodyThenRead("POST /api/2.36/volumes/batch", "x-auth-token: " + session);
        assertThat(unknown).startsWith("HTTP/1.1 404").containsIgnoringCase("connection: close");
        assertThat(errorMessage(unknown)).contains("/volumes/batch is not supported");
        assertThat(array.listVolumes()).isEmpty();
    }

    /** Sends a 48 KiB body in pieces after the headers, with pauses, and only then reads the answer. */
    private String sendBodyThenRead(String requestLine, String header) throws Exception {
        byte[] piece = new byte[12 * 1024];
        java.util.Arrays.fill(piece, (byte) ' ');
        SSLSocket s = tlsSocket();
        OutputStream out = s.getOutputStream();
        out.write((requestLine + " HTTP/1.1\r\nHost: x\r\n" + header + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + 4 * piece.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (int i = 0; i < 4; i++) {
            Thread.sleep(100);
            out.write(piece);
            out.flush();
        }
        return readResponse(s, 3_000);
    }

    @Test
    void chunkedBodyPastTheCapIsRefusedWhileStillStreaming() throws Exception {
        String session = login();
        SSLSocket s = tlsSocket();
        OutputStream out = s.getOutputStream();
        out.write(("POST /api/2.36/volumes?names=v1 HTTP/1.1\r\nHost: x\r\nx-auth-token: " + session
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        // 80 KiB of a body that would be endless: more than the 64 KiB cap, and then the client stalls.
        byte[] chunk = new byte[8 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        for (int i = 0; i < 10; i++) {
            out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(chunk);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
        String response = readResponse(s, 3_000);
        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(errorMessage(response)).contains("request body").contains("larger than 65536 bytes");
        assertThat(array.listVolumes()).isEmpty();
    }

    @Test
    void declaredLengthPastTheCapIsRefusedWithoutReading() throws Exception {
        String session = login();
        SSLSocket s = tlsSocket();
        s.getOutputStream().write(("POST /api/2.36/volumes?names=v1 HTTP/1.1\r\nHost: x\r\nx-auth-token: " + session
                + "\r\nContent-Type: application/json\r\nContent-Length: 314572800\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String response = readResponse(s, 3_000);
        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(errorMessage(response)).contains("request body");
    }

    @Test
    void authenticatedBodyThatStallsEndsAtTheDeadline() throws Exception {
        String session = login();
        SSLSocket s = tlsSocket();
        OutputStream out = s.getOutputStream();
        out.write(("POST /api/2.36/volumes?names=v1 HTTP/1.1\r\nHost: x\r\nx-auth-token: " + session
                + "\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"provisioned\":")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long start = System.nanoTime();
        String response = readResponse(s, 5_000);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(errorMessage(response)).contains("request body").contains("did not arrive within 1500 ms");
        assertThat(tookMs).isBetween(1_000L, 4_500L);
        assertThat(array.listVolumes()).isEmpty();
    }

    /**
     * The attack with room to spare: 50 clients that connect and never speak, that finish
     * TLS and never send a request, or that send a body one byte at a time (with and without a
     * session). A normal client keeps getting answers, each quickly.
     */
    @Test
    void fiftySlowAndIdleClientsDoNotStarveANormalOne() throws Exception {
        String session = login();
        int port = frontEnd.port(ARRAY);
        for (int i = 0; i < 10; i++) {
            Socket idle = new Socket();
            idle.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            attackers.add(idle);
        }
        for (int i = 0; i < 10; i++) {
            SSLSocket handshaken = tlsSocket();
            handshaken.startHandshake();
        }
        AtomicBoolean dribbling = new AtomicBoolean(true);
        for (int i = 0; i < 30; i++) {
            String auth = i % 2 == 0 ? "x-auth-token: " + session + "\r\n" : "";
            SSLSocket slow = tlsSocket();
            pool.submit(() -> {
                OutputStream out = slow.getOutputStream();
                out.write(("POST /api/2.36/volumes?names=slow HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                while (dribbling.get()) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(200);
                }
                return null;
            });
        }
        assertThat(attackers).hasSize(50);
        try {
            for (int i = 0; i < 30; i++) {
                long start = System.nanoTime();
                HttpResponse<String> r = get(session, "/api/2.36/volumes");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(ms).as("answer %d took %d ms", i, ms).isLessThan(1_500);
                // A fresh connection each time: accepting must keep working too.
                HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .sslContext(RestTls.context(false, null)).build();
                assertThat(send(fresh, "GET", "/api/api_version", null, Map.of()).statusCode()).isEqualTo(200);
            }
        } finally {
            dribbling.set(false);
        }
        assertThat(array.listVolumes()).isEmpty();
    }

    @Test
    void idleConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        Socket idle = new Socket();
        idle.connect(new InetSocketAddress("127.0.0.1", frontEnd.port(ARRAY)), 2_000);
        attackers.add(idle);
        idle.setSoTimeout(6_000);
        long start = System.nanoTime();
        assertThat(idle.getInputStream().read()).isEqualTo(-1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1_000L, 5_000L);
    }

    @Test
    void oneClientCannotHoldMoreThanItsShareOfConnections() throws Exception {
        frontEnd.stop();
        frontEnd = startFrontEnd(new RestLimits(64 * 1024, 1_500, 20_000, 5, 1024));
        int port = frontEnd.port(ARRAY);
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            attackers.add(s);
            held.add(s);
        }
        // Connections open on several selector threads, so which of the six is refused is not
        // fixed: exactly one is closed at once, and the other five stay open.
        List<Socket> closed = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until && closed.isEmpty()) {
            for (Socket s : held) {
                s.setSoTimeout(50);
                try {
                    if (s.getInputStream().read() == -1) {
                        closed.add(s);
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // open and idle
                } catch (IOException reset) {
                    closed.add(s);
                }
            }
        }
        assertThat(closed).as("connections past the limit of 5").hasSize(1);
        for (Socket s : held) {
            if (!closed.contains(s)) {
                s.setSoTimeout(200);
                assertThat(catchThrowable(() -> s.getInputStream().read())).isInstanceOf(SocketTimeoutException.class);
            }
        }
        held.forEach(RestHardeningTest::closeQuietly);
        // Once the client lets go, it is served again.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            try {
                status = send(client, "GET", "/api/api_version", null, Map.of()).statusCode();
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        assertThat(status).isEqualTo(200);
    }

    @Test
    void backtrackingGlobsAnswerAtOnce() throws Exception {
        String session = login();
        String longName = "a".repeat(60);
        assertThat(post(session, "/api/2.36/volumes?names=" + longName, "{\"provisioned\":1048576}").statusCode())
                .isEqualTo(200);
        String evil = "*a".repeat(30) + "b";
        long start = System.nanoTime();
        HttpResponse<String> byName = get(session, "/api/2.36/volumes?names=" + evil);
        HttpResponse<String> byFilter = get(session, "/api/2.36/volumes?filter=name%3D'" + evil + "'");
        HttpResponse<String> matching = get(session, "/api/2.36/volumes?filter=name%3D'" + "*a".repeat(30) + "'");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
        assertThat(byName.statusCode()).isEqualTo(200);
        assertThat(items(byName)).isEmpty();
        assertThat(items(byFilter)).isEmpty();
        assertThat(items(matching)).hasSize(1);
    }

    @Test
    void pagingNumbersAtTheEdgesOfLongAreAnsweredNot500() throws Exception {
        String session = login();
        for (String name : List.of("p1", "p2", "p3")) {
            post(session, "/api/2.36/volumes?names=" + name, "{\"provisioned\":1048576}");
        }
        String max = Long.toString(Long.MAX_VALUE);
        HttpResponse<String> r = get(session, "/api/2.36/volumes?limit=" + max + "&offset=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(items(r)).hasSize(2);
        r = get(session, "/api/2.36/volumes?limit=1&offset=" + max);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(items(r)).isEmpty();
        assertThat(JSON.readTree(r.body()).get("more_items_remaining").asBoolean()).isFalse();
        r = get(session, "/api/2.36/volumes?limit=" + max + "&offset=" + max);
        assertThat(r.statusCode()).isEqualTo(200);
        r = get(session, "/api/2.36/volumes?limit=9223372036854775808");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errorMessage(r.body())).contains("limit");
        r = get(session, "/api/2.36/volumes?offset=-1");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errorMessage(r.body())).contains("offset");
    }

    @Test
    void deeplyNestedFiltersAreA400NamingTheFilter() throws Exception {
        String session = login();
        String parens = "(".repeat(2_500) + "name='x'" + ")".repeat(2_500);
        String nots = "not%20".repeat(1_200) + "name='x'";
        for (String filter : List.of(parens, nots, "(".repeat(33) + "name='x'" + ")".repeat(33))) {
            // Parentheses sent raw, as the request did: it fits in Jetty's 8 KiB header limit.
            HttpResponse<String> r = get(session, "/api/2.36/volumes?filter=" + filter);
            assertThat(r.statusCode()).as("filter of %d chars", filter.length()).isEqualTo(400);
            assertThat(errorMessage(r.body())).startsWith("Invalid filter");
        }
        HttpResponse<String> ok = get(session, "/api/2.36/volumes?filter=" + "(".repeat(32) + "name='x'"
                + ")".repeat(32));
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    // --- helpers ---

    private SSLSocket tlsSocket() throws IOException {
        SSLSocket s = (SSLSocket) tls.createSocket("127.0.0.1", frontEnd.port(ARRAY));
        attackers.add(s);
        return s;
    }

    private String login() throws Exception {
        HttpResponse<String> r = send(client, "POST", "/api/2.36/login", null, Map.of("api-token", TOKEN));
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("x-auth-token").orElseThrow();
    }

    private HttpResponse<String> get(String session, String pathAndQuery) throws Exception {
        return send(client, "GET", pathAndQuery, null, Map.of("x-auth-token", session));
    }

    private HttpResponse<String> post(String session, String pathAndQuery, String body) throws Exception {
        return send(client, "POST", pathAndQuery, body, Map.of("x-auth-token", session));
    }

    private HttpResponse<String> send(HttpClient c, String method, String pathAndQuery, String body,
            Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + frontEnd.sanIp(ARRAY) + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> items(HttpResponse<String> r) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.body()).get("items").forEach(out::add);
        return out;
    }

    /** The first error's message from a response (raw HTTP text or a body). */
    private static String errorMessage(String responseOrBody) throws IOException {
        int start = responseOrBody.indexOf("{\"errors\"");
        return JSON.readTree(responseOrBody.substring(start)).get("errors").get(0).get("message").asText();
    }

    /** Reads what the server sends until it closes or {@code timeoutMs} passes with nothing new. */
    private static String readResponse(Socket s, int timeoutMs) throws IOException {
        s.setSoTimeout(timeoutMs);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                got.write(buffer, 0, n);
                String text = got.toString(StandardCharsets.UTF_8);
                if (text.contains("\r\n\r\n") && text.trim().endsWith("}")) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            // whatever arrived is the answer
        } catch (IOException e) {
            if (got.size() == 0) {
                throw e;
            }
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing an attacker's socket
        }
    }
}
