package io.purebridge.server.admin;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Runs {@code purebridge-admin} in-process against a running service, with {@code --endpoint} and
 * {@code --tokens-file} appended, and keeps what the last command printed.
 */
final class AdminRun {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** The exit code; {@code terminal} makes stderr count as a terminal (progress bars drawn). */
    int run(String endpoint, Path tokensFile, boolean terminal, String... args) {
        out.reset();
        err.reset();
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--endpoint", endpoint, "--tokens-file", tokensFile.toString()}, 0, all,
                args.length, 4);
        return new AdminMain(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal).run(all);
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
