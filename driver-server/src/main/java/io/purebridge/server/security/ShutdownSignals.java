package io.purebridge.server.security;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a clean shutdown on a thread of its own, so the service stops
 * serving, closes its arrays and main returns 0. Without it the JVM runs its shutdown hooks from
 * the signal and exits 143 (128 + 15), which service managers report as a failure.
 */
public final class ShutdownSignals {
    private ShutdownSignals() {
    }

    public static void onTermination(Runnable shutdown) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> new Thread(shutdown, "purebridge-signal-" + name).start());
        }
    }
}
