package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 loses nothing acknowledged: a child JVM writes and acknowledges, the test kills it at a
 * random point with destroyForcibly(), reopens the store and reads every acknowledged write back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimulatedFlashArrayCrashTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        Random random = new Random();
        for (int round = 0; round < 3; round++) {
            Path store = dir.resolve("round" + round);
            int killAfter = 2 + random.nextInt(40);
            int acked = runAndKill(store, killAfter);
            assertThat(acked).as("child acknowledged writes").isGreaterThanOrEqualTo(killAfter);
            try (SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of("crash", "t"), store,
                    Clock.systemUTC())) {
                for (int n = 0; n < acked; n++) {
                    assertThat(array.read("data", CrashWriter.offset(n), CrashWriter.length(n)))
                            .as("write %d of %d acknowledged (round %d)", n, acked, round)
                            .isEqualTo(CrashWriter.data(n));
                    if (n % 4 == 3) {
                        assertThat(array.read("data.s" + n, CrashWriter.offset(n), CrashWriter.length(n)))
                                .isEqualTo(CrashWriter.data(n));
                    }
                }
                assertThat(array.checkConsistency()).as("round %d", round).isEmpty();
                // the store stays usable after the crash
                array.write("data", 0, new byte[] {42});
                assertThat(array.read("data", 0, 1)).containsExactly(42);
            }
        }
    }

    /**
     * Writers acknowledged out of order, their commits appended while others wait for the disk:
     * after kill -9 every acknowledged write of every writer reads back, and the store is
     * consistent (shared pages, shared chunks).
     */
    @Test
    void concurrentWritersLoseNothingAcknowledgedToKillNine() throws Exception {
        Random random = new Random();
        for (int round = 0; round < 2; round++) {
            Path store = dir.resolve("concurrent" + round);
            int killAfter = 40 + random.nextInt(400);
            List<String> acks = ChildJvm.runAndKillCollecting(ConcurrentCrashWriter.class, store, killAfter);
            assertThat(acks).as("child acknowledged writes").hasSizeGreaterThanOrEqualTo(killAfter);
            try (SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of("crash", "t"), store,
                    Clock.systemUTC())) {
                for (String ack : acks) {
                    String[] parts = ack.split(" ");
                    int writer = Integer.parseInt(parts[1]);
                    int i = Integer.parseInt(parts[2]);
                    assertThat(array.read("data", ConcurrentCrashWriter.offset(writer, i),
                            ConcurrentCrashWriter.REGION)).as("writer %d write %d (round %d)", writer, i, round)
                            .isEqualTo(ConcurrentCrashWriter.data(writer, i));
                }
                assertThat(array.checkConsistency()).as("round %d", round).isEmpty();
            }
        }
    }

    /** Starts the child, kills it right after its {@code killAfter}th ACK; returns ACKs seen. */
    private static int runAndKill(Path store, int killAfter) throws Exception {
        int acked = ChildJvm.runAndKill(CrashWriter.class, store, killAfter);
        assertThat(new File(store.toFile(), "CURRENT")).exists();
        return acked;
    }
}
