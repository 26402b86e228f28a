package io.purebridge.server.admin;

import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.PodMemberStatus;
import io.purebridge.v1.PodStatus;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code purebridge-admin status}: one screen of the service's arrays, replication links, pods
 * (members, sync, resync progress and ETA), protection groups (RPO against the schedule) and
 * offload targets (connected, bucket, snapshots held) with the offload jobs running (progress, ETA).
 * {@code --watch} redraws it every {@code --interval} seconds until interrupted; {@code --json}
 * prints one JSON document per refresh (one line each, for jq or a log).
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Shows the arrays, links, pods, resyncs,"
        + " protection group RPOs, offload targets and running offload jobs of the service, once or (--watch)"
        + " continuously.")
final class StatusCommand implements Callable<Integer> {
    /** Clears a terminal and puts the cursor home (ANSI), before each screen of --watch. */
    static final String CLEAR = "\033[H\033[2J";

    @CommandLine.ParentCommand
    AdminMain main;
    @Mixin
    ReplicationCommands.Network network;
    @Option(names = "--watch", description = "Redraw every --interval seconds until interrupted.")
    boolean watch;
    @Option(names = "--interval", defaultValue = "2", paramLabel = "SECONDS",
            description = "Seconds between refreshes, and between the two reads an ETA needs (default: ${DEFAULT-VALUE}).")
    double interval;
    @Option(names = "--json", description = "One JSON document (per refresh) instead of the screen.")
    boolean json;
    @Option(names = "--iterations", hidden = true, defaultValue = "0", description = "Stop --watch after N screens.")
    int iterations;

    @Override
    public Integer call() throws Exception {
        if (!(interval > 0)) {
            throw new IllegalArgumentException("--interval must be more than 0 seconds");
        }
        List<ArrayAccess> access = network.access();
        long pauseMillis = Math.round(interval * 1000);
        PrintStream out = main.stdout();
        try (AdminChannels.Connection connection = AdminChannels.open(network.endpoint)) {
            StatusSnapshot previous = null;
            StatusSnapshot now = StatusSnapshot.read(connection.channel(), access, Instant.now());
            if (!watch && resyncing(now)) {
                // An ETA needs a rate: read again after one interval.
                Thread.sleep(pauseMillis);
                previous = now;
                now = StatusSnapshot.read(connection.channel(), access, Instant.now());
            }
            for (int screen = 1; ; screen++) {
                if (json) {
                    out.println(StatusView.json(now, previous));
                } else {
                    out.print((watch ? CLEAR : "") + StatusView.text(now, previous, network.endpoint));
                }
                out.flush();
                if (!watch || (iterations > 0 && screen >= iterations)) {
                    return 0;
                }
                Thread.sleep(pauseMillis);
                previous = now;
                now = StatusSnapshot.read(connection.channel(), access, Instant.now());
            }
        }
    }

    private static boolean resyncing(StatusSnapshot snapshot) {
        for (PodStatus pod : snapshot.pods()) {
            for (PodMemberStatus m : pod.getArraysList()) {
                if (m.getStatus().equals("resyncing")) {
                    return true;
                }
            }
        }
        return false;
    }
}
