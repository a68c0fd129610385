package io.keel.runtime.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs a blocking writer (a database cursor formatting its rows) on its own platform thread and copies the bytes it
 * writes to a target on the calling thread, in chunks, through a {@link PlatformProducer}. The hand-off is per chunk
 * of bytes, not per row: measured on embedded H2, handing 1M rows one object at a time and formatting them on the
 * request thread cost most of an export's CPU, and formatting on the producer side lets the database read and
 * format on one core while the request thread writes to the socket on the other.
 * <p>
 * Backpressure and stopping are {@link PlatformProducer}'s: at most {@code depth} chunks wait, a slow target blocks
 * the writer, and a target that fails (client gone) stops the writer and joins it before {@link #run} returns. Bytes
 * reach the target only in whole chunks and only what the writer wrote before it returned or failed; a writer that
 * fails keeps its unfinished chunk, so the caller decides what a failure looks like. One instance, one run.
 */
public final class PlatformWriter {
    /** Writes everything to {@code out}; may block. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws Exception;
    }

    private final PlatformProducer<byte[]> producer;
    private final int chunkBytes;

    /**
     * @param name       the platform thread's name
     * @param chunkBytes bytes per hand-over, at least 512
     * @param depth      chunks queued at most, at least 1
     */
    public PlatformWriter(String name, int chunkBytes, int depth) {
        if (chunkBytes < 512 || depth < 1) {
            throw new IllegalArgumentException("platform writer needs chunkBytes >= 512 and depth >= 1, was "
                    + chunkBytes + " and " + depth);
        }
        this.producer = new PlatformProducer<>(Objects.requireNonNull(name, "name"), 1, depth);
        this.chunkBytes = chunkBytes;
    }

    /**
     * Runs {@code body} on a new platform thread and writes its bytes to {@code target} on this thread. Blocks until
     * the body is done and its last chunk written, or until either side fails; rethrows as {@link PlatformProducer}
     * does. {@code target} is neither flushed nor closed.
     */
    public void run(Body body, OutputStream target) {
        Objects.requireNonNull(target, "target");
        producer.forEach(sink -> {
            Chunks chunks = new Chunks(chunkBytes, sink);
            body.writeTo(chunks);
            chunks.handRest();
        }, chunk -> {
            try {
                target.write(chunk);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Fills a chunk, hands it over whole and starts a fresh one: a handed chunk belongs to the consumer. */
    private static final class Chunks extends OutputStream {
        private final int size;
        private final Consumer<byte[]> sink;
        private byte[] chunk;
        private int count;

        Chunks(int size, Consumer<byte[]> sink) {
            this.size = size;
            this.sink = sink;
            this.chunk = new byte[size];
        }

        @Override
        public void write(int b) {
            if (count == size) {
                hand();
            }
            chunk[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                if (count == size) {
                    hand();
                }
                int n = Math.min(len, size - count);
                System.arraycopy(b, off, chunk, count, n);
                count += n;
                off += n;
                len -= n;
            }
        }

        void handRest() {
            if (count > 0) {
                byte[] rest = new byte[count];
                System.arraycopy(chunk, 0, rest, 0, count);
                sink.accept(rest);
                count = 0;
            }
        }

        private void hand() {
            sink.accept(chunk);
            chunk = new byte[size];
            count = 0;
        }
    }
}
