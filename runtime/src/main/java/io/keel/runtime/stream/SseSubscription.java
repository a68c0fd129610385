package io.keel.runtime.stream;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One client's place in an {@link SseBroadcaster}: its filter, the replayed events it still has to send (read when
 * streaming starts) and a bounded queue of live events. Obtain with {@link SseBroadcaster#subscribe}, then hand it to
 * {@link SseBroadcaster#stream}; a subscription is streamed once.
 * <p>
 * Thread-safe: the publisher offers to the queue without ever blocking, the request's thread drains it. The queue has
 * {@code clientQueueSize} slots for events plus one slot kept free for the end marker, so ending a stream never needs
 * to wait for room.
 *
 * @param <E> the audience key the filter decides on
 */
public final class SseSubscription<E> {
    enum State { OPEN, DROPPED, ENDED }

    /** Marker that ends the writer loop; identity-compared, never written. */
    static final SseEvent END = new SseEvent(-1, new byte[0]);

    private final Predicate<? super E> filter;
    private final Supplier<List<SseEvent>> replay;
    private final long seenThrough;
    private final BlockingQueue<SseEvent> queue;
    private State state = State.OPEN;
    private Thread writer;
    private boolean streamed;

    /** @param seenThrough live events up to this id are not sent: the client has them (0 = none) */
    SseSubscription(Predicate<? super E> filter, Supplier<List<SseEvent>> replay, long seenThrough, int queueSize) {
        this.filter = filter;
        this.replay = replay;
        this.seenThrough = seenThrough;
        this.queue = new ArrayBlockingQueue<>(queueSize + 1);
    }

    /** Whether this client was disconnected because it could not keep up. */
    public synchronized boolean dropped() {
        return state == State.DROPPED;
    }

    boolean accepts(E subject) {
        return filter.test(subject);
    }

    /** Whether the client already has {@code event} (it resumed after a newer id than this process had). */
    boolean seen(SseEvent event) {
        return event.id() <= seenThrough;
    }

    /** The events to send before live ones; may block (a hub's history reads a database). */
    List<SseEvent> replay() {
        return replay.get();
    }

    BlockingQueue<SseEvent> queue() {
        return queue;
    }

    /** Offers a live event without blocking; false when the client's queue is full. Called under the hub's lock. */
    boolean offer(SseEvent event) {
        return queue.remainingCapacity() > 1 && queue.offer(event);
    }

    /**
     * Disconnects a client that fell behind: the end marker wakes a waiting writer and the interrupt frees one stuck
     * in a socket write (interrupting a virtual thread blocked on a socket closes that socket).
     */
    synchronized void drop() {
        if (state != State.OPEN) {
            return;
        }
        state = State.DROPPED;
        queue.offer(END);
        if (writer != null) {
            writer.interrupt();
        }
    }

    /** Ends the stream cleanly after the events already queued (server shutdown). */
    synchronized void end() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ENDED;
        queue.offer(END);
    }

    synchronized boolean attach(Thread thread) {
        if (streamed) {
            throw new IllegalStateException("SSE subscription was already streamed");
        }
        streamed = true;
        writer = thread;
        return state == State.OPEN;
    }

    /** Detaches the writer; clears the interrupt {@link #drop()} may have sent so it cannot leak into the server. */
    synchronized void detach() {
        writer = null;
        if (state == State.DROPPED) {
            Thread.interrupted();
        }
        if (state == State.OPEN) {
            state = State.ENDED;
        }
    }
}
