package io.purebridge.engine.replication;

import io.purebridge.engine.sim.ReplicationControls;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every wiring of the replication scenarios shares: the three simulated arrays in one host on
 * a manual clock, the host's controls, clock and fsck, and a restart that closes the wiring and the
 * host and opens both again on the same data directory. A wiring adds only how the scenarios reach
 * the arrays (in process, gRPC, REST) in {@link #openWiring()}, {@link #closeWiring()} and
 * {@link #array(String)}; its constructor calls {@link #open()} last, once its own fields are set.
 */
public abstract class SimulatedReplicationWorld implements ReplicationWorld {
    public static final Map<String, String> TOKENS = new LinkedHashMap<>();

    static {
        TOKENS.put("pure-a", "tok-a-0123456789");
        TOKENS.put("pure-b", "tok-b-0123456789");
        TOKENS.put("pure-c", "tok-c-0123456789");
    }

    protected final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
    private final Path hostDir;
    private SimulatedArrayHost host;

    /** @param hostDir where the arrays keep their data (the same across restarts) */
    protected SimulatedReplicationWorld(Path hostDir) {
        this.hostDir = hostDir;
    }

    protected final void open() {
        host = new SimulatedArrayHost(hostDir, TOKENS.entrySet().stream()
                .map(e -> SimulatedArrayConfig.of(e.getKey(), e.getValue())).toList(), clock);
        try {
            openWiring();
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
    }

    /** Starts what the scenarios reach the host through; the host is open. */
    protected void openWiring() {
    }

    /** Stops what {@link #openWiring()} started; the host closes after. */
    protected void closeWiring() {
    }

    protected final SimulatedArrayHost host() {
        return host;
    }

    /** The engine object of an array, logged in with its token. */
    protected final SimulatedFlashArray simulated(String name) {
        return host.open(name, TOKENS.get(name));
    }

    @Override
    public ReplicationControls controls() {
        return host.replication();
    }

    @Override
    public void advanceClock(Duration d) {
        clock.advance(d);
    }

    @Override
    public List<String> consistencyProblems() {
        return host.checkConsistency();
    }

    @Override
    public long nowMillis() {
        return clock.millis();
    }

    @Override
    public synchronized void restart() {
        close();
        open();
    }

    @Override
    public synchronized void close() {
        try {
            closeWiring();
        } finally {
            host.close();
        }
    }
}
