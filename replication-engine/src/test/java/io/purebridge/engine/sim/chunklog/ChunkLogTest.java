package io.purebridge.engine.sim.chunklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.error.EngineException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChunkLogTest {
    @TempDir
    Path dir;

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recordsReadBackAndSegmentsRollAtTheirSize() {
        List<ChunkLocation> at = new ArrayList<>();
        try (ChunkLog log = ChunkLog.open(dir, 100)) {
            log.recover(null, c -> { });
            for (int i = 0; i < 10; i++) {
                at.add(log.append(LogRecord.CHUNK, text("chunk-" + i), new byte[30]));
            }
            log.sync(log.mark());
            assertThat(log.sealedSegments()).isNotEmpty();
            assertThat(at.get(9).segment()).isGreaterThan(at.get(0).segment());
        }
        try (ChunkLog log = ChunkLog.open(dir, 100)) {
            log.recover(null, c -> { });
            for (int i = 0; i < 10; i++) {
                assertThat(new String(log.read(at.get(i)), 0, 7, StandardCharsets.UTF_8)).isEqualTo("chunk-" + i);
            }
        }
    }

    /** Batches frame records through a staging buffer: rolls and a record larger than it included. */
    @Test
    void aBatchOfRecordsReadsBackAcrossRollsAndAReopen() {
        java.util.Random random = new java.util.Random(5);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            byte[] p = new byte[i == 60 ? (5 << 20) + 7 : 40_000 + random.nextInt(20_000)];
            random.nextBytes(p);
            payloads.add(p);
        }
        List<ChunkLocation> at;
        try (ChunkLog log = ChunkLog.open(dir, 1 << 20)) {
            log.recover(null, c -> { });
            log.append(LogRecord.CHUNK, text("before"));
            at = log.appendAll(LogRecord.CHUNK, payloads.stream().map(p -> new byte[][] {text("h"), p}).toList());
            log.sync(log.mark());
            assertThat(at.stream().map(ChunkLocation::segment).distinct().count()).isGreaterThan(5);
        }
        try (ChunkLog log = ChunkLog.open(dir, 1 << 20)) {
            log.recover(null, c -> { });
            for (int i = 0; i < payloads.size(); i++) {
                byte[] payload = log.read(at.get(i));
                assertThat(payload.length).isEqualTo(1 + payloads.get(i).length);
                assertThat(java.util.Arrays.copyOfRange(payload, 1, payload.length)).as("record %d", i)
                        .isEqualTo(payloads.get(i));
            }
        }
    }

    @Test
    void aTornTailIsCutOffAndCommitsAfterTheAppliedOneAreReplayed() throws Exception {
        ChunkLocation applied;
        try (ChunkLog log = ChunkLog.open(dir, 1 << 20)) {
            log.recover(null, c -> { });
            applied = log.append(LogRecord.COMMIT, text("one"));
            log.append(LogRecord.CHUNK, text("body"));
            log.append(LogRecord.COMMIT, text("two"));
            log.append(LogRecord.COMMIT, text("three, torn"));
            log.sync(log.mark());
        }
        Path segment = LogSegment.path(dir, 1);
        long size;
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            size = f.length();
            f.setLength(size - 3); // the last record lost its end in a crash
        }
        List<String> replayed = new ArrayList<>();
        try (ChunkLog log = ChunkLog.open(dir, 1 << 20)) {
            log.recover(applied, c -> replayed.add(new String(c, StandardCharsets.UTF_8)));
            assertThat(replayed).containsExactly("two");
            assertThat(log.diskBytes()).isEqualTo(size - LogRecord.HEADER_BYTES - "three, torn".length());
            ChunkLocation next = log.append(LogRecord.COMMIT, text("four"));
            assertThat(next.offset()).isEqualTo(log.diskBytes() - next.length());
        }
    }

    @Test
    void aDamagedRecordFailsItsChecksumOnRead() throws Exception {
        ChunkLocation at;
        try (ChunkLog log = ChunkLog.open(dir, 1 << 20)) {
            log.recover(null, c -> { });
            at = log.append(LogRecord.CHUNK, text("precious bytes"));
            log.sync(log.mark());
        }
        try (RandomAccessFile f = new RandomAccessFile(LogSegment.path(dir, 1).toFile(), "rw")) {
            f.seek(at.offset() + LogRecord.HEADER_BYTES + 3);
            f.write('X');
        }
        try (ChunkLog log = ChunkLog.open(dir, 1 << 20)) {
            assertThatThrownBy(() -> log.read(at)).isInstanceOfSatisfying(EngineException.class,
                    e -> assertThat(e.reason()).isEqualTo("CHUNK_LOG_CORRUPT"));
        }
    }

    /** Reads of a sealed segment decode from its mapping: the check runs there too. */
    @Test
    void aDamagedRecordOfASealedSegmentFailsItsChecksumInTheMapping() throws Exception {
        ChunkLocation at;
        try (ChunkLog log = ChunkLog.open(dir, 100)) {
            log.recover(null, c -> { });
            at = log.append(LogRecord.CHUNK, text("precious bytes"), new byte[90]);
            log.append(LogRecord.CHUNK, text("the next segment"));
            log.sync(log.mark());
            assertThat(log.sealedSegments()).containsKey(at.segment());
            ByteBuffer span = log.span(at.segment(), at.offset(), at.length());
            assertThat(span.isDirect()).as("a view of the sealed segment's mapping, not a copy").isTrue();
            ChunkLog.check(span, 0, at.length());
        }
        try (RandomAccessFile f = new RandomAccessFile(LogSegment.path(dir, at.segment()).toFile(), "rw")) {
            f.seek(at.offset() + LogRecord.HEADER_BYTES + 3);
            f.write('X');
        }
        try (ChunkLog log = ChunkLog.open(dir, 100)) {
            // no recover(): its scan would refuse the damage before any read (a test of its own)
            ByteBuffer span = log.span(at.segment(), at.offset(), at.length());
            assertThat(span.isDirect()).isTrue();
            assertThatThrownBy(() -> ChunkLog.check(span, 0, at.length())).isInstanceOfSatisfying(
                    EngineException.class, e -> assertThat(e.reason()).isEqualTo("CHUNK_LOG_CORRUPT"));
        }
    }

    /** Recent records of the active segment are read from a mapping of its written part too. */
    @Test
    void theActiveSegmentIsMappedAsItGrowsAndReadsMatchWhileAWriterAppends() throws Exception {
        int recordBytes = 1 << 20;
        int records = (int) (4 * LogSegment.REMAP_BYTES / recordBytes);
        java.util.Random random = new java.util.Random(7);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            byte[] p = new byte[recordBytes];
            random.nextBytes(p);
            payloads.add(p);
        }
        try (ChunkLog log = ChunkLog.open(dir, 1L << 30)) {
            log.recover(null, c -> { });
            List<ChunkLocation> at = java.util.Collections.synchronizedList(new ArrayList<>());
            int firstBatch = (int) (LogSegment.REMAP_BYTES / recordBytes) + 1;
            for (int i = 0; i < firstBatch; i++) {
                at.add(log.append(LogRecord.CHUNK, payloads.get(i)));
            }
            log.sync(log.mark());
            ByteBuffer first = log.span(at.get(0).segment(), at.get(0).offset(), at.get(0).length());
            assertThat(first.isDirect()).as("a view of the active segment's mapping").isTrue();
            assertThat(payloadOf(first)).isEqualTo(payloads.get(0));
            ChunkLocation tail = log.append(LogRecord.CHUNK, payloads.get(firstBatch));
            at.add(tail);
            log.sync(log.mark());
            ByteBuffer copied = log.span(tail.segment(), tail.offset(), tail.length());
            assertThat(copied.isDirect()).as("written after the mapping, less than a remap's worth: one read").isFalse();
            assertThat(payloadOf(copied)).isEqualTo(payloads.get(firstBatch));

            // Readers check every record written so far while the writer goes on (and remaps happen).
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            ExecutorService readers = Executors.newFixedThreadPool(2);
            List<Future<Integer>> checked = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int seed = r;
                checked.add(readers.submit(() -> {
                    java.util.Random pick = new java.util.Random(seed);
                    int n = 0;
                    while (writing.get() || n < 100) {
                        int i = pick.nextInt(at.size());
                        ChunkLocation loc = at.get(i);
                        assertThat(payloadOf(log.span(loc.segment(), loc.offset(), loc.length())))
                                .as("record %d", i).isEqualTo(payloads.get(i));
                        n++;
                    }
                    return n;
                }));
            }
            for (int i = firstBatch + 1; i < records; i++) {
                ChunkLocation loc = log.append(LogRecord.CHUNK, payloads.get(i));
                log.sync(log.mark());
                at.add(loc);
            }
            writing.set(false);
            for (Future<Integer> f : checked) {
                assertThat(f.get()).isGreaterThanOrEqualTo(100);
            }
            readers.shutdown();
            ChunkLocation late = at.get(records - (int) (LogSegment.REMAP_BYTES / recordBytes) - 1);
            assertThat(log.span(late.segment(), late.offset(), late.length()).isDirect()).isTrue();
        }
    }

    /** The payload of one whole checked record (header and CRC32C first). */
    private static byte[] payloadOf(ByteBuffer span) {
        ChunkLog.check(span, 0, span.remaining());
        byte[] out = new byte[span.remaining() - LogRecord.HEADER_BYTES];
        span.get(LogRecord.HEADER_BYTES, out);
        return out;
    }

    @Test
    void concurrentWritersShareFsyncs() throws Exception {
        int writers = 8;
        int each = 50;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (ChunkLog log = ChunkLog.open(dir, 1 << 20)) {
            log.recover(null, c -> { });
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        log.append(LogRecord.CHUNK, new byte[4096]);
                        log.sync(log.mark());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
            assertThat(log.syncCount()).as("fsyncs for %d acknowledged appends", writers * each)
                    .isLessThan(writers * each);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRetiredSegmentStaysReadableForReadersAlreadyOnTheirWay() {
        try (ChunkLog log = ChunkLog.open(dir, 64)) {
            log.recover(null, c -> { });
            ChunkLocation old = log.append(LogRecord.CHUNK, new byte[60]);
            log.append(LogRecord.CHUNK, new byte[60]);
            log.retire(old.segment());
            assertThat(LogSegment.path(dir, old.segment())).doesNotExist();
            assertThatThrownBy(() -> log.read(old)).isInstanceOf(SegmentGoneException.class);
            assertThatThrownBy(() -> log.retire(log.position().segment())).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
