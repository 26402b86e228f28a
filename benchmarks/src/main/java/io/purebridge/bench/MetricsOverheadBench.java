package io.purebridge.bench;

import com.codahale.metrics.MetricRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.StorageProtocol;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.server.grpc.RequestIdInterceptor;
import io.purebridge.server.grpc.RpcMetricsInterceptor;
import io.purebridge.server.grpc.StatusMapper;
import io.purebridge.server.grpc.VolumeDriverGrpcService;
import io.purebridge.server.metrics.ArraysCollector;
import io.purebridge.server.metrics.BackendStatsRecorder;
import io.purebridge.server.metrics.MetricsEndpoint;
import io.purebridge.v1.CreateVolumeRequest;
import io.purebridge.v1.DeleteVolumeRequest;
import io.purebridge.v1.GetVolumeStatsRequest;
import io.purebridge.v1.Volume;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import io.purebridge.v1.VolumeDriverServiceGrpc.VolumeDriverServiceBlockingStub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What observability costs the data path. The same VolumeDriverService over in-process gRPC with
 * direct executors, so a whole call (client stub, interceptors, service, engine, simulated array)
 * runs on the calling thread: bare, and observed (RPC metrics with histogram buckets, request id
 * into the MDC and back, backend stats recorder). The figure is CPU time of the calling thread per
 * call, which a busy shared machine disturbs far less than wall-clock time. A second bare wiring
 * measures the noise floor (two identical wirings differ by a few percent: JIT and cache luck);
 * rounds rotate the three wirings' order, each figure is the median of the per-round ratios to the
 * first bare wiring, and the cost is reported net of the floor. A scrape's CPU (collect
 * everything and write the text format) is measured on its own and charged at one scrape a
 * second, 15 times Prometheus' usual rate, against one core. In-process is the worst case: over the
 * shim's unix socket every call also pays the transport, and the share of observability is smaller:
 * the second part measures that, as calls per second over TCP from several callers.
 * Not a test: {@code bench/java-bench.sh} (make bench) runs it; arguments: [rounds (9)] [ms per
 * round (1500)].
 */
public final class MetricsOverheadBench {
    private static final String TOKEN = "bench-metrics-token";
    private static final String BACKEND = "bench-1";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private MetricsOverheadBench() {
    }

