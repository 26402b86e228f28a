package io.purebridge.server.admin;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.purebridge.v1.ArraySpaceFigures;
import io.purebridge.v1.ChecksumDataResponse;
import io.purebridge.v1.GetSpaceResponse;
import io.purebridge.v1.VolumeSpaceFigures;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code purebridge-admin}: puts bytes on simulated arrays' volumes, reads them back, checksums
 * them and shows space, through the service's ArrayAdminService.
 *
 * <p>Exit codes: 0 success; 1 the service refused or failed the request (one line naming the
 * status, reason and message); 2 bad usage; 3 a local file could not be read or written; 4 the
 * service could not be reached. No stack traces.
 */
@Command(name = "purebridge-admin", mixinStandardHelpOptions = true,
        description = "Reads and writes the data of a purebridge service's simulated arrays and drives their"
                + " replication network.",
        subcommands = {AdminMain.Write.class, AdminMain.Read.class, AdminMain.Checksum.class, AdminMain.Space.class,
            ReplicationCommands.Link.class, ReplicationCommands.Array.class, ReplicationCommands.Mediator.class,
            ReplicationCommands.Tick.class, ReplicationCommands.Replicate.class, ReplicationCommands.Pod.class,
            ReplicationCommands.Pg.class, DrTestCommands.class, StatusCommand.class, OffloadCommands.class})
public final class AdminMain implements Callable<Integer> {
    static final int EXIT_SERVICE_ERROR = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_LOCAL_IO = 3;
    static final int EXIT_UNREACHABLE = 4;
    static final String DEFAULT_ENDPOINT = "unix:/var/lib/purebridge/purebridge.sock";

    private final InputStream stdin;
    private final PrintStream stdout;
    private final PrintStream stderr;
    private final boolean stderrIsTerminal;

