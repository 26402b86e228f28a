package io.purebridge.server.admin;

import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.CutLinkRequest;
import io.purebridge.v1.GetPodStatusRequest;
import io.purebridge.v1.GetProtectionGroupStatusRequest;
import io.purebridge.v1.NetworkStatus;
import io.purebridge.v1.PodMemberStatus;
import io.purebridge.v1.PodStatus;
import io.purebridge.v1.ProtectionGroupStatus;
import io.purebridge.v1.ProtectionGroupTargetStatus;
import io.purebridge.v1.ReplicateNowRequest;
import io.purebridge.v1.ReplicateNowResponse;
import io.purebridge.v1.ReplicationAdminServiceGrpc;
import io.purebridge.v1.ReplicationAdminServiceGrpc.ReplicationAdminServiceBlockingStub;
import io.purebridge.v1.RestoreLinkRequest;
import io.purebridge.v1.SetMediatorReachableRequest;
import io.purebridge.v1.StartArrayRequest;
import io.purebridge.v1.StopArrayRequest;
import io.purebridge.v1.TickRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * purebridge-admin's replication commands (link, array, mediator, tick, replicate, pod, pg) over
 * ReplicationAdminService. They take every array's token from one file in the format of the
 * service config's [arrays] section ({@code NAME = TOKEN} lines; the service config itself works).
 */
final class ReplicationCommands {
    private ReplicationCommands() {
    }

    /** Options every replication command takes. */
    static final class Network {
        @Option(names = "--endpoint", paramLabel = "unix:PATH|HOST:PORT", defaultValue = AdminMain.DEFAULT_ENDPOINT,
                description = "The service's address (default: ${DEFAULT-VALUE}).")
        String endpoint;

        @Option(names = "--tokens-file", required = true, paramLabel = "FILE",
                description = "NAME = TOKEN lines for the arrays involved (the service config's [arrays] section).")
        Path tokensFile;

        List<ArrayAccess> access() throws IOException {
            return parseTokens(Files.readAllLines(tokensFile, StandardCharsets.UTF_8), tokensFile.toString());
        }
    }

