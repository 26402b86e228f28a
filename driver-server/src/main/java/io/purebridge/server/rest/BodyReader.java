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
    private final Consumer<String> onBody;
    private final Consumer<FaRestError> onError;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicBoolean done = new AtomicBoolean();
    private Scheduler.Task deadline;

    private BodyReader(Request request, int maxBytes, Consumer<String> onBody, Consumer<FaRestError> onError) {
        this.request = request;
        this.maxBytes = maxBytes;
        this.onBody = onBody;
        this.onError = onError;
    }

    /**
     * Starts reading; returns at once. {@code onBody} gets the UTF-8 text (empty when there was no
     * body); {@code onError} gets a 400 that names the request body.
     */
    static void read(Request request, int maxBytes, long deadlineMillis, Consumer<String> onBody,
            Consumer<FaRestError> onError) {
        BodyReader reader = new BodyReader(request, maxBytes, onBody, onError);
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
            if (bytes.size() + (long) remaining > maxBytes) {
                chunk.release();
                fail(FaRestError.badRequest(null, "Invalid request body: larger than " + maxBytes + " bytes."));
                return;
            }
            byte[] copy = new byte[remaining];
            buffer.get(copy);
            bytes.write(copy, 0, copy.length);
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
