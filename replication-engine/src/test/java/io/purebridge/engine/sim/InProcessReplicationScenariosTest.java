package io.purebridge.engine.sim;

import io.purebridge.engine.replication.ReplicationScenarios;
import io.purebridge.engine.replication.ReplicationWorld;
import io.purebridge.engine.replication.SimulatedReplicationWorld;
import java.nio.file.Path;
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

    /** The engine objects themselves; restart reopens the same data directory. */
    static final class InProcessWorld extends SimulatedReplicationWorld {
        InProcessWorld(Path dir) {
            super(dir);
            open();
        }

        @Override
        public ArrayUnderTest array(String name) {
            SimulatedFlashArray a = simulated(name);
            return new ArrayUnderTest(name, a, a, a);
        }
    }
}
