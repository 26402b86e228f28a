package io.purebridge.engine.sim;

import io.purebridge.engine.replication.ManualClock;
import io.purebridge.engine.replication.ReplicationScenarios;
import io.purebridge.engine.replication.ReplicationWorld;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The replication scenarios against the engine in this process. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InProcessReplicationScenariosTest extends ReplicationScenarios {
    @TempDir
    Path dir;

    @Override
    protected ReplicationWorld newWorld() {
        return new InProcessWorld(dir);
    }

    /** Three simulated arrays in one host; restart reopens the same data directory. */
    static final class InProcessWorld implements ReplicationWorld {
        private final Path dir;
        private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
        private SimulatedArrayHost host;

        InProcessWorld(Path dir) {
            this.dir = dir;
            this.host = open();
        }

        private SimulatedArrayHost open() {
            return new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("pure-a", "tok-a-0123456789"),
                    SimulatedArrayConfig.of("pure-b", "tok-b-0123456789"),
                    SimulatedArrayConfig.of("pure-c", "tok-c-0123456789")), clock);
        }

        @Override
        public ArrayUnderTest array(String name) {
            SimulatedFlashArray a = host.open(name, "tok-" + name.substring(5) + "-0123456789");
            return new ArrayUnderTest(name, a, a, a);
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
        public void restart() {
            host.close();
            host = open();
        }

        @Override
        public void close() {
            host.close();
        }
    }
}
