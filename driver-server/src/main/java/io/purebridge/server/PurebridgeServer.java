package io.purebridge.server;

import com.codahale.metrics.MetricRegistry;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.offload.OffloadJobs;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.server.config.HostPort;
import io.purebridge.server.grpc.ApiTokenInterceptor;
import io.purebridge.server.grpc.ArrayAdminGrpcService;
import io.purebridge.server.grpc.ArrayOpener;
import io.purebridge.server.grpc.DrTestGrpcService;
import io.purebridge.server.grpc.OffloadAdminGrpcService;
import io.purebridge.server.grpc.ReplicationAdminGrpcService;
import io.purebridge.server.grpc.RequestIdInterceptor;
import io.purebridge.server.grpc.RpcMetricsInterceptor;
import io.purebridge.server.grpc.StatusMapper;
import io.purebridge.server.grpc.VolumeDataGrpcService;
import io.purebridge.server.grpc.VolumeDriverGrpcService;
import io.purebridge.server.security.BackendCredentials;
import io.purebridge.server.security.CallAdmission;
import io.purebridge.server.security.CallAuthenticator;
import io.purebridge.v1.VolumeDataServiceGrpc;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC service's lifecycle: one gRPC server per {@link Listener} (unix socket, TCP, in-process),
 * each serving the VolumeDriverService and the data services (VolumeDataService, ArrayAdminService when
 * simulated arrays are hosted; behind the metrics interceptor), grpc.health.v1 and server reflection. Health turns SERVING once every listener is bound and NOT_SERVING when stopping.
 */
public final class PurebridgeServer {
    private static final Logger LOG = LoggerFactory.getLogger(PurebridgeServer.class);

    private final List<Listener> listeners;
    private final VolumeDriverGrpcService volumeDriver;
    private final RpcMetricsInterceptor metricsInterceptor;
    private final List<BindableService> dataServices;
    private final CallAuthenticator authenticator;
    private final CallAdmission admission;
    private final HealthStatusManager health = new HealthStatusManager();
    private final RequestIdInterceptor requestIds = new RequestIdInterceptor();
    private final List<Server> servers = new ArrayList<>();
    private final List<Listener> started = new ArrayList<>();
    private final List<ServerInterceptor> observers = new ArrayList<>();

    public PurebridgeServer(List<Listener> listeners, BackendRegistry registry, MetricRegistry metrics) {
        this(listeners, new VolumeDriverGrpcService(registry, new StatusMapper()), new RpcMetricsInterceptor(metrics),
                List.of(new VolumeDataGrpcService(registry, new StatusMapper())));
    }

    /** @param arrays opens the simulated arrays this service hosts, for ArrayAdminService */
    public PurebridgeServer(List<Listener> listeners, BackendRegistry registry, ArrayOpener arrays,
            MetricRegistry metrics) {
        this(listeners, new VolumeDriverGrpcService(registry, new StatusMapper()), new RpcMetricsInterceptor(metrics),
                List.of(new VolumeDataGrpcService(registry, new StatusMapper()),
                        new ArrayAdminGrpcService(arrays, new StatusMapper()),
                        new DrTestGrpcService(registry, new StatusMapper())));
    }

    /**
     * The service's wiring: the data services, ArrayAdminService and ReplicationAdminService over
     * the simulated arrays {@code host} serves.
     */
    public PurebridgeServer(List<Listener> listeners, BackendRegistry registry, SimulatedArrayHost host,
            MetricRegistry metrics) {
        this(listeners, registry, host, new OffloadJobs(OffloadTargets.none(), Clock.systemUTC()), metrics);
    }

    /**
     * The service's wiring with offload: as above, plus OffloadAdminService over {@code offloadJobs}
     * (offloads from the hosted arrays, restores to them and to registered backends' arrays).
     */
    public PurebridgeServer(List<Listener> listeners, BackendRegistry registry, SimulatedArrayHost host,
            OffloadJobs offloadJobs, MetricRegistry metrics) {
        this(listeners, new VolumeDriverGrpcService(registry, new StatusMapper()), new RpcMetricsInterceptor(metrics),
                List.of(new VolumeDataGrpcService(registry, new StatusMapper()),
                        new ArrayAdminGrpcService(host::open, new StatusMapper()),
                        new ReplicationAdminGrpcService(host::open, host::arrayNames, host.replication(),
                                registry::backendSummaries, new StatusMapper()),
                        new DrTestGrpcService(registry, new StatusMapper()),
                        new OffloadAdminGrpcService(host::open, registry, offloadJobs, new StatusMapper())));
    }

    public PurebridgeServer(List<Listener> listeners, VolumeDriverGrpcService volumeDriver,
            RpcMetricsInterceptor metricsInterceptor) {
        this(listeners, volumeDriver, metricsInterceptor, List.of());
    }

    public PurebridgeServer(List<Listener> listeners, VolumeDriverGrpcService volumeDriver,
            RpcMetricsInterceptor metricsInterceptor, List<BindableService> dataServices) {
        this(listeners, volumeDriver, metricsInterceptor, dataServices, CallAdmission.defaults());
    }

