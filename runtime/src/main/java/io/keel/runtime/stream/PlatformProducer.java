package io.keel.runtime.stream;

import io.keel.runtime.KeelException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a blocking producer on its own platform thread and hands its items to the calling (virtual) thread in batches
 * through a bounded queue, for producers that pin their carrier while they block. Embedded H2 reads its file with
 * plain file I/O inside locks: an H2 export on a virtual thread held the carriers of a 2-core machine for 200-300 ms
 * at a time (keel_scheduler_lag_seconds) while PostgreSQL's socket reads did not. Backpressure is kept: when the
 * consumer is slow, the queue fills and the producer blocks; when the consumer fails (a client that went away) the
 * producer is stopped and joined before {@link #forEach} returns, so the caller may close the producer's resources.
 *
 * <p>Bounds: {@code batch} items per hand-over, {@code depth} batches queued. One instance, one run.
 */
public final class PlatformProducer<T> {
    /** Produces items by calling {@code sink} for each; may block. */
    @FunctionalInterface
    public interface Source<T> {
        void produce(Consumer<T> sink) throws Exception;
    }

    private static final Object END = new Object();
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super(null, null, false, false);
        }
    }

    private final String name;
    private final int batch;
    private final BlockingQueue<Object> queue;
    private volatile boolean stopped;
    private volatile Throwable failure;

    public PlatformProducer(String name, int batch, int depth) {
        this.name = name;
        this.batch = batch;
        this.queue = new ArrayBlockingQueue<>(depth);
    }

    /**
     * Runs {@code source} on a new platform thread and passes every item to {@code each} on this thread, in order.
     * Blocks until the source is done or {@code each} throws; rethrows the source's failure as a KeelException (or
     * as is, when unchecked).
     */
    public void forEach(Source<T> source, Consumer<T> each) {
        Thread producer = Thread.ofPlatform().name(name).daemon(true).start(() -> produce(source));
        try {
            while (true) {
                Object next = queue.take();
                if (next == END) {
                    break;
                }
                @SuppressWarnings("unchecked")
                List<T> items = (List<T>) next;
                items.forEach(each);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeelException("interrupted while streaming from " + name, e);
        } finally {
            stopped = true;
            queue.clear();
            joinQuietly(producer);
        }
        Throwable t = failure;
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new KeelException(name + " failed: " + t.getMessage(), t);
        }
    }

    private void produce(Source<T> source) {
        List<T> current = new ArrayList<>(batch);
        try {
            source.produce(item -> {
                if (stopped) {
                    throw new Stopped();
                }
                current.add(item);
                if (current.size() == batch) {
                    hand(new ArrayList<>(current));
                    current.clear();
                }
            });
            if (!current.isEmpty()) {
                hand(new ArrayList<>(current));
            }
        } catch (Stopped e) {
            return;
        } catch (Throwable t) {
            if (stopped) {
                // The consumer gave up first; this is the source noticing (a formatter may wrap Stopped in its own
                // exception). The consumer's failure is the one that counts.
                return;
            }
            failure = t;
        }
        try {
            hand(END);
        } catch (Stopped e) {
            // the consumer gave up meanwhile: nobody waits for the end
        }
    }

    /** Offers with a timeout so a consumer that stopped taking can never strand this thread. */
    private void hand(Object item) {
        try {
            while (!stopped) {
                if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
            throw new Stopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
    }

    private static void joinQuietly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
