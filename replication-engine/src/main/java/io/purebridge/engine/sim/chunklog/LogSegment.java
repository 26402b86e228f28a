package io.purebridge.engine.sim.chunklog;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file of a chunk log, {@code <id in hex>.seg}: records appended at its end, read at any
 * offset with positional reads on one open channel (no per-read open, safe from many threads).
 * Appends are serialized by {@link ChunkLog}.
 *
 * <p>The JDK closes a channel when a thread blocked in it is interrupted, for every thread that
 * uses it. Reads and appends reopen the channel and go again when that happens (a positional read
 * or write of the same bytes is idempotent) and leave the caller's interrupt status as it was.
 * fsync must never be retried that way: a channel closed under an interrupt may hide its error, and
 * after a failed fsync the data may be lost while a second fsync succeeds. So fsync goes through a
 * file descriptor outside any channel ({@link FileDescriptor#sync()}, not interruptible), opened
 * before the segment's first append so it is told of every write error; fsync flushes the file's
 * pages whichever descriptor wrote them.
 */
final class LogSegment implements AutoCloseable {
    static final String SUFFIX = ".seg";
    /** Reopens in a row before a call whose thread is interrupted again and again gives up. */
    private static final int MAX_REOPENS = 16;
    /** Growth of the active segment before its written part is mapped again (a few maps per segment). */
    static final long REMAP_BYTES = 8 << 20;

    final long id;
    final Path path;
    /** Reads and appends; replaced when an interrupt closed it. */
    private volatile FileChannel channel;
    /** fsync and truncation of the active segment; null once sealed. Guarded by this. */
    private RandomAccessFile syncFile;
    private volatile boolean closed;
    private volatile long size;
    /** The whole file mapped once it is sealed (never written again): reads decode straight from the page cache. */
    private volatile MappedByteBuffer sealedMap;
    /**
     * While active: the part written so far, mapped again each time it has grown by
     * {@link #REMAP_BYTES}, so reads of recent data also decode from the page cache. Appends past
     * it are seen through the page cache once mapped; nothing is ever mapped past what was written.
     */
    private volatile MappedByteBuffer writtenMap;
    /** Taken to map: not this, which an fsync holds for milliseconds. */
    private final Object mapLock = new Object();

    private LogSegment(long id, Path path, FileChannel channel, long size) {
        this.id = id;
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    static Path path(Path dir, long id) {
        return dir.resolve(String.format("%016x", id) + SUFFIX);
    }

    /** The id of a segment file name, or -1 for any other file. */
    static long idOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() != 16 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(name.substring(0, 16), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static LogSegment open(Path dir, long id) throws IOException {
        Path p = path(dir, id);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new LogSegment(id, p, ch, Files.size(p)); // not ch.size(): a pending interrupt would close ch
    }

    long size() {
        return size;
    }

    /** Opens the fsync descriptor: before the first append to the segment, so it sees every write error. */
    synchronized void activate() throws IOException {
        syncFile = new RandomAccessFile(path.toFile(), "rw");
    }

    /** Writes a framed record at the end; returns its offset. Not durable until {@link #force()}. */
    long append(ByteBuffer record) throws IOException {
        long at = size;
        int from = record.position();
        long end = retryingClosed(ch -> {
            record.position(from);
            long pos = at;
            while (record.hasRemaining()) {
                pos += ch.write(record, pos);
            }
            return pos;
        });
        size = end;
        return at;
    }

    /**
     * Maps a sealed segment for reading (the active one keeps using positional reads) and closes its
     * fsync descriptor. Call only after a {@link #force()} that covered every append.
     */
    void seal() throws IOException {
        synchronized (this) {
            if (syncFile != null) {
                syncFile.close();
                syncFile = null;
            }
        }
        synchronized (mapLock) {
            if (sealedMap == null && size > 0 && size <= Integer.MAX_VALUE) {
                sealedMap = retryingClosed(ch -> ch.map(FileChannel.MapMode.READ_ONLY, 0, size));
            }
            writtenMap = null;
        }
    }

    /**
     * {@code length} bytes at {@code offset}: a view of the segment's mapping when one covers them
     * (no copy; the view keeps the mapping alive after the segment is retired), else one positional
     * read (the last few MiB written to the active segment).
     */
    ByteBuffer span(long offset, int length) throws IOException {
        MappedByteBuffer map = sealedMap;
        if (map == null) {
            map = writtenMap(offset + length);
        }
        if (map != null && offset + length <= map.capacity()) {
            return map.slice((int) offset, length);
        }
        return ByteBuffer.wrap(readPositional(offset, length));
    }

    /** What is mapped of the segment now (all of it once sealed), or null: no I/O, no new mapping. */
    ByteBuffer mapping() {
        MappedByteBuffer map = sealedMap;
        return map != null ? map : writtenMap;
    }

    /** The active segment's written part, mapped again when a read needs more and enough was added. */
    private MappedByteBuffer writtenMap(long end) throws IOException {
        MappedByteBuffer map = writtenMap;
        long mapped = map == null ? 0 : map.capacity();
        long written = size;
        if (end <= mapped || end > written || written - mapped < REMAP_BYTES || written > Integer.MAX_VALUE) {
            return map;
        }
        synchronized (mapLock) {
            if (sealedMap != null || closed) {
                return sealedMap;
            }
            if (writtenMap == map) {
                writtenMap = retryingClosed(ch -> ch.map(FileChannel.MapMode.READ_ONLY, 0, written));
            }
            return writtenMap;
        }
    }

    /** {@code length} bytes at {@code offset} by one positional read, sealed or not. */
    byte[] readPositional(long offset, int length) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(length);
        read(offset, out);
        return out.array();
    }

    /** Fills {@code into} from {@code offset}; fails on a short file. */
    void read(long offset, ByteBuffer into) throws IOException {
        int from = into.position();
        retryingClosed(ch -> {
            into.position(from);
            long pos = offset;
            while (into.hasRemaining()) {
                int n = ch.read(into, pos);
                if (n < 0) {
                    throw new EOFException(path + ": record at " + offset + " runs past the end of the segment");
                }
                pos += n;
            }
            return pos;
        });
    }

    /**
     * fsync; a sealed segment was made durable before it was sealed. Holds this so that sealing
     * cannot close the descriptor (and let its number be reused) under a running fsync.
     */
    synchronized void force() throws IOException {
        if (syncFile != null) {
            syncFile.getFD().sync();
        }
    }

    /**
     * Cuts a torn tail off the active segment, durably. Only during recovery, before any read has
     * mapped the segment (a mapping past a file's end faults when touched).
     */
    synchronized void truncate(long newSize) throws IOException {
        if (writtenMap != null || sealedMap != null) {
            throw new IllegalStateException(path + " is mapped for reads; a torn tail is cut only during recovery");
        }
        syncFile.setLength(newSize);
        syncFile.getFD().sync();
        size = newSize;
    }

    private interface ChannelCall<T> {
        T on(FileChannel channel) throws IOException;
    }

    /**
     * Runs a call on the channel; when an interrupt (of this thread or of another one using the
     * channel) closed it, reopens it and runs the call again. Ends with this thread's interrupt
     * status as it found it, or set if an interrupt arrived meanwhile.
     */
    private <T> T retryingClosed(ChannelCall<T> call) throws IOException {
        boolean interrupted = false;
        try {
            for (int reopens = 0; ; reopens++) {
                FileChannel ch = channel;
                try {
                    return call.on(ch);
                } catch (ClosedChannelException e) {
                    if (closed || reopens == MAX_REOPENS) {
                        throw e;
                    }
                    interrupted |= Thread.interrupted();
                    reopen(ch);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Replaces {@code failed} with a new channel, unless another caller already did. */
    private synchronized void reopen(FileChannel failed) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (channel == failed) {
            try {
                channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                throw new ClosedChannelException(); // retired and deleted meanwhile: the caller looks again
            }
        }
    }

    void delete() throws IOException {
        Files.deleteIfExists(path);
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        try {
            if (syncFile != null) {
                syncFile.close();
                syncFile = null;
            }
        } finally {
            channel.close();
        }
    }
}
