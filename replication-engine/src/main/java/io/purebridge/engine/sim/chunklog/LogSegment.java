package io.purebridge.engine.sim.chunklog;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file of a chunk log, {@code <id in hex>.seg}: records appended at its end, read at any
 * offset with positional reads on one open channel (no per-read open, safe from many threads).
 * Appends are serialized by {@link ChunkLog}.
 */
final class LogSegment implements AutoCloseable {
    static final String SUFFIX = ".seg";

    final long id;
    final Path path;
    private final FileChannel channel;
    private volatile long size;
    /** The whole file mapped once it is sealed (never written again): reads decode straight from the page cache. */
    private volatile MappedByteBuffer sealedMap;

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
        return new LogSegment(id, p, ch, ch.size());
    }

    long size() {
        return size;
    }

    /** Writes a framed record at the end; returns its offset. Not durable until {@link #force()}. */
    long append(ByteBuffer record) throws IOException {
        long at = size;
        long pos = at;
        while (record.hasRemaining()) {
            pos += channel.write(record, pos);
        }
        size = pos;
        return at;
    }

    /** Maps a sealed segment for reading; the active one keeps using positional reads. */
    void seal() throws IOException {
        if (sealedMap == null && size > 0 && size <= Integer.MAX_VALUE) {
            sealedMap = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }

    /**
     * {@code length} bytes at {@code offset}: of a sealed segment, a view of its mapping (no copy;
     * the view keeps the mapping alive after the segment is retired); else one positional read.
     */
    ByteBuffer span(long offset, int length) throws IOException {
        MappedByteBuffer map = sealedMap;
        if (map != null && offset + length <= map.capacity()) {
            return map.slice((int) offset, length);
        }
        return ByteBuffer.wrap(readPositional(offset, length));
    }

    /** {@code length} bytes at {@code offset} by one positional read, sealed or not. */
    byte[] readPositional(long offset, int length) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(length);
        read(offset, out);
        return out.array();
    }

    /** Fills {@code into} from {@code offset}; fails on a short file. */
    void read(long offset, ByteBuffer into) throws IOException {
        long pos = offset;
        while (into.hasRemaining()) {
            int n = channel.read(into, pos);
            if (n < 0) {
                throw new EOFException(path + ": record at " + offset + " runs past the end of the segment");
            }
            pos += n;
        }
    }

    void force() throws IOException {
        channel.force(false);
    }

    /** Cuts a torn tail off. */
    void truncate(long newSize) throws IOException {
        channel.truncate(newSize);
        channel.force(true);
        size = newSize;
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    void delete() throws IOException {
        Files.deleteIfExists(path);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
