package io.purebridge.engine.sim.chunklog;

/** A read raced with compaction, which retired the segment: look the location up again. */
public final class SegmentGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SegmentGoneException(long segment) {
        super("chunk log segment " + segment + " was retired by compaction", null, false, false);
    }
}
