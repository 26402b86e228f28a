package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayConnector;
import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    private final ArrayConnector connector;
    private final Supplier<String> uuidHex;
    private final Supplier<String> chapSecrets;
    private final Map<String, ArrayCinderBackend> backends = new ConcurrentHashMap<>();

    public ArrayBackendRegistry(ArrayConnector connector) {
        this(connector, () -> UUID.randomUUID().toString().replace("-", ""), randomSecrets(new SecureRandom()));
    }

    /**
     * @param uuidHex random uuid4 hex for host names
     * @param chapSecrets new CHAP secrets
     */
    public ArrayBackendRegistry(ArrayConnector connector, Supplier<String> uuidHex, Supplier<String> chapSecrets) {
        this.connector = connector;
        this.uuidHex = uuidHex;
        this.chapSecrets = chapSecrets;
    }

    @Override
    public RegisteredBackend register(BackendConfig config) {
        BackendOptions options = BackendOptionsParser.parse(config);
        FlashArray primary = connector.connect(options.primaryEndpoint());
        ArrayInfo primaryInfo = primary.arrayInfo();
        FlashArray active = primary;
        ArrayInfo activeInfo = primaryInfo;
        List<ReplicationSetup.Target> reachable = new ArrayList<>();
        List<String> reachedIds = new ArrayList<>();
        List<FlashArray> uniform = new ArrayList<>();
        boolean replicationCapable = primary instanceof ReplicationArray;
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
            if (targetInfo.id().equals(primaryInfo.id())) {
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
        if (options.replicationConfigured() && replicationCapable && options.activeBackendId() == null) {
            replication = (ReplicationArray) primary;
            ReplicationSetup.run(options, primaryInfo, replication, reachable);
        }
        ArrayCinderBackend backend = new ArrayCinderBackend(options, active, activeInfo, uuidHex, chapSecrets,
                replication, uniform, reachable, reachedIds);
        ArrayCinderBackend previous = backends.put(options.backendName(), backend);
        LOG.info("{}: {} backend on array {} ({} replication targets reached, active {})", options.backendName(),
                previous == null ? "registered" : "re-registered", activeInfo.name(),
                reachedIds.size(), options.activeBackendId() == null ? "primary" : options.activeBackendId());
        return new RegisteredBackend(activeInfo.name(), activeInfo.id(),
                options.activeBackendId() == null ? "" : options.activeBackendId());
    }

    @Override
    public String primaryArrayId(BackendConfig config) {
        return connector.connect(BackendOptionsParser.parse(config).primaryEndpoint()).arrayInfo().id();
    }

    @Override
    public CinderBackend backend(String backendName) {
        CinderBackend backend = backends.get(backendName);
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
