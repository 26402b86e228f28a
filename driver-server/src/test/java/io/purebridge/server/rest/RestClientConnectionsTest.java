package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.InMemoryFlashArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.rest.RestApiVersion;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.rest.RestClientOptions;
import io.purebridge.engine.rest.RestFlashArray;
import io.purebridge.engine.rest.RestSession;
import io.purebridge.engine.rest.RestTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's REST client against an array that caps the connections one client may hold (the
 * REST front end does, as arrays do): a burst of callers, backends registered again and again,
 * and a connection the array refuses. CI once saw 16 of 64 concurrent creates fail with
 * TLS_HANDSHAKE_FAILED, blaming the certificate for the front end's connection limit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestClientConnectionsTest {
    private static final String ARRAY = "pure-a";
    private static final String TOKEN = "5d0c1b2a-3e4f-4a5b-8c7d-6e5f4a3b2c1d";

    @TempDir
    Path dir;

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger names = new AtomicInteger();
    private RestFrontEnd frontEnd;

    @AfterEach
    void stop() {
        pool.shutdownNow();
        if (frontEnd != null) {
            frontEnd.stop();
        }
    }

    private void start(int connectionsPerClient) throws IOException {
        frontEnd = new RestFrontEnd(RestFrontEndOptions.defaults().withLimits(
                new RestLimits(64 * 1024, 1_500, 20_000, connectionsPerClient, 1024)), Clock.systemUTC());
        frontEnd.startWith(dir, Map.of(ARRAY, new InMemoryFlashArray(ARRAY)), Map.of(ARRAY, TOKEN));
    }

    private ArrayEndpoint endpoint() {
        return new ArrayEndpoint(frontEnd.sanIp(ARRAY), TOKEN, true, frontEnd.certificatePem().toString());
    }

    /** No retries: a connection the array refuses fails the call. */
    private static RestArrayConnector connector(int inFlight) {
        return new RestArrayConnector(RestClientOptions.defaults().withRetries(1, Duration.ofMillis(1))
                .withMaxRequestsInFlight(inFlight), Clock.systemUTC(), ms -> { });
    }

    @Test
    void aCaBundleChangedInPlaceIsTrustedAsItNowReads() throws Exception {
        start(8);
        Path bundle = dir.resolve("array-ca.pem");
        Path otherCa = SelfSignedCertificate.loadOrCreate(dir.resolve("other-ca"), List.of()).certificatePem();
        Files.copy(frontEnd.certificatePem(), bundle);
        RestArrayConnector connector = connector(4);
        ArrayEndpoint pinned = new ArrayEndpoint(frontEnd.sanIp(ARRAY), TOKEN, true, bundle.toString());
        assertThat(connector.connect(pinned).arrayInfo().name()).isEqualTo(ARRAY);

        // The operator points the same file at another CA: the next do_setup must not keep the old trust.
        Files.copy(otherCa, bundle, StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> connector.connect(pinned)).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.reason()).isEqualTo("TLS_HANDSHAKE_FAILED"));

        Files.copy(frontEnd.certificatePem(), bundle, StandardCopyOption.REPLACE_EXISTING);
        assertThat(connector.connect(pinned).arrayInfo().name()).isEqualTo(ARRAY);
    }

    /** {@code callers} threads released at once, each making {@code calls} calls; the failures. */
    private List<Throwable> burst(FlashArray array, int callers, int calls) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            done.add(pool.submit(() -> {
                go.await();
                for (int c = 0; c < calls; c++) {
                    try {
                        array.createVolume("v" + names.incrementAndGet(), 1L << 30);
                    } catch (EngineException e) {
                        failures.add(e);
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(40, TimeUnit.SECONDS);
        }
        return new ArrayList<>(failures);
    }

    @Test
    void aBurstOfCallersStaysWithinTheRequestsInFlightAndSoWithinTheArraysLimit() throws Exception {
        start(8);
        // Half the limit: a connection may reach the pool a moment after its request returned.
        RestArrayConnector connector = connector(4);
        assertThat(burst(connector.connect(endpoint()), 64, 5)).isEmpty();
        assertThat(connector.connect(endpoint()).listVolumes()).hasSize(64 * 5);
    }

    @Test
    void withAPlaceForEveryCallerTheSameBurstMeetsTheLimitAndIsToldSo() throws Exception {
        start(8);
        List<Throwable> failures = burst(connector(64).connect(endpoint()), 64, 5);
        // The limit is real, and a refused connection reads as one, not as a certificate problem.
        assertThat(failures).isNotEmpty().allSatisfy(f -> {
            assertThat(((EngineException) f).reason()).isEqualTo("ARRAY_UNREACHABLE");
            assertThat(f.getMessage()).contains("limit of connections");
        });
    }

    @Test
    void aBackendRegisteredAgainReusesItsConnectionsInsteadOfOpeningMore() throws Exception {
        start(8);
        RestArrayConnector connector = connector(4);
        // Each round is a do_setup: a new session, then calls from several callers. Before the
        // sessions shared a client, every round left four idle connections open.
        for (int round = 0; round < 6; round++) {
            assertThat(burst(connector.connect(endpoint()), 4, 3)).as("round %d", round).isEmpty();
        }
    }

    @Test
    void aConnectionTheArrayRefusesIsRetriedAndNotBlamedOnTheCertificate() throws Exception {
        start(1);
        // A finished handshake: the front end has counted this connection before the client's.
        SSLSocket holder = (SSLSocket) RestTls.context(false, null).getSocketFactory()
                .createSocket("127.0.0.1", frontEnd.port(ARRAY));
        holder.startHandshake();
        try {
            // The only place is taken: every try is refused, and the error says so.
            RestArrayConnector noRetries = connector(4);
            assertThatThrownBy(() -> noRetries.connect(endpoint())).isInstanceOfSatisfying(EngineException.class,
                    e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                        assertThat(e.reason()).isEqualTo("ARRAY_UNREACHABLE");
                        assertThat(e.getMessage()).contains(frontEnd.sanIp(ARRAY)).doesNotContain("CA bundle");
                    });

            // The place frees up while the client waits to retry: the login (a POST) goes through.
            AtomicInteger waits = new AtomicInteger();
            RestArrayConnector retrying = new RestArrayConnector(RestClientOptions.defaults()
                    .withRetries(6, Duration.ofMillis(100)), Clock.systemUTC(), ms -> {
                        if (waits.getAndIncrement() == 0) {
                            closeQuietly(holder);
                        }
                        Thread.sleep(ms);
                    });
            assertThat(retrying.connect(endpoint()).arrayInfo().name()).isEqualTo(ARRAY);
            assertThat(waits.get()).isPositive();
        } finally {
            holder.close();
        }
    }

    @Test
    void aCallerWithNoPlaceInFlightWithinItsTimeoutIsToldTheArrayIsBusy() throws Exception {
        start(8);
        RestClientOptions oneInFlight = new RestClientOptions(RestApiVersion.IMPLEMENTED, Duration.ofSeconds(10),
                Duration.ofMillis(500), 1, Duration.ofMillis(1), 500, 1);
        GatedHttpClient http = new GatedHttpClient(RestSession.httpClient(endpoint(), oneInFlight), "v-slow");
        RestSession session = new RestSession(endpoint(), oneInFlight, http, ms -> { });
        session.open();
        RestFlashArray array = new RestFlashArray(session, Clock.systemUTC());

        Future<?> slow = pool.submit(() -> array.createVolume("v-slow", 1L << 30));
        http.awaitReached();
        // The only place is held for as long as the gate stays shut: the next caller gives up at its timeout.
        assertThatThrownBy(() -> array.createVolume("v-quick", 1L << 30)).isInstanceOfSatisfying(
                EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(e.reason()).isEqualTo("ARRAY_BUSY");
                    assertThat(e.getMessage()).contains(frontEnd.sanIp(ARRAY), "create volume 'v-quick'")
                            .doesNotContain(TOKEN);
                });
        http.open();
        slow.get(10, TimeUnit.SECONDS);
        // Nothing of the refused call reached the array; the place is free again.
        assertThat(array.findVolume("v-quick")).isEmpty();
        assertThat(array.createVolume("v-quick", 1L << 30).name()).isEqualTo("v-quick");
    }

    @Test
    void aCertificateTheClientDoesNotTrustIsNeverRetried() throws Exception {
        start(8);
        AtomicInteger waits = new AtomicInteger();
        RestArrayConnector retrying = new RestArrayConnector(RestClientOptions.defaults()
                .withRetries(4, Duration.ofMillis(1)), Clock.systemUTC(), ms -> waits.incrementAndGet());
        // The front end's certificate is self-signed; the JVM's default trust refuses it.
        ArrayEndpoint defaultTrust = new ArrayEndpoint(frontEnd.sanIp(ARRAY), TOKEN, true, null);
        assertThatThrownBy(() -> retrying.connect(defaultTrust)).isInstanceOfSatisfying(EngineException.class,
                e -> {
                    assertThat(e.reason()).isEqualTo("TLS_HANDSHAKE_FAILED");
                    assertThat(e.getMessage()).contains("driver_ssl_cert_path").doesNotContain(TOKEN);
                });
        assertThat(waits.get()).isZero();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
