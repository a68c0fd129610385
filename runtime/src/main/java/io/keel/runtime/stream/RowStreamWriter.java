package io.keel.runtime.stream;

import io.helidon.webserver.CloseConnectionException;
import io.micrometer.core.instrument.Counter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A response body stream for row-by-row exports with a fixed-size buffer and honest backpressure.
 * <p>
 * Rows are formatted into a buffer of {@link RowStreams.Config#bufferBytes()}; when it is full it is written to the
 * response, and that write blocks while the client is not reading. The producer (typically a database cursor loop
 * on the request's virtual thread) is therefore slowed to the client's pace and memory never grows with the number
 * of rows. A failed write (client disconnected) surfaces as {@link ClientGoneException} from {@code write},
 * {@code flush} or {@code close}; every later call fails the same way at once, so the producer stops promptly.
 * <p>
 * Not thread-safe: one producer thread per writer. Blocks in {@code write}/{@code flush} when the buffer drains to a
 * slow client. Open with {@link RowStreams#open}.
 */
public final class RowStreamWriter extends OutputStream {
    private final OutputStream out;
    private final byte[] buffer;
    private final Counter bytes;
    private final AtomicInteger active;
    private int count;
    private boolean closed;
    private ClientGoneException gone;

    RowStreamWriter(OutputStream out, int bufferBytes, Counter bytes, AtomicInteger active) {
        this.out = out;
        this.buffer = new byte[bufferBytes];
        this.bytes = bytes;
        this.active = active;
        active.incrementAndGet();
    }

    @Override
    public void write(int b) {
        ensureOpen();
        if (count == buffer.length) {
            drain();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        if (len >= buffer.length) {
            // Larger than the whole buffer: copying would only add a pass, write it through.
            drain();
            sink(b, off, len);
            return;
        }
        if (len > buffer.length - count) {
            drain();
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    /** Sends everything buffered to the client now; blocks until the socket accepted it. */
    @Override
    public void flush() {
        ensureOpen();
        drain();
        try {
            out.flush();
        } catch (IOException | UncheckedIOException | CloseConnectionException e) {
            throw gone(e);
        }
    }

    /** Flushes and closes the response body. Idempotent; the stream stops counting as active even when it fails. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        active.decrementAndGet();
        if (gone != null) {
            return; // the caller already got ClientGoneException; closing must not mask or repeat it
        }
        try {
            drain();
            out.close();
        } catch (IOException | UncheckedIOException | CloseConnectionException e) {
            throw gone(e);
        }
    }

    private void drain() {
        if (count > 0) {
            int n = count;
            count = 0;
            sink(buffer, 0, n);
        }
    }

    private void sink(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException | UncheckedIOException | CloseConnectionException e) {
            throw gone(e);
        }
        bytes.increment(len);
        Carriers.yieldIfVirtual();
    }

    private ClientGoneException gone(Exception cause) {
        gone = new ClientGoneException("Client disconnected while streaming the response", cause);
        return gone;
    }

    private void ensureOpen() {
        if (gone != null) {
            // A fresh instance: try-with-resources may attach it to the first one, and self-suppression is illegal.
            throw new ClientGoneException("Client already disconnected", gone);
        }
        if (closed) {
            throw new IllegalStateException("Row stream already closed");
        }
    }
}
