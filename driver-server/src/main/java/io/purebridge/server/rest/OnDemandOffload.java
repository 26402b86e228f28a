package io.purebridge.server.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.offload.OffloadService;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.offload.OffloadedSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volume snapshots taken "on" an offload target ({@code POST /remote-volume-snapshots?on=}), sent
 * as a FlashArray sends them: the array snapshots the volume, answers, and sends the snapshot in the
 * background; once the target holds it, the local copy is dropped, so it lives on the target only,
 * kept until deleted. The target lists it only once complete; until then
 * {@code /remote-volume-snapshots/transfer} shows the send.
 *
 * <p>An answered send is never lost: it is recorded in a state file before the answer, and a send
 * that failed, or that a restart cut short, is started again on the arrays' next offload run
 * ({@link #resume}), from the local snapshot kept until then. Idempotent by name: a suffix the
 * target holds, or is being sent, for that volume returns it and takes nothing.
 */
final class OnDemandOffload implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OnDemandOffload.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SENDERS = 2;

    /** A send: the local snapshot of {@code array} (as the front end names it) to {@code target} as arrays call it. */
    record Send(String array, String snapshot, String target) {
    }

    private final OffloadTargets targets;
    private final Map<String, Supplier<? extends FlashArray>> arrays;
    private final Path file;
    /** Guarded by this: answered and not yet complete; and those of them running now. */
    private final Set<Send> pending;
    private final Set<Send> running = new HashSet<>();
    private final ExecutorService sender;
    private volatile boolean closing;

    private OnDemandOffload(OffloadTargets targets, Map<String, Supplier<? extends FlashArray>> arrays, Path file,
            Set<Send> pending) {
        this.targets = targets;
        this.arrays = Map.copyOf(arrays);
        this.file = file;
        this.pending = pending;
        AtomicInteger n = new AtomicInteger();
        // Two at a time: each send already reads and uploads in parallel; more are queued.
        this.sender = Executors.newFixedThreadPool(SENDERS, r -> {
            Thread t = new Thread(r, "on-demand-offload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Reads the sends a previous process answered and did not finish ({@code file} absent: none). */
    static OnDemandOffload load(OffloadTargets targets, Map<String, Supplier<? extends FlashArray>> arrays, Path file)
            throws IOException {
        Set<Send> pending = new LinkedHashSet<>();
        if (Files.exists(file)) {
            pending.addAll(JSON.readValue(file.toFile(), new TypeReference<List<Send>>() { }));
        }
        return new OnDemandOffload(targets, arrays, file, pending);
    }

    /** What POST answers: a snapshot the target holds, or one answered and still being sent. */
    record Taken(Optional<OffloadedSnapshot> held, Optional<SnapshotRecord> sending) {
    }

    /**
     * Takes a snapshot of {@code volume} named {@code volume.suffix} (null: the next number) on
     * {@code target} (as arrays call it) and starts sending it.
     */
    Taken take(ArrayContext ctx, String target, OffloadService service, String volume, String suffix) {
        FlashArray array = ctx.array();
        String arrayName = array.arrayInfo().name();
        List<OffloadedSnapshot> held = service.list();
        if (suffix != null) {
            String name = volume + "." + suffix;
            Optional<OffloadedSnapshot> same = held.stream().filter(s -> s.name().equals(arrayName + ":" + name))
                    .findFirst();
            if (same.isPresent()) {
                return new Taken(same, Optional.empty());
            }
            if (isPending(new Send(ctx.arrayName(), name, target))) {
                Optional<SnapshotRecord> local = array.findSnapshot(name);
                if (local.isPresent()) {
                    return new Taken(Optional.empty(), local);
                }
            }
        }
        SnapshotRecord local;
        try {
            local = array.createSnapshot(volume, suffix != null ? suffix : nextSuffix(array, held, volume));
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Volume", volume);
        }
        Send send = new Send(ctx.arrayName(), local.name(), target);
        synchronized (this) {
            pending.add(send);
            try {
                save();
            } catch (IOException e) {
                pending.remove(send);
                dropLocal(array, local.name());
                throw new UncheckedIOException("cannot record the send of " + local.name() + " in " + file, e);
            }
        }
        start(send);
        return new Taken(Optional.empty(), Optional.of(local));
    }

    synchronized boolean isPending(Send send) {
        return pending.contains(send);
    }

    /** The sends of {@code array} to {@code target} answered and not yet complete. */
    synchronized List<Send> pending(String array, String target) {
        return pending.stream().filter(s -> s.array().equals(array) && s.target().equals(target)).toList();
    }

    /** Starts every answered send that is not running: those that failed, or that a restart cut short. */
    void resume() {
        List<Send> all;
        synchronized (this) {
            all = new ArrayList<>(pending);
        }
        all.forEach(this::start);
    }

    private void start(Send send) {
        synchronized (this) {
            if (!pending.contains(send) || !running.add(send)) {
                return;
            }
        }
        try {
            sender.execute(() -> {
                try {
                    if (!closing) {
                        sendNow(send); // else left to the next process, which resumes it
                    }
                } finally {
                    synchronized (this) {
                        running.remove(send);
                    }
                }
            });
        } catch (RejectedExecutionException closing) {
            synchronized (this) {
                running.remove(send); // closing: the next process resumes it
            }
        }
    }

    private void sendNow(Send send) {
        try {
            Supplier<? extends FlashArray> of = arrays.get(send.array());
            if (of == null) {
                LOG.warn("array {} left the configuration; its snapshot {} waits to be sent to {}", send.array(),
                        send.snapshot(), send.target());
                return;
            }
            FlashArray array = of.get();
            String name = targets.byNameOnArrays(send.target()).orElseThrow(() -> EngineException.notFound(
                    "OFFLOAD_TARGET_NOT_FOUND", "offload target " + send.target() + " left the configuration"));
            OffloadService service = targets.service(name);
            if (array.findSnapshot(send.snapshot()).filter(s -> !s.destroyed()).isEmpty()) {
                String remote = array.arrayInfo().name() + ":" + send.snapshot();
                boolean there = service.list().stream().anyMatch(s -> s.name().equals(remote));
                if (!there) {
                    LOG.warn("array {}: snapshot {} is gone before it was sent to {}; it will not be sent",
                            send.array(), send.snapshot(), send.target());
                }
                done(send);
                return;
            }
            service.offload(array, send.snapshot(), 0);
            dropLocal(array, send.snapshot());
            done(send);
            LOG.info("array {}: snapshot {} sent to offload target {}", send.array(), send.snapshot(), send.target());
        } catch (RuntimeException e) { // an array closing under it too: nothing is lost, the record stays
            LOG.warn("array {}: sending snapshot {} to {} failed; retried on the next offload run: {}", send.array(),
                    send.snapshot(), send.target(), e.getMessage());
        }
    }

    private synchronized void done(Send send) {
        if (pending.remove(send)) {
            try {
                save();
            } catch (IOException e) {
                pending.add(send); // sent again next run: idempotent, and the local copy is gone or dropped then
                throw new UncheckedIOException("cannot record the end of the send of " + send.snapshot(), e);
            }
        }
    }

    private void save() throws IOException {
        StateFiles.replace(file, JSON.writeValueAsBytes(List.copyOf(pending)));
    }

    /** Without a suffix: one past the highest number among the volume's snapshots, local and offloaded. */
    private static String nextSuffix(FlashArray array, List<OffloadedSnapshot> held, String volume) {
        long max = 0;
        for (SnapshotRecord s : array.listSnapshots(volume)) {
            max = Math.max(max, number(s.suffix()));
        }
        String arrayName = array.arrayInfo().name();
        for (OffloadedSnapshot s : held) {
            if (s.sourceArray().equals(arrayName) && s.snapshot().startsWith(volume + ".")) {
                max = Math.max(max, number(s.snapshot().substring(volume.length() + 1)));
            }
        }
        return Long.toString(max + 1);
    }

    private static long number(String suffix) {
        return suffix.matches("[0-9]{1,18}") ? Long.parseLong(suffix) : 0;
    }

    /** The local copy was only the source of the send; failing to drop it is logged, not the send's failure. */
    private static void dropLocal(FlashArray array, String snapshot) {
        try {
            array.destroySnapshot(snapshot);
            array.eradicateSnapshot(snapshot);
        } catch (EngineException e) {
            LOG.warn("snapshot {} was sent to its offload target but stays on the array: {}", snapshot, e.getMessage());
        }
    }

    /**
     * Starts no more sends and lets running ones end on their own (not interrupted: they read the
     * arrays' data); one queued, or cut short by the arrays closing, is resumed by the next process.
     */
    @Override
    public void close() {
        closing = true;
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
