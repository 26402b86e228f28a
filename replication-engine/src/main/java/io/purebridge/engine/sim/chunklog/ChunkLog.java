package io.purebridge.engine.sim.chunklog;

import io.purebridge.engine.error.EngineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * An append-only log of chunk and commit records in segment files under one directory. Writes
 * append under one lock; {@link #sync(long)} makes them durable with group commit (one fsync serves
 * every writer whose record was appended before it started). Reads are positional on the
 * segments' open channels. Segments are never modified once the log rolls past them, only retired
 * whole by compaction; a retired segment's channel stays open a while so a reader that looked up a
 * location before the move still reads it.
 *
 * <p>An interrupted caller costs nothing but its own call's wait, never the log: fsync is not
 * interruptible and reads and appends survive the JDK closing a channel under an interrupt
 * ({@link LogSegment}). Only a real I/O error fails the log.
 */
public final class ChunkLog implements AutoCloseable {
    /** How long a retired segment's channel stays readable after its file is deleted. */
    private static final long RETIRED_GRACE_NANOS = 30_000_000_000L;
    /** Records are framed in a direct buffer of this size on their way to the active segment. */
    private static final int STAGING_BYTES = 4 << 20;

    private final Path dir;
    private final long segmentBytes;
    private final NavigableMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final List<Object[]> retired = new ArrayList<>();
    private final Object syncLock = new Object();
    /** Guarded by this. */
    private LogSegment active;
    /** Guarded by this; allocated on the first append. */
    private ByteBuffer staging;
    /** Bytes appended since open, guarded by this; the marks {@link #sync(long)} takes. */
    private long appended;
    /** Guarded by syncLock. */
    private long synced;
    private volatile long syncs;
    private volatile IOException failure;

    private ChunkLog(Path dir, long segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
    }

