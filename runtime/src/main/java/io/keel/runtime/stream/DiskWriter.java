package io.keel.runtime.stream;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hashes and writes an upload's buffers on a second (virtual) thread while the request thread reads the next ones
 * from the socket, so the two halves of an upload's CPU work (socket reads; SHA-256 and the page-cache copy) run on
 * two cores instead of one after the other. Every {@value #SYNC_EVERY_BYTES} bytes it also starts the file's
 * write-back on a third thread ({@code force}), so the fsync before publishing finds little left to write instead
 * of the whole body.
 * <p>
 * A fixed set of {@code buffers} buffers circulates between the threads: {@link #take} blocks while all are being
 * hashed and written, which is the backpressure. A failure of the writing side is kept and rethrown to the reading
 * side at its next {@link #hand} or at {@link #finish}; after one, buffers come back unwritten. {@link #close}
 * stops both helper threads and waits for them (a write-back in progress ends first). One reader thread; memory: {@code buffers × bufferBytes}.
 */
final class DiskWriter implements AutoCloseable {
    /** Write-back is started after this many bytes since the last start: a few dozen per GiB. */
    static final long SYNC_EVERY_BYTES = 64L << 20;
    private static final byte[] END = new byte[0];

    private final FileChannel out;
    private final MessageDigest sha256;
    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<byte[]> full;
    private final BlockingQueue<Integer> lengths;
    private final BlockingQueue<Boolean> syncs = new ArrayBlockingQueue<>(1);
    private final Thread writer;
    private final Thread syncer;
    private volatile Throwable failure;
    private boolean ended;

    DiskWriter(FileChannel out, MessageDigest sha256, int buffers, int bufferBytes) {
        this.out = out;
        this.sha256 = sha256;
        this.free = new ArrayBlockingQueue<>(buffers);
        this.full = new ArrayBlockingQueue<>(buffers + 1);
        this.lengths = new ArrayBlockingQueue<>(buffers + 1);
        for (int i = 0; i < buffers; i++) {
            free.add(new byte[bufferBytes]);
        }
        this.writer = Thread.ofVirtual().name("keel-upload-writer").start(this::write);
        this.syncer = Thread.ofVirtual().name("keel-upload-sync").start(this::sync);
    }

    /** A buffer to fill; blocks while every buffer is in flight. */
    byte[] take() throws IOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for an upload buffer");
        }
    }

    /** Hands the first {@code length} bytes of {@code buffer} over to be hashed and written, in order. */
    void hand(byte[] buffer, int length) throws IOException {
        rethrow();
        full.add(buffer); // never blocks: at most every buffer plus the end mark are ever queued
        lengths.add(length);
    }

    /** Returns a buffer that was taken but not filled. */
    void giveBack(byte[] buffer) {
        free.add(buffer);
    }

    /** Waits until every handed buffer is hashed and written; rethrows a failure of the writing side. */
    void finish() throws IOException {
        end();
        join(writer);
        rethrow();
    }

    @Override
    public void close() throws IOException {
        try {
            end();
            join(writer);
        } finally {
            // Even when the join above was interrupted, the write-back thread must learn to stop, or it would stay
            // parked for good. No interrupt: one during force would close the file channel under the caller.
            syncs.clear();
            syncs.add(Boolean.FALSE);
            join(syncer);
        }
    }

    /** Whether both of its threads have ended (for tests). */
    boolean stopped() {
        return !writer.isAlive() && !syncer.isAlive();
    }

    private void end() {
        if (!ended) {
            ended = true;
            full.add(END);
            lengths.add(-1); // the end mark
        }
    }

    private void write() {
        long sinceSync = 0;
        try {
            while (true) {
                byte[] buffer = full.take();
                int length = lengths.take();
                if (length < 0) {
                    return;
                }
                try {
                    if (failure == null) {
                        sha256.update(buffer, 0, length);
                        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, length);
                        while (chunk.hasRemaining()) {
                            out.write(chunk);
                        }
                        sinceSync += length;
                        if (sinceSync >= SYNC_EVERY_BYTES) {
                            sinceSync = 0;
                            syncs.offer(Boolean.TRUE); // coalesced: a write-back still running covers this one too
                        }
                    }
                } catch (IOException | RuntimeException | Error e) {
                    failure = e; // an Error too: the reading side must not wait for a writer that died
                } finally {
                    free.add(buffer);
                }
            }
        } catch (InterruptedException e) {
            failure = e;
        }
    }

    private void sync() {
        try {
            while (syncs.take()) {
                out.force(false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // Only an early start of the write-back; the fsync before publishing reports a failing disk.
        }
    }

    private void rethrow() throws IOException {
        Throwable f = failure;
        if (f instanceof IOException io) {
            throw io;
        }
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error error) {
            throw error;
        }
        if (f != null) {
            throw new InterruptedIOException("upload writer interrupted");
        }
    }

    private static void join(Thread thread) throws InterruptedIOException {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the upload writer");
        }
    }
}
