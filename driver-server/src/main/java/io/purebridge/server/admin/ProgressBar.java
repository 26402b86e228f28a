package io.purebridge.server.admin;

import java.io.PrintStream;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A one-line transfer progress bar on stderr, redrawn at most ten times a second:
 * {@code  42% [########............]  107.0/256.0 MiB   85.1 MiB/s  ETA 0:02} (the ETA while the total is
 * known and not reached).
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
        double perSecond = done / seconds;
        long eta = total > 0 && done < total && perSecond > 0 ? (long) Math.ceil((total - done) / perSecond) : -1;
        return format(done, total, perSecond, eta);
    }

    /**
     * Draws a progress the service measures (an offload job's bytes, rate and ETA) on this bar's
     * line, now.
     */
    void show(long doneBytes, long totalBytes, double bytesPerSecond, long etaSeconds) {
        err.print("\r" + format(doneBytes, totalBytes, bytesPerSecond, etaSeconds));
        err.flush();
    }

    /** Ends the line {@link #show} drew. */
    void endLine() {
        err.print(System.lineSeparator());
        err.flush();
    }

    /** The bar's text; {@code etaSeconds} -1 when unknown (shown as --:-- while the total is not reached). */
    static String format(long done, long total, double bytesPerSecond, long etaSeconds) {
        String rate = String.format("%8.1f MiB/s", bytesPerSecond / MIB);
        if (total <= 0) {
            return String.format("%10.1f MiB %s", done / MIB, rate);
        }
        double fraction = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        String eta = done >= total ? "" : "  ETA " + (etaSeconds < 0 ? "--:--" : eta(etaSeconds));
        return String.format("%3d%% [%s%s] %7.1f/%.1f MiB %s%s", Math.round(fraction * 100), "#".repeat(filled),
                ".".repeat(WIDTH - filled), done / MIB, total / MIB, rate, eta);
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String eta(long seconds) {
        long s = Math.max(0, seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
