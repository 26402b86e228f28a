package io.purebridge.server.rest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body without holding a thread while the client is slow: chunks are taken as
 * they arrive ({@link Request#demand}), counted against {@code maxBytes} as they come (so a chunked
 * body cannot grow past the cap before anything checks it), and the whole body must arrive before
 * {@code deadlineMillis}. Exactly one of the two callbacks runs, once.
 */
final class BodyReader implements Runnable {
    private final Request request;
    private final int maxBytes;
    /** Null when the body is only discarded: nothing of it is kept or parsed. */
    private final ByteArrayOutputStream bytes;
    private final Consumer<String> onBody;
    private final Consumer<FaRestError> onError;
    private final AtomicBoolean done = new AtomicBoolean();
    private long received;
    private Scheduler.Task deadline;

    private BodyReader(Request request, int maxBytes, boolean keep, Consumer<String> onBody,
            Consumer<FaRestError> onError) {
        this.request = request;
        this.maxBytes = maxBytes;
        this.bytes = keep ? new ByteArrayOutputStream() : null;
        this.onBody = onBody;
        this.onError = onError;
    }

    /**
     * Starts reading; returns at once. {@code onBody} gets the UTF-8 text (empty when there was no
     * body); {@code onError} gets a 400 that names the request body.
     */
    static void read(Request request, int maxBytes, long deadlineMillis, Consumer<String> onBody,
            Consumer<FaRestError> onError) {
        start(new BodyReader(request, maxBytes, true, onBody, onError), deadlineMillis);
    }

    /**
     * A callback that, once the answer is written, reads and drops the rest of the body (within the
     * same bounds) before completing {@code then}. An answer given before the body was read (a bad
     * token, an unknown resource) would otherwise close the connection on bytes still arriving:
     * the kernel then resets it, and a client that sends its whole body before reading, as urllib3
     * (so py-pure-client) does, sees a broken connection instead of the answer.
     */
    static Callback discardThen(Request request, int maxBytes, long deadlineMillis, Callback then) {
        return Callback.from(() -> start(new BodyReader(request, maxBytes, false, body -> then.succeeded(),
                error -> then.succeeded()), deadlineMillis), then::failed);
    }

    private static void start(BodyReader reader, long deadlineMillis) {
        Request request = reader.request;
        Scheduler scheduler = request.getComponents().getScheduler();
        reader.deadline = scheduler.schedule(() -> reader.fail(FaRestError.badRequest(null,
                "Invalid request body: it did not arrive within " + deadlineMillis + " ms.")),
                deadlineMillis, TimeUnit.MILLISECONDS);
        reader.run();
    }

    /** Reads what is there; asks to be called again when more arrives. */
    @Override
    public void run() {
        while (!done.get()) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                fail(FaRestError.badRequest(null, "Invalid request body: it could not be read ("
                        + chunk.getFailure().getClass().getSimpleName() + ")."));
                return;
            }
            ByteBuffer buffer = chunk.getByteBuffer();
            int remaining = buffer.remaining();
            received += remaining;
            if (received > maxBytes) {
                chunk.release();
                fail(FaRestError.badRequest(null, "Invalid request body: larger than " + maxBytes + " bytes."));
                return;
            }
            if (bytes != null) {
                byte[] copy = new byte[remaining];
                buffer.get(copy);
                bytes.write(copy, 0, copy.length);
            }
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                finish();
                return;
            }
        }
    }

    private void finish() {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        deadline.cancel();
        if (bytes == null) {
            onBody.accept("");
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            onError.accept(FaRestError.badRequest(null, "Invalid request body: it is not UTF-8."));
            return;
        }
        onBody.accept(text);
    }

    private void fail(FaRestError error) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        if (deadline != null) {
            deadline.cancel();
        }
        onError.accept(error);
    }
}