    /**
     * @param admission the bounded call executor and in-flight limit every listener shares
     */
    public PurebridgeServer(List<Listener> listeners, VolumeDriverGrpcService volumeDriver,
            RpcMetricsInterceptor metricsInterceptor, List<BindableService> dataServices, CallAdmission admission) {
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is needed");
        }
        this.listeners = List.copyOf(listeners);
        this.volumeDriver = Objects.requireNonNull(volumeDriver, "volumeDriver");
        this.metricsInterceptor = Objects.requireNonNull(metricsInterceptor, "metricsInterceptor");
        this.dataServices = List.copyOf(dataServices);
        this.authenticator = new CallAuthenticator(volumeDriver.credentials());
        this.admission = admission;
    }

    /**
     * Adds interceptors that watch the VolumeDriverService's calls (e.g. the metrics endpoint's
     * backend stats); before {@link #start}.
     */
    public synchronized PurebridgeServer observeVolumeDriver(ServerInterceptor... interceptors) {
        observers.addAll(List.of(interceptors));
        return this;
    }

    /** Binds every listener; on failure, stops those already started and rethrows. */
    public synchronized PurebridgeServer start() throws IOException {
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        health.setStatus(VolumeDriverServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
        try {
            for (Listener listener : listeners) {
                ServerBuilder<?> builder = listener.prepare();
                started.add(listener);
                // Bounded threads and admission for every service; a refused call never gets a thread.
                builder.executor(admission.dispatcher())
                        .callExecutor(admission)
                        .addStreamTracerFactory(admission.tracerFactory())
                        .intercept(admission);
                // The last interceptor runs first: the request id is set before anything logs, and
                // calls refused for want of the backend's credential (RegisterBackend issues it) are
                // counted by the metrics.
                List<ServerInterceptor> driverChain = new ArrayList<>(observers);
                driverChain.add(authenticator);
                driverChain.add(metricsInterceptor);
                driverChain.add(requestIds);
                builder.addService(ServerInterceptors.intercept(volumeDriver, driverChain));
                for (BindableService service : dataServices) {
                    boolean backendData = service.bindService().getServiceDescriptor().getName()
                            .equals(VolumeDataServiceGrpc.SERVICE_NAME);
                    builder.addService(backendData
                            ? ServerInterceptors.intercept(service, authenticator, new ApiTokenInterceptor(),
                                    metricsInterceptor, requestIds)
                            : ServerInterceptors.intercept(service, new ApiTokenInterceptor(), metricsInterceptor,
                                    requestIds));
                }
                builder                        .addService(health.getHealthService())
                        .addService(ProtoReflectionServiceV1.newInstance())
                        // v1alpha too: grpcurl and older tools still ask for it.
                        .addService(ProtoReflectionService.newInstance());
                Server server = builder.build().start();
                servers.add(server);
                listener.started(server);
                LOG.info("purebridge: listening on {}", listener.describe(server));
            }
        } catch (IOException | RuntimeException e) {
            stop(0, TimeUnit.SECONDS);
            throw e;
        }
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        health.setStatus(VolumeDriverServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
        return this;
    }

    /** The bound addresses, in listener order, e.g. {@code [unix:/x.sock, tcp 127.0.0.1:41234]}. */
    public synchronized List<String> addresses() {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            addresses.add(started.get(i).describe(servers.get(i)));
        }
        return addresses;
    }

    /** The first TCP address actually bound, if a TCP listener runs. */
    public synchronized Optional<HostPort> tcpAddress() {
        for (int i = 0; i < servers.size(); i++) {
            if (started.get(i) instanceof TcpListener) {
                return Optional.of(TcpListener.bound(servers.get(i)));
            }
        }
        return Optional.empty();
    }

    /**
     * Marks the service NOT_SERVING, stops accepting calls, waits up to {@code grace} for calls in
     * flight, then cancels the rest and releases every listener.
     */
    public synchronized void stop(long grace, TimeUnit unit) {
        health.enterTerminalState();
        servers.forEach(Server::shutdown);
        long deadline = System.nanoTime() + unit.toNanos(grace);
        for (Server server : servers) {
            try {
                long left = deadline - System.nanoTime();
                if (!server.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        started.forEach(Listener::close);
        admission.close();
        servers.clear();
        started.clear();
    }

    /** The backend credentials RegisterBackend issues and every backend call must carry. */
    public BackendCredentials credentials() {
        return volumeDriver.credentials();
    }

    /** The call admission every listener shares (for tests and metrics). */
    public CallAdmission admission() {
        return admission;
    }

    /** Blocks until every server has terminated (after {@link #stop}). */
    public void awaitTermination() throws InterruptedException {
        List<Server> running;
        synchronized (this) {
            running = List.copyOf(servers);
        }
        for (Server server : running) {
            server.awaitTermination();
        }
    }
}