    AdminMain(InputStream stdin, PrintStream stdout, PrintStream stderr, boolean stderrIsTerminal) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.stderrIsTerminal = stderrIsTerminal;
    }

    public static void main(String[] args) {
        // The service's logging settings (stdout, info) ship in the same jar; stdout may carry
        // volume data here, so library logging goes to stderr and only when it is an error.
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        System.exit(new AdminMain(System.in, System.out, System.err, stderrIsTerminal()).run(args));
    }

    /** Runs one command line; returns the exit code. */
    int run(String... args) {
        CommandLine cli = new CommandLine(this)
                .setOut(new PrintWriter(stdout, true))
                .setErr(new PrintWriter(stderr, true))
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> failure(e));
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        stderr.println("purebridge-admin: name a command: write, read, checksum, space, link, array, mediator, tick,"
                + " replicate, pod, pg, dr-test, status or offload (--help for usage)");
        return EXIT_USAGE;
    }

    PrintStream stdout() {
        return stdout;
    }

    private int failure(Exception e) {
        if (e instanceof StatusRuntimeException status) {
            Status.Code code = status.getStatus().getCode();
            if (code == Status.Code.UNAVAILABLE) {
                stderr.println("purebridge-admin: the service is unreachable (" + status.getStatus().getDescription()
                        + "); check --endpoint and that the service runs");
                return EXIT_UNREACHABLE;
            }
            stderr.println("purebridge-admin: " + code + reason(status) + ": " + status.getStatus().getDescription());
            return EXIT_SERVICE_ERROR;
        }
        if (e instanceof NoSuchFileException missing) {
            stderr.println("purebridge-admin: no such file: " + missing.getFile());
            return EXIT_LOCAL_IO;
        }
        if (e instanceof IOException io) {
            stderr.println("purebridge-admin: " + io.getMessage());
            return EXIT_LOCAL_IO;
        }
        if (e instanceof IllegalArgumentException bad) {
            stderr.println("purebridge-admin: " + bad.getMessage());
            return EXIT_USAGE;
        }
        stderr.println("purebridge-admin: unexpected error: " + e);
        return EXIT_SERVICE_ERROR;
    }

    private static String reason(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status != null) {
            for (com.google.protobuf.Any detail : status.getDetailsList()) {
                if (detail.is(ErrorInfo.class)) {
                    try {
                        return " (" + detail.unpack(ErrorInfo.class).getReason() + ")";
                    } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
                        return "";
                    }
                }
            }
        }
        return "";
    }

    /** Linux: whether fd 2 is a terminal (the progress bar would garble a redirected log). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Options every command takes. */
    static final class Target {
        @Option(names = "--endpoint", paramLabel = "unix:PATH|HOST:PORT", defaultValue = DEFAULT_ENDPOINT,
                description = "The service's address (default: ${DEFAULT-VALUE}).")
        String endpoint;

        @Option(names = "--array", required = true, paramLabel = "NAME", description = "The simulated array (NAME of sim://NAME).")
        String array;

        @Option(names = "--token-file", required = true, paramLabel = "FILE",
                description = "A file holding the array's API token (its first line).")
        Path tokenFile;

        String token() throws IOException {
            String text = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            int newline = text.indexOf('\n');
            String token = newline < 0 ? text : text.substring(0, newline).strip();
            if (token.isEmpty()) {
                throw new IOException("the token file " + tokenFile + " is empty");
            }
            return token;
        }
    }

    /** Runs {@code body} with a connected client. */
    private interface WithClient {
        int run(AdminClient client) throws Exception;
    }

    private static int withClient(Target target, WithClient body) throws Exception {
        String token = target.token();
        try (AdminChannels.Connection connection = AdminChannels.open(target.endpoint)) {
            return body.run(new AdminClient(connection.channel(), target.array, token));
        }
    }

    /** A bar for following a job on stderr, or null when stderr is not a terminal. */
    ProgressBar jobProgress() {
        return stderrIsTerminal ? new ProgressBar(stderr, -1, System::nanoTime) : null;
    }

    private LongConsumer progress(boolean forced, long total, boolean[] shown) {
        if (forced || stderrIsTerminal) {
            shown[0] = true;
            return new ProgressBar(stderr, total, System::nanoTime);
        }
        return ProgressBar.none();
    }

    @Command(name = "write", mixinStandardHelpOptions = true, description = "Writes a file (or stdin) to a volume.")
    static final class Write implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain main;
        @Mixin
        Target target;
        @Option(names = "--volume", required = true, paramLabel = "NAME", description = "The live volume to write.")
        String volume;
        @Option(names = "--offset", defaultValue = "0", paramLabel = "BYTES", description = "Where the first byte goes.")
        long offset;
        @Option(names = "--input", required = true, paramLabel = "FILE|-", description = "What to write; - for stdin.")
        String input;
        @Option(names = "--progress", description = "Show a progress bar even when stderr is not a terminal.")
        boolean progress;

        @Override
        public Integer call() throws Exception {
            boolean stdinInput = "-".equals(input);
            long length = stdinInput ? -1 : Files.size(Path.of(input));
            try (InputStream in = stdinInput ? main.stdin : new BufferedInputStream(Files.newInputStream(Path.of(input)))) {
                return withClient(target, client -> {
                    boolean[] shown = {false};
                    LongConsumer bar = main.progress(progress, length, shown);
                    long written = client.write(volume, offset, length, in, bar);
                    if (shown[0]) {
                        ((ProgressBar) bar).finish();
                    }
                    main.stdout.println("wrote " + written + " bytes to " + volume + " at offset " + offset);
                    return 0;
                });
            }
        }
    }

    @Command(name = "read", mixinStandardHelpOptions = true, description = "Reads a volume or snapshot to a file (or stdout).")
    static final class Read implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain main;
        @Mixin
        Target target;
        @Option(names = {"--volume", "--object"}, required = true, paramLabel = "NAME", description = "A volume or snapshot.")
        String object;
        @Option(names = "--offset", defaultValue = "0", paramLabel = "BYTES")
        long offset;
        @Option(names = "--length", defaultValue = "0", paramLabel = "BYTES", description = "0 (default): to the end.")
        long length;
        @Option(names = "--output", required = true, paramLabel = "FILE|-", description = "Where to put the bytes; - for stdout.")
        String output;
        @Option(names = "--progress", description = "Show a progress bar even when stderr is not a terminal.")
        boolean progress;

        @Override
        public Integer call() throws Exception {
            boolean toStdout = "-".equals(output);
            return withClient(target, client -> {
                long total = length > 0 ? length : -1;
                boolean[] shown = {false};
                LongConsumer bar = main.progress(progress, total, shown);
                long read;
                if (toStdout) {
                    read = client.read(object, offset, length, main.stdout, bar);
                } else {
                    Path file = Path.of(output);
                    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                        read = client.read(object, offset, length, out, bar);
                    }
                }
                if (shown[0]) {
                    ((ProgressBar) bar).finish();
                }
                if (!toStdout) {
                    main.stdout.println("read " + read + " bytes of " + object + " into " + output);
                }
                return 0;
            });
        }
    }

    @Command(name = "checksum", mixinStandardHelpOptions = true, description = "SHA-256 of a range of a volume or snapshot.")
    static final class Checksum implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain main;
        @Mixin
        Target target;
        @Option(names = {"--volume", "--object"}, required = true, paramLabel = "NAME")
        String object;
        @Option(names = "--offset", defaultValue = "0", paramLabel = "BYTES")
        long offset;
        @Option(names = "--length", defaultValue = "0", paramLabel = "BYTES", description = "0 (default): to the end.")
        long length;

        @Override
        public Integer call() throws Exception {
            return withClient(target, client -> {
                ChecksumDataResponse sum = client.checksum(object, offset, length);
                // sha256sum's layout, so scripts can compare with a local file's sum.
                main.stdout.println(sum.getSha256Hex() + "  " + object + " [" + sum.getOffsetBytes() + "+"
                        + sum.getLengthBytes() + "]");
                return 0;
            });
        }
    }

    @Command(name = "space", mixinStandardHelpOptions = true, description = "Space of the array and of volumes.")
    static final class Space implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminMain main;
        @Mixin
        Target target;
        @Option(names = "--volume", paramLabel = "NAME", description = "A volume to report (repeatable).")
        List<String> volumes = List.of();
        @Option(names = "--all-volumes", description = "Report every live volume.")
        boolean allVolumes;

        @Override
        public Integer call() throws Exception {
            return withClient(target, client -> {
                GetSpaceResponse space = client.space(volumes, allVolumes);
                ArraySpaceFigures a = space.getArray();
                PrintStream out = main.stdout;
                out.printf("array %s: capacity %d, physical %d, provisioned %d, unique %d, snapshots %d,"
                        + " data reduction %.2f, total reduction %.2f%n", target.array, a.getCapacityBytes(),
                        a.getTotalPhysicalBytes(), a.getTotalProvisionedBytes(), a.getUniqueBytes(),
                        a.getSnapshotsBytes(), a.getDataReduction(), a.getTotalReduction());
                if (space.getVolumesCount() > 0) {
                    out.printf("%-64s %16s %16s %16s %16s %8s%n", "VOLUME", "PROVISIONED", "VIRTUAL", "UNIQUE",
                            "SNAPSHOTS", "DRR");
                    for (VolumeSpaceFigures v : space.getVolumesList()) {
                        out.printf("%-64s %16d %16d %16d %16d %8.2f%n", v.getVolume(), v.getProvisionedBytes(),
                                v.getVirtualBytes(), v.getUniqueBytes(), v.getSnapshotsBytes(), v.getDataReduction());
                    }
                }
                return 0;
            });
        }
    }
}