    /** Opens (or creates) the log in {@code dir}; call {@link #recover} before appending. */
    public static ChunkLog open(Path dir, long segmentBytes) {
        ChunkLog log = new ChunkLog(dir, segmentBytes);
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    long id = LogSegment.idOf(f);
                    if (id >= 0) {
                        log.segments.put(id, LogSegment.open(dir, id));
                    }
                }
            }
            if (log.segments.isEmpty()) {
                log.segments.put(1L, LogSegment.open(dir, 1));
            }
            log.active = log.segments.lastEntry().getValue();
            log.active.activate();
            for (LogSegment s : log.segments.headMap(log.active.id, false).values()) {
                s.seal();
            }
        } catch (IOException e) {
            log.close();
            throw failed("open", dir, e);
        }
        return log;
    }

    /**
     * Scans from just past {@code lastApplied} (the commit record the index last applied; null: from
     * the start) to the end, hands every later commit record's payload to {@code commits} in order,
     * and cuts a torn tail (a crash during an append that was never acknowledged) off the last
     * segment.
     */
    public synchronized void recover(ChunkLocation lastApplied, Consumer<byte[]> commits) {
        long fromSegment = lastApplied == null ? segments.firstKey() : lastApplied.segment();
        long fromOffset = lastApplied == null ? 0 : lastApplied.end();
        try {
            for (LogSegment s : segments.tailMap(fromSegment, true).values()) {
                long pos = s.id == fromSegment ? fromOffset : 0;
                while (pos < s.size()) {
                    byte[] record = readRecordAt(s, pos);
                    if (record == null) {
                        if (s != active) {
                            throw EngineException.internal("CHUNK_LOG_CORRUPT", s.path + ": damaged record at " + pos
                                    + " before the last segment; the array's chunk log is damaged", null);
                        }
                        s.truncate(pos);
                        break;
                    }
                    if (record[0] == LogRecord.COMMIT) {
                        byte[] payload = new byte[record.length - LogRecord.HEADER_BYTES];
                        System.arraycopy(record, LogRecord.HEADER_BYTES, payload, 0, payload.length);
                        commits.accept(payload);
                    }
                    pos += record.length;
                }
            }
        } catch (IOException e) {
            throw failed("recover", dir, e);
        }
    }

    /** The whole framed record at {@code pos}, or null when it is torn or damaged. */
    private static byte[] readRecordAt(LogSegment s, long pos) throws IOException {
        long available = s.size() - pos;
        if (available < LogRecord.HEADER_BYTES) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(LogRecord.HEADER_BYTES);
        s.read(pos, header);
        int length = header.getInt(1);
        if (length < 0 || length > LogRecord.MAX_PAYLOAD || LogRecord.HEADER_BYTES + (long) length > available) {
            return null;
        }
        ByteBuffer whole = ByteBuffer.allocate(LogRecord.HEADER_BYTES + length);
        s.read(pos, whole);
        return LogRecord.check(whole.array(), 0, whole.capacity()) < 0 ? null : whole.array();
    }

    /** Appends one record (payload = {@code parts} concatenated); durable only after {@link #sync}. */
    public ChunkLocation append(byte type, byte[]... parts) {
        return appendAll(type, List.<byte[][]>of(parts)).get(0);
    }

    /**
     * Appends records of one type in order (each record's payload is its parts concatenated); durable
     * only after {@link #sync}. They are framed into one reused direct buffer and written in few
     * large writes: each byte is copied once on its way to the kernel.
     */
    public synchronized List<ChunkLocation> appendAll(byte type, List<byte[][]> records) {
        checkHealthy();
        List<ChunkLocation> at = new ArrayList<>(records.size());
        ByteBuffer buf = staging();
        try {
            for (byte[][] parts : records) {
                int length = LogRecord.framedLength(parts);
                long end = active.size() + buf.position();
                if (end > 0 && end + length > segmentBytes) {
                    flush(buf);
                    roll();
                }
                long offset;
                if (length > buf.capacity()) {
                    flush(buf);
                    offset = active.append(LogRecord.frame(type, parts));
                } else {
                    if (length > buf.remaining()) {
                        flush(buf);
                    }
                    offset = active.size() + buf.position();
                    LogRecord.frameInto(buf, type, parts);
                }
                appended += length;
                at.add(new ChunkLocation(active.id, offset, length));
            }
            flush(buf);
            return at;
        } catch (IOException e) {
            failure = e;
            throw failed("append to", dir, e);
        }
    }

    /** The staging buffer, emptied (an append that failed half-way may have left records in it). */
    private ByteBuffer staging() {
        if (staging == null) {
            staging = ByteBuffer.allocateDirect(STAGING_BYTES);
        }
        return staging.clear();
    }

    private void flush(ByteBuffer buf) throws IOException {
        if (buf.position() > 0) {
            active.append(buf.flip());
            buf.clear();
        }
    }

    /**
     * Starts the next segment. The old one is made durable before anything lands in the new one, so
     * a torn record can only ever be at the end of the last segment.
     */
    private void roll() throws IOException {
        active.force();
        active.seal();
        LogSegment next = LogSegment.open(dir, active.id + 1);
        next.activate();
        segments.put(next.id, next);
        active = next;
    }

    /** Where the next record will be appended (or the end of a segment about to roll): a scan start. */
    public synchronized ChunkLocation position() {
        return new ChunkLocation(active.id, active.size(), 0);
    }

    /** A mark covering every record appended so far, for {@link #sync(long)}. */
    public synchronized long mark() {
        return appended;
    }

    /**
     * Returns once everything appended before {@code mark} is on disk. Group commit: writers that
     * arrive while an fsync runs wait for it, and the next fsync covers all of them at once.
     */
    public void sync(long mark) {
        synchronized (syncLock) {
            if (synced >= mark) {
                return;
            }
            checkHealthy();
            long target;
            LogSegment segment;
            synchronized (this) {
                target = appended;
                segment = active;
            }
            try {
                segment.force();
            } catch (IOException e) {
                // After a failed fsync the kernel may have dropped the dirty pages: never retry it.
                failure = e;
                throw failed("fsync", dir, e);
            }
            synced = target;
            syncs++;
        }
    }

    /** How many fsyncs {@link #sync} ran (group commit makes it fewer than syncing writers). */
    public long syncCount() {
        return syncs;
    }

    /**
     * The {@code length} bytes at {@code offset} of a segment, which may span several consecutive
     * records: a view of a sealed segment's mapping, else one positional read.
     *
     * @throws SegmentGoneException when compaction retired the segment meanwhile (look again)
     */
    public ByteBuffer span(long segment, long offset, int length) {
        LogSegment s = live(segment);
        try {
            return s.span(offset, length);
        } catch (ClosedChannelException e) {
            throw new SegmentGoneException(segment);
        } catch (IOException e) {
            throw failed("read", s.path, e);
        }
    }

    /**
     * What is mapped of a segment now (read-only), or null: not mapped yet, or retired. Records in
     * it are read with absolute gets and views; check what you read.
     */
    public ByteBuffer mapping(long segment) {
        LogSegment s = segments.get(segment);
        return s == null ? null : s.mapping();
    }

    /** One positional read, past the segment's mapping. */
    private byte[] readSpan(long segment, long offset, int length) {
        LogSegment s = live(segment);
        try {
            return s.readPositional(offset, length);
        } catch (ClosedChannelException e) {
            throw new SegmentGoneException(segment);
        } catch (IOException e) {
            throw failed("read", s.path, e);
        }
    }

    private LogSegment live(long segment) {
        LogSegment s = segments.get(segment);
        if (s == null) {
            throw new SegmentGoneException(segment);
        }
        return s;
    }

    /** The payload of a checked record inside a span read by {@link #readSpan}. */
    private static byte[] payload(byte[] span, int at, int length) {
        check(span, at, length);
        return Arrays.copyOfRange(span, at + LogRecord.HEADER_BYTES, at + length);
    }

    /** Checks the record of {@code length} bytes at {@code at} of a span (CRC32C, framing). */
    public static void check(byte[] span, int at, int length) {
        check(ByteBuffer.wrap(span), at, length);
    }

    /** Whether the record of {@code length} bytes at {@code at} of a span is whole and passes its CRC32C. */
    public static boolean intact(ByteBuffer span, int at, int length) {
        return LogRecord.check(span, at, length) == length - LogRecord.HEADER_BYTES;
    }

    /** As {@link #check(byte[], int, int)}, for a span {@link #span} gave. */
    public static void check(ByteBuffer span, int at, int length) {
        int n = LogRecord.check(span, at, length);
        if (n < 0 || LogRecord.HEADER_BYTES + n != length) {
            throw EngineException.internal("CHUNK_LOG_CORRUPT", "a chunk record fails its CRC32C check;"
                    + " the array's chunk log is damaged", null);
        }
    }

    /**
     * The payload of the record at {@code location}, checked: for compaction, which touches each
     * record once. It reads past the segment's mapping, whose pages would stay counted in the
     * process's resident memory.
     */
    public byte[] read(ChunkLocation location) {
        byte[] span = readSpan(location.segment(), location.offset(), location.length());
        return payload(span, 0, location.length());
    }

    /** Segment id -> size in bytes, for every segment but the active one. */
    public synchronized NavigableMap<Long, Long> sealedSegments() {
        NavigableMap<Long, Long> out = new TreeMap<>();
        for (Map.Entry<Long, LogSegment> e : segments.headMap(active.id, false).entrySet()) {
            out.put(e.getKey(), e.getValue().size());
        }
        return out;
    }

    /** Bytes in every segment, the active one included. */
    public long diskBytes() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    /**
     * Deletes a sealed segment whose live records have all been moved and committed elsewhere. Its
     * channel stays open for {@link #RETIRED_GRACE_NANOS} for readers already on their way to it.
     */
    public synchronized void retire(long segment) {
        if (segment >= active.id) {
            throw new IllegalArgumentException("segment " + segment + " is not sealed");
        }
        LogSegment s = segments.remove(segment);
        if (s == null) {
            return;
        }
        try {
            s.delete();
        } catch (IOException e) {
            throw failed("delete a segment of", dir, e);
        }
        retired.add(new Object[] {s, System.nanoTime()});
        closeRetired(false);
    }

    private void closeRetired(boolean all) {
        long now = System.nanoTime();
        for (Iterator<Object[]> it = retired.iterator(); it.hasNext(); ) {
            Object[] r = it.next();
            if (all || now - (Long) r[1] > RETIRED_GRACE_NANOS) {
                closeQuietly((LogSegment) r[0]);
                it.remove();
            }
        }
    }

    private void checkHealthy() {
        if (failure != null) {
            throw failed("write to (after an earlier failure)", dir, failure);
        }
    }

    private static EngineException failed(String what, Path where, IOException e) {
        return EngineException.internal("ARRAY_STORE_FAILED", "cannot " + what + " chunk log " + where + ": "
                + e.getMessage() + "; check the service's data directory (disk full or read-only?)",
                new UncheckedIOException(e));
    }

    private static void closeQuietly(LogSegment s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a read channel of a deleted file: nothing left to lose
        }
    }

    @Override
    public synchronized void close() {
        IOException first = null;
        if (active != null && failure == null) {
            try {
                active.force();
            } catch (IOException e) {
                first = e;
            }
        }
        segments.values().forEach(ChunkLog::closeQuietly);
        closeRetired(true);
        if (first != null) {
            throw failed("fsync on close", dir, first);
        }
    }
}
