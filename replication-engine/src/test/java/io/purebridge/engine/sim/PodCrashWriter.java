package io.purebridge.engine.sim;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Child process for {@link PodCrashTest}: writes {@link CrashWriter}'s stream to a volume of a pod
 * stretched over arrays a and b, alternating the array it writes through, cuts the link after
 * {@link #CUT_AFTER} writes (then writes only through a, the survivor) and prints "ACK n" after each
 * acknowledged write, until the parent kills it.
 */
public final class PodCrashWriter {
    static final int CUT_AFTER = 8;

    private PodCrashWriter() {
    }

    static SimulatedArrayHost host(Path dir) {
        return new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("a", "ta"), SimulatedArrayConfig.of("b", "tb")),
                Clock.systemUTC());
    }

    public static void main(String[] args) throws Exception {
        SimulatedArrayHost host = host(Path.of(args[0]));
        SimulatedFlashArray a = host.open("a", "ta");
        SimulatedFlashArray b = host.open("b", "tb");
        a.createPod("p");
        a.stretchPod("p", "b");
        a.createVolume("p::data", CrashWriter.VOLUME_SIZE);
        System.out.println("READY");
        System.out.flush();
        for (int n = 0; CrashWriter.offset(n) + CrashWriter.REGION <= CrashWriter.VOLUME_SIZE; n++) {
            if (n == CUT_AFTER) {
                host.replication().cutLink("a", "b");
            }
            SimulatedFlashArray via = n < CUT_AFTER && n % 2 == 1 ? b : a;
            via.write("p::data", CrashWriter.offset(n), CrashWriter.data(n));
            System.out.println("ACK " + n);
            System.out.flush();
        }
        System.out.println("DONE");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
