package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayConnector;
import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.offload.OffloadTargets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends cinder-volume hosts registered, in memory (cinder.conf is the one source of truth;
 * the shim registers again after a service restart).
 *
 * <p>Registration is all-or-nothing: options are parsed, the primary and every replication target
 * are reached through the {@link ArrayConnector} (tokens checked), and only then is the backend
 * stored, replacing an earlier registration of the same name.
 */
public final class ArrayBackendRegistry implements BackendRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ArrayBackendRegistry.class);
    private static final String CHAP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int CHAP_SECRET_LENGTH = 16;
    private static final Duration DEFAULT_SHIP_EVERY = Duration.ofSeconds(60);

    private final ArrayConnector connector;
    private final Supplier<String> uuidHex;
    private final Supplier<String> chapSecrets;
    private final Map<String, GroupRouting> backends = new ConcurrentHashMap<>();
    /** The primary array's name per backend, as last reached (a failover may find it down). */
    private final Map<String, String> primaryNames = new ConcurrentHashMap<>();
    private final Map<String, BackendSummary> summaries = new ConcurrentHashMap<>();
    private final KeyedLocks failoverLocks = new KeyedLocks(16);
    private final OffloadTargets offloadTargets;
    private final OffloadShipper offloadShipper;
    /** How often scheduled offload snapshots are shipped and retention swept (zero: only on demand). */
    private final Duration shipEvery;

    public ArrayBackendRegistry(ArrayConnector connector) {
        this(connector, OffloadTargets.none());
    }

    /** @param offloadTargets where volume types and snapshots may be offloaded to (CloudSnap) */
    public ArrayBackendRegistry(ArrayConnector connector, OffloadTargets offloadTargets) {
        this(connector, () -> UUID.randomUUID().toString().replace("-", ""), randomSecrets(new SecureRandom()),
                offloadTargets, DEFAULT_SHIP_EVERY);
    }

    /**
     * @param uuidHex random uuid4 hex for host names
     * @param chapSecrets new CHAP secrets
     */
    public ArrayBackendRegistry(ArrayConnector connector, Supplier<String> uuidHex, Supplier<String> chapSecrets) {
        this(connector, uuidHex, chapSecrets, OffloadTargets.none(), Duration.ZERO);
    }

    /**
     * @param shipEvery how often the {@link #offloadShipper()} runs on its own once a backend
     *     registered (zero: never; tests call {@link OffloadShipper#runOnce()})
     */
    ArrayBackendRegistry(ArrayConnector connector, Supplier<String> uuidHex, Supplier<String> chapSecrets,
            OffloadTargets offloadTargets, Duration shipEvery) {
        this.connector = connector;
        this.uuidHex = uuidHex;
        this.chapSecrets = chapSecrets;
        this.offloadTargets = Objects.requireNonNull(offloadTargets, "offloadTargets");
        this.shipEvery = shipEvery;
        this.offloadShipper = new OffloadShipper(() -> backends.values().stream().map(GroupRouting::primary).toList(),
                offloadTargets);
    }

    /** The offload targets backends may use. */
    public OffloadTargets offloadTargets() {
        return offloadTargets;
    }

    /** Ships the offload groups' scheduled snapshots and sweeps retention (on its own every minute). */
    public OffloadShipper offloadShipper() {
        return offloadShipper;
    }

    @Override
    public RegisteredBackend register(BackendConfig config) {
        BackendOptions options = BackendOptionsParser.parse(config);
        FlashArray primary;
        ArrayInfo primaryInfo;
        try {
            primary = connector.connect(options.primaryEndpoint());
            primaryInfo = primary.arrayInfo();
        } catch (EngineException e) {
            if (e.code() != ErrorCode.UNAVAILABLE || options.activeBackendId() == null) {
                throw e;
            }
            // Failed over because the primary is down: the backend comes up on its target.
            LOG.warn("{}: primary array {} is unreachable; coming up failed over to '{}': {}",
                    options.backendName(), options.sanIp(), options.activeBackendId(), e.getMessage());
            primary = null;
            primaryInfo = null;
        }
        FlashArray active = primary;
        ArrayInfo activeInfo = primaryInfo;
        List<ReplicationSetup.Target> reachable = new ArrayList<>();
        List<String> reachedIds = new ArrayList<>();
        List<FlashArray> uniform = new ArrayList<>();
        boolean replicationCapable = primary == null || primary instanceof ReplicationArray;
        for (ReplicationTarget target : options.replicationTargets()) {
            FlashArray targetArray;
            ArrayInfo targetInfo;
            try {
                targetArray = connector.connect(target.endpoint());
                targetInfo = targetArray.arrayInfo();
            } catch (EngineException e) {
                boolean serving = target.backendId().equals(options.activeBackendId());
                if (e.code() == ErrorCode.UNAVAILABLE && !serving) {
                    // As upstream since bug #1969784: a DR array that is down must not keep the
                    // primary backend from starting. Bad tokens and unknown arrays still fail.
                    LOG.warn("{}: replication_device '{}' ({}) is unreachable and is skipped until the next"
                            + " registration: {}", options.backendName(), target.backendId(), target.sanIp(),
                            e.getMessage());
                    continue;
                }
                throw new EngineException(e.code(), e.reason(), "replication_device '" + target.backendId()
                        + "' (" + target.sanIp() + "): " + e.getMessage(), e);
            }
            if (primaryInfo != null && targetInfo.id().equals(primaryInfo.id())) {
                throw EngineException.invalidArgument("INVALID_REPLICATION_DEVICE", "replication_device '"
                        + target.backendId() + "': " + target.sanIp() + " reaches the primary array "
                        + primaryInfo.name() + " itself; a target must be another array.");
            }
            reachedIds.add(target.backendId());
            if (target.backendId().equals(options.activeBackendId())) {
                active = targetArray;
                activeInfo = targetInfo;
            }
            if (targetArray instanceof ReplicationArray r) {
                reachable.add(new ReplicationSetup.Target(target, targetInfo, r));
                if (target.type() == ReplicationType.SYNC && target.uniform()) {
                    uniform.add(targetArray);
                }
            } else {
                replicationCapable = false;
            }
        }
        ReplicationArray replication = null;
        FailedOverPlacement placement = FailedOverPlacement.NOT_FAILED_OVER;
        if (options.replicationConfigured() && replicationCapable && options.activeBackendId() == null) {
            replication = (ReplicationArray) primary;
            ReplicationSetup.run(options, primaryInfo, replication, reachable);
        } else if (options.activeBackendId() != null && replicationCapable && active instanceof ReplicationArray r) {
            replication = r;
            placement = failedOverPlacement(options, activeInfo, r, primary, primaryInfo);
            // Uniform attach belongs to the primary's pod layout; while failed over, hosts attach here only.
            uniform = List.of();
        }
        if (primaryInfo != null) {
            primaryNames.put(options.backendName(), primaryInfo.name());
        }
        ArrayCinderBackend backend = new ArrayCinderBackend(options, active, activeInfo, uuidHex, chapSecrets,
                replication, uniform, reachable, reachedIds, placement, offloadTargets);
        // Volumes of a group failed over on its own live on a target: their calls go there.
        Map<String, CinderBackend> onTargets = new java.util.HashMap<>();
        if (options.activeBackendId() == null) {
            for (ReplicationSetup.Target t : reachable) {
                onTargets.put(t.info().name(), new ArrayCinderBackend(options, (FlashArray) t.replication(), t.info(),
                        uuidHex, chapSecrets));
            }
        }
        GroupRouting previous = backends.put(options.backendName(), new GroupRouting(backend, onTargets));
        offloadShipper.start(shipEvery);
        summaries.put(options.backendName(), summary(options, primaryInfo, activeInfo, reachable));
        LOG.info("{}: {} backend on array {} ({} replication targets reached, active {})", options.backendName(),
                previous == null ? "registered" : "re-registered", activeInfo.name(),
                reachedIds.size(), options.activeBackendId() == null ? "primary" : options.activeBackendId());
        return new RegisteredBackend(activeInfo.name(), activeInfo.id(),
                options.activeBackendId() == null ? "" : options.activeBackendId());
    }

    private static BackendSummary summary(BackendOptions options, ArrayInfo primaryInfo, ArrayInfo activeInfo,
            List<ReplicationSetup.Target> reachable) {
        List<BackendSummary.Target> targets = new ArrayList<>();
        boolean sync = false;
        boolean async = false;
        for (ReplicationTarget target : options.replicationTargets()) {
            String arrayName = reachable.stream().filter(r -> r.device().backendId().equals(target.backendId()))
                    .map(r -> r.info().name()).findFirst().orElse(null);
            targets.add(new BackendSummary.Target(target.backendId(), target.type(), arrayName));
            sync |= target.type() == ReplicationType.SYNC;
            async |= target.type() == ReplicationType.ASYNC;
        }
        List<String> groups = new ArrayList<>();
        if (async) {
            groups.add(options.replicationPgName());
            if (sync && options.trisyncEnabled()) {
                groups.add(ArrayNames.inPod(options.replicationPodName(), options.trisyncPgName()));
            }
        }
        return new BackendSummary(options.backendName(), primaryInfo == null ? null : primaryInfo.name(),
                options.activeBackendId(), activeInfo.name(), sync ? options.replicationPodName() : null,
                groups, targets);
    }

    @Override
    public List<BackendSummary> backendSummaries() {
        return summaries.values().stream().sorted(java.util.Comparator.comparing(BackendSummary::backendName))
                .toList();
    }

    /**
     * The failed-over backend's placement on the serving array: the pod if it serves it (a sync
     * target), and the failback group, protected to the primary when that answers.
     */
    private static FailedOverPlacement failedOverPlacement(BackendOptions options, ArrayInfo servingInfo,
            ReplicationArray serving, FlashArray primary, ArrayInfo primaryInfo) {
        ReplicationTarget target = options.target(options.activeBackendId()).orElseThrow();
        boolean pod = target.type() == ReplicationType.SYNC && serving.findPod(options.replicationPodName())
                .map(p -> p.arrays().stream().anyMatch(a -> a.arrayName().equals(servingInfo.name())))
                .orElse(false);
        try {
            FailbackGroup.ensure(options, serving, servingInfo.name(),
                    primary instanceof ReplicationArray p ? p : null, primaryInfo == null ? null : primaryInfo.name());
        } catch (EngineException e) {
            LOG.warn("{}: failback group on {} not ready ({}); volumes created while failed over are protected"
                    + " back at failback", options.backendName(), servingInfo.name(), e.getMessage());
        }
        return new FailedOverPlacement(options.activeBackendId(), pod);
    }

    /**
     * Cinder's failover (storage side) for a registered backend; the switch to the new array is the
     * registration with the new active_backend_id that follows ({@code failover_completed}, or a
     * cinder-volume restarted with it: one path for both).
     */
    @Override
    public FailoverResult failover(String backendName, FailoverRequest request) {
        // One failover or failback per backend at a time in this service (a retried command must
        // not interleave its copies with the first attempt's).
        java.util.concurrent.locks.ReentrantLock lock = failoverLocks.lockFor(backendName);
        lock.lock();
        try {
            ArrayCinderBackend backend = routing(backendName).primary();
            return new BackendFailover(backend.options(), connector, primaryNames.get(backendName)).failover(request);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public DrTest drTest(String backendName) {
        ArrayCinderBackend backend = routing(backendName).primary();
        String primaryName = primaryNames.get(backendName);
        if (primaryName == null) {
            throw EngineException.failedPrecondition("PRIMARY_UNKNOWN", "Backend " + backendName + " has not reached"
                    + " its primary array since it registered; a DR test needs the primary's name.");
        }
        return new DrTest(backend.options(), connector, primaryName);
    }

    @Override
    public FlashArray activeArray(String backendName, String apiToken) {
        ArrayCinderBackend backend = routing(backendName).primary();
        BackendOptions options = backend.options();
        String active = options.activeBackendId();
        String expected = active == null ? options.apiToken()
                : options.target(active).map(ReplicationTarget::apiToken).orElse(options.apiToken());
        byte[] given = (apiToken == null ? "" : apiToken).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8))) {
            throw new EngineException(ErrorCode.UNAUTHENTICATED, "INVALID_API_TOKEN", "The API token given for backend "
                    + backendName + " is not the one of the array it writes now ("
                    + (active == null ? "pure_api_token" : "the api_token of replication_device '" + active + "'")
                    + " in its section).");
        }
        return backend.array();
    }

    @Override
    public String primaryArrayId(BackendConfig config) {
        return connector.connect(BackendOptionsParser.parse(config).primaryEndpoint()).arrayInfo().id();
    }

    @Override
    public CinderBackend backend(String backendName) {
        return routing(backendName);
    }

    private GroupRouting routing(String backendName) {
        GroupRouting backend = backends.get(backendName);
        if (backend == null) {
            throw EngineException.failedPrecondition("BACKEND_NOT_REGISTERED", "Backend " + backendName
                    + " is not registered with this service (it may have restarted); the driver registers it again"
                    + " on its next do_setup.");
        }
        return backend;
    }

    static Supplier<String> randomSecrets(SecureRandom random) {
        return () -> {
            StringBuilder secret = new StringBuilder(CHAP_SECRET_LENGTH);
            for (int i = 0; i < CHAP_SECRET_LENGTH; i++) {
                secret.append(CHAP_ALPHABET.charAt(random.nextInt(CHAP_ALPHABET.length())));
            }
            return secret.toString();
        };
    }
}
