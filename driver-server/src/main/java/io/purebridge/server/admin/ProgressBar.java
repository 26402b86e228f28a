package io.purebridge.server.admin;

import java.io.PrintStream;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A one-line transfer progress bar on stderr, redrawn at most ten times a second:
 * {@code  42% [########............]  107.0/256.0 MiB   85.1 MiB/s}.
 */
final class ProgressBar implements LongConsumer {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final double MIB = 1 << 20;

    private final PrintStream err;
    private final long total;
    private final LongSupplier nanoTime;
    private final long start;
    private long lastDraw = Long.MIN_VALUE;
    private long done;

    /** @param total bytes expected, or -1 when unknown (then no percentage is shown) */
    ProgressBar(PrintStream err, long total, LongSupplier nanoTime) {
        this.err = err;
        this.total = total;
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
    }

    /** A no-op progress for quiet runs. */
    static LongConsumer none() {
        return bytes -> { };
    }

    @Override
    public void accept(long bytes) {
        done = bytes;
        long now = nanoTime.getAsLong();
        if (lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            err.print("\r" + line(now));
            err.flush();
        }
    }

    /** Draws the final state and ends the line. */
    void finish() {
        err.print("\r" + line(nanoTime.getAsLong()) + System.lineSeparator());
        err.flush();
    }

    String line(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        String rate = String.format("%8.1f MiB/s", done / MIB / seconds);
        if (total <= 0) {
            return String.format("%10.1f MiB %s", done / MIB, rate);
        }
        double fraction = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        return String.format("%3d%% [%s%s] %7.1f/%.1f MiB %s", Math.round(fraction * 100), "#".repeat(filled),
                ".".repeat(WIDTH - filled), done / MIB, total / MIB, rate);
    }
}
