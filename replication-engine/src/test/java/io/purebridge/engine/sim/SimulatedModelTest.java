package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.replication.ManualClock;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random operations against the simulator and a plain in-memory model side by side: every
 * volume and snapshot must read exactly like the model, the stored reference counts must match a
 * recount from the block maps, and once everything is eradicated no byte stays allocated.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimulatedModelTest {
    private static final int MIB = 1 << 20;
    /** Spans two 8 MiB pages, the second one partial. */
    private static final int SIZE = 12 * MIB;

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    private SimulatedFlashArray open() {
        return new SimulatedFlashArray(SimulatedArrayConfig.of("model", "t"), dir.resolve("model"), clock);
    }

    @Test
    void randomOperationsMatchTheModel() throws Exception {
        long seed = Long.getLong("purebridge.model.seed", new Random().nextLong());
        // Printed first so that any failure, even an exception, can be replayed with
        // -Dpurebridge.model.seed=<seed>.
        System.out.println("SimulatedModelTest seed " + seed);
        Random r = new Random(seed);
        Map<String, byte[]> model = new TreeMap<>();
        List<byte[]> patterns = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] p = new byte[64 * 1024];
            r.nextBytes(p);
            patterns.add(p);
        }
        SimulatedFlashArray a = open();
        try {
            a.createVolume("v0", SIZE);
            model.put("v0", new byte[SIZE]);
            int snapshotCounter = 0;
            for (int step = 0; step < 160; step++) {
                List<String> volumes = model.keySet().stream().filter(n -> !n.contains(".")).toList();
                List<String> snaps = model.keySet().stream().filter(n -> n.contains(".")).toList();
                String v = volumes.get(r.nextInt(volumes.size()));
                int op = r.nextInt(100);
                String what;
                if (op < 45) {
                    // A shrinking resize can leave a volume smaller than the longest write.
                    int volumeBytes = model.get(v).length;
                    int len = 1 + r.nextInt(Math.min(200_000, volumeBytes));
                    int off = r.nextInt(volumeBytes - len + 1);
                    byte[] data = new byte[len];
                    int kind = r.nextInt(3);
                    if (kind == 0) {
                        r.nextBytes(data);
                    } else if (kind == 1) {
                        byte[] p = patterns.get(r.nextInt(patterns.size()));
                        for (int i = 0; i < len; i++) {
                            data[i] = p[i % p.length];
                        }
                    } // kind 2: zeros
                    a.write(v, off, data);
                    System.arraycopy(data, 0, model.get(v), off, len);
                    what = "write " + v + " @" + off + " +" + len + " kind " + kind;
                } else if (op < 60) {
                    String s = v + ".s" + snapshotCounter++;
                    a.createSnapshot(v, s.substring(s.indexOf('.') + 1));
                    model.put(s, model.get(v).clone());
                    what = "snapshot " + s;
                } else if (op < 68 && volumes.size() < 6) {
                    String source = !snaps.isEmpty() && r.nextBoolean() ? snaps.get(r.nextInt(snaps.size())) : v;
                    String target = "c" + (snapshotCounter++);
                    a.copyVolume(source, target, false);
                    model.put(target, model.get(source).clone());
                    what = "clone " + source + " -> " + target;
                } else if (op < 76 && !snaps.isEmpty()) {
                    String source = snaps.get(r.nextInt(snaps.size()));
                    String target = r.nextBoolean() ? source.substring(0, source.indexOf('.')) : v;
                    a.copyVolume(source, target, true);
                    model.put(target, model.get(source).clone());
                    what = "overwrite " + target + " from " + source;
                } else if (op < 84 && !snaps.isEmpty()) {
                    String s = snaps.get(r.nextInt(snaps.size()));
                    a.destroySnapshot(s);
                    if (r.nextBoolean()) {
                        a.eradicateSnapshot(s);
                        model.remove(s);
                        what = "eradicate " + s;
                    } else {
                        clock.advance(Duration.ofHours(25));
                        a.eradicateExpired();
                        model.remove(s);
                        what = "expire " + s;
                    }
                } else if (op < 90 && volumes.size() > 1) {
                    a.destroyVolume(v);
                    if (r.nextBoolean()) {
                        a.recoverVolume(v);
                        what = "destroy+recover " + v;
                    } else {
                        a.eradicateVolume(v);
                        model.keySet().removeIf(n -> n.equals(v) || n.startsWith(v + "."));
                        what = "eradicate " + v;
                    }
                } else if (op < 95) {
                    int newSize = (1 + r.nextInt(SIZE / 512)) * 512;
                    byte[] old = model.get(v);
                    a.resizeVolume(v, newSize, true);
                    model.put(v, Arrays.copyOf(old, newSize));
                    what = "resize " + v + " to " + newSize;
                } else {
                    a.close();
                    a = open();
                    what = "reopen";
                }
                assertThat(a.checkConsistency()).as("after step %d (%s), seed %d", step, what, seed).isEmpty();
                if (step % 40 == 39) {
                    verifyAll(a, model, "step " + step + ", seed " + seed);
                }
            }
            verifyAll(a, model, "end, seed " + seed);
            ArraySpace space = a.space();
            assertThat(space.totalPhysicalBytes()).isEqualTo(space.uniqueBytes() + space.snapshotsBytes());

            for (String name : List.copyOf(model.keySet())) {
                if (name.contains(".") && model.containsKey(name)) {
                    a.destroySnapshot(name);
                }
            }
            for (String name : List.copyOf(model.keySet())) {
                if (!name.contains(".")) {
                    a.destroyVolume(name);
                }
            }
            clock.advance(Duration.ofDays(2));
            a.eradicateExpired();
            assertThat(a.listVolumes()).isEmpty();
            assertThat(a.listSnapshots(null)).isEmpty();
            assertThat(a.space().totalPhysicalBytes()).as("seed %d", seed).isZero();
            assertThat(a.checkConsistency()).isEmpty();
        } finally {
            a.close();
        }
    }

    private static void verifyAll(SimulatedFlashArray a, Map<String, byte[]> model, String when) throws Exception {
        assertThat(a.listVolumes().size() + a.listSnapshots(null).size()).as(when).isEqualTo(model.size());
        for (Map.Entry<String, byte[]> e : model.entrySet()) {
            byte[] expected = e.getValue();
            String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected));
            assertThat(a.checksum(e.getKey(), 0, expected.length)).as("%s at %s", e.getKey(), when).isEqualTo(sum);
        }
    }
}
