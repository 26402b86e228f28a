package io.purebridge.engine.offload;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP proxy in front of an unsigned S3 server that breaks a share of requests the ways real
 * networks and S3 do: 500 InternalError, 503 SlowDown, the connection dropped with no answer, and
 * a response body cut off half-way. Faults hit after the request body was read, so uploads are
 * lost in flight too. {@link #down(boolean)} makes every request fail (a dead network).
 */
final class FaultyS3Proxy implements AutoCloseable {
    private static final Set<String> HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "date");
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI upstream;
    private final double rate;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicReference<Cut> cuts = new AtomicReference<>();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger faults = new AtomicInteger();
    final AtomicInteger bytesUp = new AtomicInteger();

    FaultyS3Proxy(URI upstream, double rate) throws IOException {
        this.upstream = upstream;
        this.rate = rate;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "faulty-s3");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void down(boolean isDown) {
        down.set(isDown);
    }

    /**
     * Cuts short the answers to the next {@code times} {@code method} requests whose query contains
     * {@code query}, after the store acted on them (POST "uploadId=" is CompleteMultipartUpload).
     */
    void cutAnswers(String method, String query, int times) {
        cuts.set(new Cut(method, query, new AtomicInteger(times)));
    }

    private record Cut(String method, String query, AtomicInteger left) {
        boolean take(HttpExchange ex) {
            String q = ex.getRequestURI().getRawQuery();
            return method.equals(ex.getRequestMethod()) && q != null && q.contains(query)
                    && left.getAndDecrement() > 0;
        }
    }

    private boolean cutThis(HttpExchange ex) {
        Cut cut = cuts.get();
        return cut != null && cut.take(ex);
    }

    /** Every 1/rate-th request fails, cycling through the four kinds, so each shows up in a short run. */
    private int fault() {
        if (rate <= 0) {
            return 0;
        }
        int n = requests.get();
        int every = (int) Math.round(1 / rate);
        return n % every == every / 2 ? 1 + (n / every) % 4 : 0;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            byte[] body = ex.getRequestBody().readAllBytes();
            bytesUp.addAndGet(body.length);
            int fault = down.get() ? 3 : cutThis(ex) ? 4 : fault();
            if (fault == 1 || fault == 2) {
                faults.incrementAndGet();
                String code = fault == 1 ? "InternalError" : "SlowDown";
                byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
                        + "</Code><Message>injected</Message></Error>").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/xml");
                ex.sendResponseHeaders(fault == 1 ? 500 : 503, xml.length);
                ex.getResponseBody().write(xml);
                return;
            }
            if (fault == 3) {
                faults.incrementAndGet();
                return; // dropped: the connection closes with no answer
            }
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI().toString()))
                    .method(ex.getRequestMethod(), body.length == 0 && !"PUT".equals(ex.getRequestMethod())
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                if (!HOP.contains(h.getKey().toLowerCase())) {
                    h.getValue().forEach(v -> rb.header(h.getKey(), v));
                }
            }
            HttpResponse<byte[]> resp;
            try {
                resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            resp.headers().map().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase()) && !k.startsWith(":")) {
                    vs.forEach(v -> ex.getResponseHeaders().add(k, v));
                }
            });
            byte[] out = resp.body();
            boolean head = "HEAD".equals(ex.getRequestMethod());
            if (head || out.length == 0) {
                if (fault == 4) {
                    faults.incrementAndGet();
                    return; // nothing to cut short: drop the connection instead
                }
                // A HEAD answer carries the object's length; the JDK server sends only what is set.
                resp.headers().firstValue("content-length").filter(v -> head)
                        .ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
                ex.sendResponseHeaders(resp.statusCode(), -1);
                return;
            }
            ex.sendResponseHeaders(resp.statusCode(), out.length);
            OutputStream os = ex.getResponseBody();
            if (fault == 4) {
                faults.incrementAndGet();
                os.write(out, 0, out.length / 2); // cut short: the client sees a premature end
                os.flush();
                return;
            }
            os.write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
