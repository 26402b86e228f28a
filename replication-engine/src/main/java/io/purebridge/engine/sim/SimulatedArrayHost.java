package io.purebridge.engine.sim;

import io.purebridge.engine.PeriodicTimer;
import io.purebridge.engine.PeriodicTimer.OnClose;
import io.purebridge.engine.array.ArrayConnector;
import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated arrays one service hosts, each in its own RocksDB under {@code dataDir/<name>/}
 * (one DB per array keeps arrays independent: one can be wiped or copied without the others).
 *
 * <p>Connector for {@code sim://NAME} endpoints; compose it with the REST connector through
 * {@link io.purebridge.engine.array.ArrayDirectory}. Thread-safe.
 */
public final class SimulatedArrayHost implements ArrayConnector, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedArrayHost.class);

    private final Map<String, SimulatedFlashArray> arrays = new LinkedHashMap<>();
    /** Automatic eradication and the replication heartbeat; null when eradication is off. */
    private final PeriodicTimer timer;
    private final ReplicationFabric fabric;
    /** Link, mediator and pod status file beside the arrays' directories. */
    static final String FABRIC_STATE_FILE = "replication-fabric.json";
    /** 32 KiB blocks: 4096 per heartbeat is 128 MiB of resync per second with the default period. */
    static final int RESYNC_BLOCKS_PER_TICK = 4096;
    /** With background threads on, the replication network beats once a second. */
    static final long REPLICATION_HEARTBEAT_MS = 1000;

    /** Opens every configured array; no background eradication (call {@link #eradicateExpired()}). */
    public SimulatedArrayHost(Path dataDir, Collection<SimulatedArrayConfig> configs, Clock clock) {
        this(dataDir, configs, clock, Duration.ZERO);
    }

    /**
     * @param eradicationCheckPeriod how often a daemon thread eradicates expired objects; zero for
     *     no background threads at all (tests drive {@link #eradicateExpired()} and
     *     {@code replication().tick()} with their own clock); otherwise the same thread also runs the
     *     replication heartbeat every second
     */
    public SimulatedArrayHost(Path dataDir, Collection<SimulatedArrayConfig> configs, Clock clock,
            Duration eradicationCheckPeriod) {
        this(dataDir, configs, clock, eradicationCheckPeriod, RESYNC_BLOCKS_PER_TICK);
    }

    /** @param resyncBlocksPerTick how many changed blocks one heartbeat copies to a resyncing pod array */
    SimulatedArrayHost(Path dataDir, Collection<SimulatedArrayConfig> configs, Clock clock,
            Duration eradicationCheckPeriod, int resyncBlocksPerTick) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clock, "clock");
        try {
            for (SimulatedArrayConfig config : configs) {
                if (arrays.containsKey(config.name())) {
                    throw new IllegalArgumentException("simulated array " + config.name() + " is configured twice");
                }
                arrays.put(config.name(), new SimulatedFlashArray(config, dataDir.resolve(config.name()), clock));
            }
        } catch (RuntimeException e) {
            arrays.values().forEach(SimulatedFlashArray::close);
            throw e;
        }
        try {
            Map<String, ReplicaStore> stores = new java.util.LinkedHashMap<>();
            arrays.forEach((name, array) -> stores.put(name, array.replicaStore()));
            fabric = new ReplicationFabric(stores, dataDir.resolve(FABRIC_STATE_FILE), clock, resyncBlocksPerTick);
            arrays.values().forEach(a -> a.attachFabric(fabric));
        } catch (RuntimeException e) {
            arrays.values().forEach(SimulatedFlashArray::close);
            throw e;
        }
        if (eradicationCheckPeriod.isZero() || eradicationCheckPeriod.isNegative()) {
            timer = null;
        } else {
            timer = PeriodicTimer.named("sim-eradicator", OnClose.INTERRUPT_RUN, LOG)
                    .every(eradicationCheckPeriod, "sim-host: automatic eradication", this::eradicateExpired)
                    // The replication heartbeat: pre-election, resync steps, schedules and transfers.
                    .every(Duration.ofMillis(REPLICATION_HEARTBEAT_MS), "sim-host: replication heartbeat", fabric::tick);
        }
        LOG.info("sim-host: serving simulated arrays {} from {}", arrays.keySet(), dataDir);
    }

    /**
     * The array named {@code name}, after checking its token.
     *
     * @throws EngineException NOT_FOUND (ARRAY_NOT_FOUND) or UNAUTHENTICATED (INVALID_API_TOKEN)
     */
    public SimulatedFlashArray open(String name, String apiToken) {
        SimulatedFlashArray array = arrays.get(name);
        if (array == null) {
            throw EngineException.notFound("ARRAY_NOT_FOUND", "Simulated array '" + name
                    + "' does not exist; this service hosts " + arrays.keySet()
                    + ". Simulated arrays are defined in the [arrays] section of the service config.");
        }
        byte[] expected = array.config().apiToken().getBytes(StandardCharsets.UTF_8);
        byte[] given = (apiToken == null ? "" : apiToken).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new EngineException(ErrorCode.UNAUTHENTICATED, "INVALID_API_TOKEN",
                    "The API token for simulated array '" + name + "' was refused; set pure_api_token (or the replication_device api_token) to the token"
                    + " the service config gives that array.");
        }
        return array;
    }

    @Override
    public FlashArray connect(ArrayEndpoint endpoint) {
        if (!endpoint.isSimulated()) {
            throw EngineException.invalidArgument("NOT_A_SIMULATED_ARRAY", "Endpoint " + endpoint.sanIp()
                    + " is not a simulated array (sim://NAME); route it to the REST connector.");
        }
        return open(endpoint.simulatedArrayName(), endpoint.apiToken());
    }

    /** Names of the hosted arrays, in config order. */
    public List<String> arrayNames() {
        return new ArrayList<>(arrays.keySet());
    }

    /**
     * Recounts every hosted array's block references and space from its block maps (an fsck;
     * stopped arrays too) and compares them with what it stores.
     *
     * @return the problems found, prefixed with the array's name; empty when every array is consistent
     */
    public List<String> checkConsistency() {
        List<String> problems = new ArrayList<>();
        arrays.forEach((name, array) -> array.checkConsistency().forEach(p -> problems.add(name + ": " + p)));
        return problems;
    }

    /** Eradicates expired destroyed objects on every array; returns how many went. */
    public int eradicateExpired() {
        int n = 0;
        for (SimulatedFlashArray array : arrays.values()) {
            n += array.eradicateExpired();
        }
        return n;
    }

    /** Operator controls and status of the replication network between these arrays. */
    public ReplicationControls replication() {
        return fabric;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.close();
        }
        fabric.close();
        arrays.values().forEach(SimulatedFlashArray::close);
    }
}