    private record Wiring(Server server, ManagedChannel channel, VolumeDriverServiceBlockingStub stub)
            implements AutoCloseable {
        @Override
        public void close() {
            try {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private interface Workload {
        void run(VolumeDriverServiceBlockingStub stub, int calls);
    }

    /** Calls made and the calling thread's CPU and wall time for them. */
    private record Round(long calls, long cpuNanos, long wallNanos) {
        double cpuNanosPerCall() {
            return (double) cpuNanos / calls;
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        int roundMillis = args.length > 1 ? Integer.parseInt(args[1]) : 1500;
        Path dir = Files.createTempDirectory("pb-metrics-bench");
        try (SimulatedArrayHost host = new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("bench-a", TOKEN)),
                Clock.systemUTC())) {
            ArrayBackendRegistry registry = new ArrayBackendRegistry(host);
            registry.register(new BackendConfig(BACKEND, StorageProtocol.ISCSI, Map.of("san_ip", "sim://bench-a",
                    "pure_api_token", TOKEN, "volume_backend_name", BACKEND), List.of(), ""));
            VolumeDriverGrpcService service = new VolumeDriverGrpcService(registry, new StatusMapper());
            MetricRegistry dropwizard = new MetricRegistry();
            BackendStatsRecorder backends = new BackendStatsRecorder(Clock.systemUTC());
            Map<String, FlashArray> arrays = Map.of("bench-a", host.open("bench-a", TOKEN));
            List<MultiCollector> collectors = new ArrayList<>(MetricsEndpoint.simulatedArrayCollectors(
                    new ArraysCollector(() -> arrays), host.replication()));
            collectors.add(backends);
            PrometheusRegistry prometheus = MetricsEndpoint.registry(dropwizard, collectors);
            try (Wiring bare = wire(ServerInterceptors.intercept(service));
                    Wiring control = wire(ServerInterceptors.intercept(service));
                    Wiring observed = wire(ServerInterceptors.intercept(service, backends,
                            new RpcMetricsInterceptor(dropwizard), new RequestIdInterceptor()))) {
                Map<String, Workload> workloads = new LinkedHashMap<>();
                workloads.put("GetVolumeStats", MetricsOverheadBench::stats);
                workloads.put("CreateVolume+DeleteVolume", MetricsOverheadBench::createDelete);
                double scrapeCpuNanos = scrapeCpuNanos(prometheus);
                double scrapeShare = scrapeCpuNanos / TimeUnit.SECONDS.toNanos(1);
                for (Map.Entry<String, Workload> w : workloads.entrySet()) {
                    List<Wiring> wirings = List.of(bare, control, observed);
                    for (int warm = 0; warm < 2; warm++) {
                        for (Wiring wiring : wirings) {
                            round(w.getValue(), wiring.stub(), roundMillis);
                        }
                    }
                    List<Double> observedRatios = new ArrayList<>();
                    List<Double> controlRatios = new ArrayList<>();
                    List<Double> bareCpu = new ArrayList<>();
                    List<Double> observedCpu = new ArrayList<>();
                    for (int round = 0; round < rounds; round++) {
                        Round[] r = new Round[3];
                        // Every wiring takes every position in turn: none always runs first or last.
                        for (int k = 0; k < 3; k++) {
                            int which = (round + k) % 3;
                            r[which] = round(w.getValue(), wirings.get(which).stub(), roundMillis);
                        }
                        bareCpu.add(r[0].cpuNanosPerCall());
                        observedCpu.add(r[2].cpuNanosPerCall());
                        controlRatios.add(r[1].cpuNanosPerCall() / r[0].cpuNanosPerCall());
                        observedRatios.add(r[2].cpuNanosPerCall() / r[0].cpuNanosPerCall());
                    }
                    double floor = (median(controlRatios) - 1) * 100;
                    double perCall = (median(observedRatios) - 1) * 100;
                    System.out.printf(Locale.ROOT, "metrics overhead, %-26s CPU per call bare %7.1f us, observed %7.1f us"
                            + " (%+.2f us; medians of %d rotating rounds of %d ms)%n", w.getKey(), median(bareCpu) / 1e3,
                            median(observedCpu) / 1e3, (median(observedCpu) - median(bareCpu)) / 1e3, rounds,
                            roundMillis);
                    System.out.printf(Locale.ROOT, "metrics overhead, %-26s throughput cost %+.2f%% per call (a second"
                            + " bare wiring, the noise floor: %+.2f%%) + %.2f%% for a scrape a second = %+.2f%% net of"
                            + " the floor (budget 2%%)%n", w.getKey(), perCall, floor, scrapeShare * 100,
                            perCall - floor + scrapeShare * 100);
                }
                System.out.printf(Locale.ROOT, "metrics overhead: one scrape (%d bytes) costs %.2f ms of CPU%n",
                        scrapeBytes(prometheus), scrapeCpuNanos / 1e6);
            }
            try (Wiring bare = wireTcp(ServerInterceptors.intercept(service));
                    Wiring control = wireTcp(ServerInterceptors.intercept(service));
                    Wiring observed = wireTcp(ServerInterceptors.intercept(service, backends,
                            new RpcMetricsInterceptor(dropwizard), new RequestIdInterceptor()))) {
                throughput("GetVolumeStats", MetricsOverheadBench::stats, List.of(bare, control, observed),
                        rounds, roundMillis, prometheus);
                throughput("CreateVolume+DeleteVolume", MetricsOverheadBench::createDelete,
                        List.of(bare, control, observed), rounds, roundMillis, prometheus);
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void stats(VolumeDriverServiceBlockingStub stub, int calls) {
        GetVolumeStatsRequest request = GetVolumeStatsRequest.newBuilder().setBackendName(BACKEND).build();
        for (int i = 0; i < calls; i++) {
            stub.getVolumeStats(request);
        }
    }

    private static void createDelete(VolumeDriverServiceBlockingStub stub, int calls) {
        for (int i = 0; i < calls / 2; i++) {
            String id = UUID.randomUUID().toString();
            Volume volume = Volume.newBuilder().setId(id).setNameId(id).setName("volume-" + id).setSizeGib(1).build();
            stub.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND).setVolume(volume).build());
            stub.deleteVolume(DeleteVolumeRequest.newBuilder().setBackendName(BACKEND).setVolume(volume).build());
        }
    }

    /** Calls in batches of 50 for {@code millis}. */
    private static Round round(Workload workload, VolumeDriverServiceBlockingStub stub, long millis) {
        long calls = 0;
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
        long now;
        do {
            workload.run(stub, 50);
            calls += 50;
            now = System.nanoTime();
        } while (now < end);
        return new Round(calls, THREADS.getCurrentThreadCpuTime() - cpu0, now - start);
    }

    /**
     * Calls per second over a real transport (Netty on loopback, the service's own executor), from
     * {@link #CLIENTS} threads at once as a busy cinder-volume calls, while the observed wiring is
     * scraped once a second: the throughput an operator would lose. Same rotation and noise floor.
     */
    private static void throughput(String name, Workload workload, List<Wiring> wirings, int rounds,
            int roundMillis, PrometheusRegistry prometheus) throws Exception {
        for (int warm = 0; warm < 2; warm++) {
            for (Wiring wiring : wirings) {
                callsPerSecond(workload, wiring, roundMillis, null);
            }
        }
        List<Double> observedRatios = new ArrayList<>();
        List<Double> controlRatios = new ArrayList<>();
        List<Double> bareRates = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            double[] rate = new double[3];
            for (int k = 0; k < 3; k++) {
                int which = (round + k) % 3;
                rate[which] = callsPerSecond(workload, wirings.get(which), roundMillis, which == 2 ? prometheus : null);
            }
            bareRates.add(rate[0]);
            controlRatios.add(rate[1] / rate[0]);
            observedRatios.add(rate[2] / rate[0]);
        }
        double floor = (1 - median(controlRatios)) * 100;
        double cost = (1 - median(observedRatios)) * 100;
        System.out.printf(Locale.ROOT, "metrics overhead, %-26s over TCP, %d callers: bare %.0f calls/s, observed"
                + " and scraped each second %.0f calls/s: throughput cost %+.2f%% (noise floor %+.2f%%; budget 2%%)%n",
                name, CLIENTS, median(bareRates), median(bareRates) * median(observedRatios), cost, floor);
    }

    private static final int CLIENTS = 4;

    private static double callsPerSecond(Workload workload, Wiring wiring, long millis, PrometheusRegistry scraped)
            throws Exception {
        java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Thread caller = new Thread(() -> {
                while (System.nanoTime() < end) {
                    workload.run(wiring.stub(), 10);
                    calls.addAndGet(10);
                }
            }, "bench-caller-" + c);
            caller.start();
            callers.add(caller);
        }
        long start = System.nanoTime();
        long nextScrape = start;
        while (scraped != null && System.nanoTime() < end) {
            if (System.nanoTime() >= nextScrape) {
                scrapeBytes(scraped);
                nextScrape += TimeUnit.SECONDS.toNanos(1);
            }
            Thread.sleep(10);
        }
        for (Thread caller : callers) {
            caller.join();
        }
        return calls.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static Wiring wireTcp(ServerServiceDefinition service) throws IOException {
        Server server = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
                .forAddress(new java.net.InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        ManagedChannel channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
                .forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        Metadata headers = new Metadata();
        headers.put(RequestIdInterceptor.HEADER, "req-" + UUID.randomUUID());
        return new Wiring(server, channel, VolumeDriverServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)));
    }

    /** Median CPU of one scrape: collect every family and write the Prometheus text format. */
    private static double scrapeCpuNanos(PrometheusRegistry registry) throws IOException {
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            scrapeBytes(registry);
            if (i >= 50) {
                samples.add((double) (THREADS.getCurrentThreadCpuTime() - cpu0));
            }
        }
        return median(samples);
    }

    private static int scrapeBytes(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 << 10);
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.size();
    }

    private static Wiring wire(ServerServiceDefinition service) throws IOException {
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        Metadata headers = new Metadata();
        headers.put(RequestIdInterceptor.HEADER, "req-" + UUID.randomUUID());
        return new Wiring(server, channel, VolumeDriverServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)));
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
