package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
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

    /** Starts the child, kills it right after its {@code killAfter}th ACK; returns ACKs seen. */
    private static int runAndKill(Path store, int killAfter) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), store.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = pb.start();
        int acked = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked = Integer.parseInt(line.substring(4)) + 1;
                    if (acked >= killAfter) {
                        break;
                    }
                } else if (line.equals("DONE")) {
                    break;
                }
            }
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            // ACKs already printed before the kill are acknowledged too
            try {
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        acked = Integer.parseInt(line.substring(4)) + 1;
                    }
                }
            } catch (IOException streamClosedByKill) {
                // nothing more was printed
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(new File(store.toFile(), "CURRENT")).exists();
        return acked;
    }
}