    /**
     * {@code NAME = TOKEN} lines; when the file has sections, only those of [arrays]. Blank lines
     * and comments (#, ;) are skipped.
     */
    static List<ArrayAccess> parseTokens(List<String> lines, String source) throws IOException {
        boolean sections = lines.stream().anyMatch(l -> l.strip().startsWith("["));
        String section = "";
        List<ArrayAccess> access = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                continue;
            }
            if (sections && !section.equals("arrays")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || line.substring(eq + 1).isBlank()) {
                throw new IOException("the tokens file " + source + " has a line that is not NAME = TOKEN");
            }
            access.add(ArrayAccess.newBuilder().setArray(line.substring(0, eq).strip())
                    .setApiToken(line.substring(eq + 1).strip()).build());
        }
        if (access.isEmpty()) {
            throw new IOException("the tokens file " + source + " names no array");
        }
        return access;
    }

    private interface WithStub {
        void run(ReplicationAdminServiceBlockingStub stub, List<ArrayAccess> access) throws Exception;
    }

    private static int withStub(Network network, WithStub body) throws Exception {
        List<ArrayAccess> access = network.access();
        try (AdminChannels.Connection connection = AdminChannels.open(network.endpoint)) {
            body.run(ReplicationAdminServiceGrpc.newBlockingStub(connection.channel()), access);
        }
        return 0;
    }

    static void print(PrintStream out, NetworkStatus network) {
        out.println("mediator " + (network.getMediatorReachable() ? "reachable" : "unreachable")
                + "; cut links " + (network.getCutLinksCount() == 0 ? "none" : String.join(", ", network.getCutLinksList()))
                + "; stopped arrays " + (network.getStoppedArraysCount() == 0 ? "none"
                        : String.join(", ", network.getStoppedArraysList())));
    }

    @Command(name = "link", mixinStandardHelpOptions = true, description = "Cuts or restores the replication link"
            + " between two arrays.")
    static final class Link implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain main;
        @Mixin
        Network network;
        @Parameters(index = "0", paramLabel = "cut|restore")
        String action;
        @Parameters(index = "1", paramLabel = "ARRAY_A")
        String arrayA;
        @Parameters(index = "2", paramLabel = "ARRAY_B")
        String arrayB;

        @Override
        public Integer call() throws Exception {
            boolean cut = choose(action, "cut", "restore");
            return withStub(network, (stub, access) -> print(main.stdout(), cut
                    ? stub.cutLink(CutLinkRequest.newBuilder().addAllAccess(access).setArrayA(arrayA)
                            .setArrayB(arrayB).build()).getNetwork()
                    : stub.restoreLink(RestoreLinkRequest.newBuilder().addAllAccess(access).setArrayA(arrayA)
                            .setArrayB(arrayB).build()).getNetwork()));
        }
    }

    @Command(name = "array", mixinStandardHelpOptions = true, description = "Stops or starts a simulated array.")
    static final class Array implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain main;
        @Mixin
        Network network;
        @Parameters(index = "0", paramLabel = "stop|start")
        String action;
        @Parameters(index = "1", paramLabel = "ARRAY")
        String array;

        @Override
        public Integer call() throws Exception {
            boolean stop = choose(action, "stop", "start");
            return withStub(network, (stub, access) -> print(main.stdout(), stop
                    ? stub.stopArray(StopArrayRequest.newBuilder().addAllAccess(access).setArray(array).build())
                            .getNetwork()
                    : stub.startArray(StartArrayRequest.newBuilder().addAllAccess(access).setArray(array).build())
                            .getNetwork()));
        }
    }

    @Command(name = "mediator", mixinStandardHelpOptions = true, description = "Makes the mediator reachable or"
            + " unreachable from every array.")
    static final class Mediator implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain main;
        @Mixin
        Network network;
        @Parameters(index = "0", paramLabel = "reachable|unreachable")
        String action;

        @Override
        public Integer call() throws Exception {
            boolean reachable = choose(action, "reachable", "unreachable");
            return withStub(network, (stub, access) -> print(main.stdout(), stub.setMediatorReachable(
                    SetMediatorReachableRequest.newBuilder().addAllAccess(access).setReachable(reachable).build())
                    .getNetwork()));
        }
    }

    @Command(name = "tick", mixinStandardHelpOptions = true, description = "Runs one replication heartbeat now.")
    static final class Tick implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain main;
        @Mixin
        Network network;

        @Override
        public Integer call() throws Exception {
            return withStub(network, (stub, access) -> {
                stub.tick(TickRequest.newBuilder().addAllAccess(access).build());
                main.stdout().println("tick done");
            });
        }
    }

    @Command(name = "replicate", mixinStandardHelpOptions = true, description = "Snapshots a protection group and"
            + " ships it to its targets now.")
    static final class Replicate implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain main;
        @Mixin
        Network network;
        @Parameters(index = "0", paramLabel = "SOURCE_ARRAY")
        String source;
        @Parameters(index = "1", paramLabel = "PG")
        String group;

        @Override
        public Integer call() throws Exception {
            return withStub(network, (stub, access) -> {
                ReplicateNowResponse response = stub.replicateNow(ReplicateNowRequest.newBuilder().addAllAccess(access)
                        .setSourceArray(source).setProtectionGroup(group).build());
                main.stdout().println("replicated " + response.getSnapshot());
                printGroup(main.stdout(), response.getStatus());
            });
        }
    }

    @Command(name = "pod", mixinStandardHelpOptions = true, description = "Shows pods: pod status [POD].")
    static final class Pod implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain main;
        @Mixin
        Network network;
        @Parameters(index = "0", paramLabel = "status")
        String action;
        @Parameters(index = "1", arity = "0..1", paramLabel = "POD")
        String pod;

        @Override
        public Integer call() throws Exception {
            choose(action, "status", "status");
            return withStub(network, (stub, access) -> {
                List<PodStatus> pods = stub.getPodStatus(GetPodStatusRequest.newBuilder().addAllAccess(access)
                        .setPodName(pod == null ? "" : pod).build()).getPodsList();
                PrintStream out = main.stdout();
                for (PodStatus p : pods) {
                    out.println("pod " + p.getName() + " (mediator " + (p.getMediatorReachable() ? "reachable"
                            : "unreachable") + (p.getPreElected().isEmpty() ? "" : ", pre-elected " + p.getPreElected())
                            + ")");
                    for (PodMemberStatus m : p.getArraysList()) {
                        out.printf(Locale.ROOT, "  %-24s %-10s in_sync=%-5s progress=%.2f dirty_blocks=%d%n",
                                m.getArray(), m.getStatus(), m.getInSync(), m.getProgress(), m.getDirtyBlocks());
                    }
                }
                if (pods.isEmpty()) {
                    out.println("no pods");
                }
            });
        }
    }

    @Command(name = "pg", mixinStandardHelpOptions = true, description = "Shows protection groups: pg status [PG].")
    static final class Pg implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain main;
        @Mixin
        Network network;
        @Parameters(index = "0", paramLabel = "status")
        String action;
        @Parameters(index = "1", arity = "0..1", paramLabel = "PG")
        String group;
        @Option(names = "--source", paramLabel = "ARRAY", description = "The group's source array (with PG: only"
                + " that group's arrays need tokens).")
        String source;

        @Override
        public Integer call() throws Exception {
            choose(action, "status", "status");
            return withStub(network, (stub, access) -> {
                GetProtectionGroupStatusRequest.Builder request = GetProtectionGroupStatusRequest.newBuilder()
                        .addAllAccess(access);
                if (source != null && group != null) {
                    request.setSourceArray(source).setName(group);
                }
                List<ProtectionGroupStatus> groups = stub.getProtectionGroupStatus(request.build())
                        .getProtectionGroupsList().stream()
                        .filter(g -> group == null || g.getName().equals(group)).toList();
                for (ProtectionGroupStatus g : groups) {
                    printGroup(main.stdout(), g);
                }
                if (groups.isEmpty()) {
                    main.stdout().println("no protection groups" + (group == null ? "" : " named " + group));
                }
            });
        }
    }

    static void printGroup(PrintStream out, ProtectionGroupStatus g) {
        out.println("pg " + g.getName() + " on " + g.getSourceArray() + ": " + g.getMembersCount() + " member(s), "
                + g.getSnapshotCount() + " snapshot(s), schedule " + (g.getScheduleEnabled() ? "every "
                        + g.getFrequencyMs() + " ms" : "off"));
        for (ProtectionGroupTargetStatus t : g.getTargetsList()) {
            out.printf(Locale.ROOT, "  -> %-20s %-11s last=%s lag_ms=%d bytes_sent=%d%n", t.getArray(),
                    t.getReachable() ? "reachable" : "unreachable",
                    t.getLastReplicatedSnapshot().isEmpty() ? "-" : t.getLastReplicatedSnapshot(), t.getLagMillis(),
                    t.getBytesSent());
        }
    }

    /** True for {@code yes}, false for {@code no}; anything else is a usage error. */
    private static boolean choose(String action, String yes, String no) {
        if (action.equals(yes)) {
            return true;
        }
        if (action.equals(no)) {
            return false;
        }
        throw new IllegalArgumentException("expected " + (yes.equals(no) ? yes : yes + " or " + no) + ", not '"
                + action + "'");
    }
}
