package io.purebridge.server.rest;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.concurrent.CountDownLatch;

/**
 * A real HTTP client whose requests containing {@code gate} wait, before going out, until
 * {@link #open()}: a request that holds its place in flight for as long as a test needs.
 */
final class GatedHttpClient extends ForwardingHttpClient {
    private final String gate;
    private final CountDownLatch opened = new CountDownLatch(1);
    private final CountDownLatch reached = new CountDownLatch(1);

    GatedHttpClient(HttpClient real, String gate) {
        super(real);
        this.gate = gate;
    }

    void open() {
        opened.countDown();
    }

    void awaitReached() throws InterruptedException {
        reached.await();
    }

    @Override
    protected void beforeSend(HttpRequest request) throws InterruptedException {
        if (request.uri().toString().contains(gate)) {
            reached.countDown();
            opened.await();
        }
    }
}
