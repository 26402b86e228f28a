package io.purebridge.server.admin;

import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.DrTestCopy;
import io.purebridge.v1.DrTestServiceGrpc;
import io.purebridge.v1.DrTestServiceGrpc.DrTestServiceBlockingStub;
import io.purebridge.v1.DrTestTarget;
import io.purebridge.v1.GetDrTestStatusRequest;
import io.purebridge.v1.StartDrTestRequest;
import io.purebridge.v1.StopDrTestRequest;
import io.purebridge.v1.StopDrTestResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code purebridge-admin dr-test start|status|stop --backend B --target T}: a DR drill over
 * DrTestService. The target's token comes from the tokens file (the line named after the target's
 * backend_id, else after its array), as for the replication commands.
 */
@Command(name = "dr-test", mixinStandardHelpOptions = true, description = "DR drill: test copies of every"
        + " replicated volume of a Cinder backend on one replication target (start), their RPO (status), their"
        + " removal (stop). Production replication goes on.")
final class DrTestCommands implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @CommandLine.ParentCommand
    AdminMain main;
    @Mixin
    ReplicationCommands.Network network;
    @Parameters(index = "0", paramLabel = "start|status|stop")
    String action;
    @Option(names = "--backend", required = true, paramLabel = "SECTION",
            description = "The Cinder backend (cinder.conf section), registered with the service.")
    String backend;
    @Option(names = "--target", required = true, paramLabel = "BACKEND_ID",
            description = "The replication_device backend_id to drill on, e.g. pure-dr.")
    String target;
    @Option(names = "--target-array", paramLabel = "NAME",
            description = "The tokens-file name of the target's token when it is not the backend_id.")
    String targetArray;

    @Override
    public Integer call() throws Exception {
        String what = action.toLowerCase(Locale.ROOT);
        if (!List.of("start", "status", "stop").contains(what)) {
            throw new IllegalArgumentException("dr-test takes start, status or stop, not '" + action + "'");
        }
        DrTestTarget drill = DrTestTarget.newBuilder().setBackendName(backend).setTargetBackendId(target)
                .setApiToken(token()).build();
        PrintStream out = main.stdout();
        try (AdminChannels.Connection connection = AdminChannels.open(network.endpoint)) {
            DrTestServiceBlockingStub stub = DrTestServiceGrpc.newBlockingStub(connection.channel());
            switch (what) {
                case "start" -> print(out, "started", stub.startDrTest(StartDrTestRequest.newBuilder()
                        .setTarget(drill).build()).getCopiesList());
                case "status" -> print(out, "running", stub.getDrTestStatus(GetDrTestStatusRequest.newBuilder()
                        .setTarget(drill).build()).getCopiesList());
                default -> {
                    StopDrTestResponse stopped = stub.stopDrTest(StopDrTestRequest.newBuilder().setTarget(drill)
                            .build());
                    out.println("DR test of " + backend + " on " + target + " stopped: " + stopped.getRemovedCount()
                            + " test copies removed");
                    stopped.getRemovedList().forEach(name -> out.println("  " + name));
                }
            }
        }
        return 0;
    }

    private String token() throws IOException {
        List<ArrayAccess> access = network.access();
        String name = targetArray != null ? targetArray : target;
        return access.stream().filter(a -> a.getArray().equals(name)).map(ArrayAccess::getApiToken).findFirst()
                .orElseThrow(() -> new IOException("the tokens file " + network.tokensFile + " has no line for '"
                        + name + "' (use --target-array NAME when the array's name differs from the backend_id)"));
    }

    private void print(PrintStream out, String state, List<DrTestCopy> copies) {
        if (copies.isEmpty()) {
            out.println("DR test of " + backend + " on " + target + ": no test copies");
            return;
        }
        long worst = copies.stream().mapToLong(DrTestCopy::getRpoMs).max().orElse(-1);
        out.println("DR test of " + backend + " on " + target + " " + state + ": " + copies.size()
                + " test copies, worst RPO " + seconds(worst));
        out.printf(Locale.ROOT, "%-58s %-58s %-21s %s%n", "TEST COPY", "PRODUCTION VOLUME", "DATA AS OF", "RPO");
        for (DrTestCopy c : copies) {
            out.printf(Locale.ROOT, "%-58s %-58s %-21s %s%n", c.getName(), c.getSourceVolume(),
                    c.getDataAsOfEpochMs() == 0 ? "unknown" : TIME.format(Instant.ofEpochMilli(c.getDataAsOfEpochMs())),
                    seconds(c.getRpoMs()));
        }
    }

    private static String seconds(long ms) {
        return ms < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
