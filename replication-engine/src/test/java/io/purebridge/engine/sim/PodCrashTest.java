package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.PodArrayStatus;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a service writing through a stretched pod, before and after a link cut. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PodCrashTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedPodWriteSurvivesKillNineAndResyncs() throws Exception {
        Random random = new Random();
        for (int round = 0; round < 2; round++) {
            Path store = dir.resolve("round" + round);
            int killAfter = 3 + random.nextInt(20);
            int acked = ChildJvm.runAndKill(PodCrashWriter.class, store, killAfter);
            assertThat(acked).isGreaterThanOrEqualTo(killAfter);
            try (SimulatedArrayHost host = PodCrashWriter.host(store)) {
                SimulatedFlashArray a = host.open("a", "ta");
                SimulatedFlashArray b = host.open("b", "tb");
                for (int n = 0; n < acked; n++) {
                    assertThat(a.read("p::data", CrashWriter.offset(n), CrashWriter.length(n)))
                            .as("write %d of %d (round %d) on the survivor", n, acked, round)
                            .isEqualTo(CrashWriter.data(n));
                }
                host.replication().restoreLink("a", "b");
                for (int i = 0; i < 5; i++) {
                    host.replication().tick();
                }
                assertThat(host.replication().podStatus("p").arrays()).extracting(PodStatus.Member::status)
                        .containsOnly(PodArrayStatus.ONLINE);
                assertThat(b.checksum("p::data", 0, CrashWriter.VOLUME_SIZE))
                        .isEqualTo(a.checksum("p::data", 0, CrashWriter.VOLUME_SIZE));
            }
        }
    }
}
