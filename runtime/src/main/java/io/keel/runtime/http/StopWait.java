package io.keel.runtime.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The last chance of a connection the listener accepted but whose first request has not arrived when the server
 * stops. Helidon's {@code WebServer.stop()} closes the listening socket, then closes every open connection
 * "gracefully" ({@code ServerConnection.close(false)}): a connection in a request finishes it, but one waiting for a
 * request line ends at once (its thread is interrupted in the read, or never starts reading). A client that connected
 * an instant before the listener closed thus lost its request without a byte of an answer; in an H2 hand-over that
 * instant is as long as the old worker's listener keeps accepting while it waits for its successor. Once the stop
 * {@linkplain #start started}, such a close is held instead: the request that arrives within the wait is served (every
 * response says {@code Connection: close} by then) and is the connection's last; a connection still waiting when the
 * wait ends is closed as Helidon would have. Connections that already had a request (kept alive through the
 * connection drain) are closed at once, as before: the drain was their time to leave.
 *
 * <p>Per connection, a small state machine decides once whether the request or the end of the wait comes first:
 * <pre>
 *   NEW  --request line-----------------> STARTED   (the server's close is passed on at once from then on)
 *   NEW  --server's close, stop started--> HELD
 *   HELD --request line-----------------> RELEASED  (close passed on, this request is the last; counted served)
 *   HELD --wait ended-------------------> RELEASED  (close passed on, Helidon closes it; counted closed waiting)
 *   any  --connection ended-------------> RELEASED  (its client closed it; nothing to close)
 * </pre>
 * Thread-safe: events come from the connection's thread, the server's close from the stopping thread, the end of the
 * wait from the guard's timer. Bounded by the wait, and by the shutdown grace period, after which Helidon interrupts
 * every connection left.
 */
public final class StopWait {
    private static final Future<?> NOT_WAITING = CompletableFuture.completedFuture(null);
    private final ScheduledExecutorService timer;
    private volatile long endsAt;
    private volatile boolean started;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger closedWaiting = new AtomicInteger();

    StopWait(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** The server is about to stop: from now on a new connection's close waits until {@code wait} has passed. */
    void start(Duration wait) {
        endsAt = System.nanoTime() + wait.toNanos();
        started = !wait.isZero();
    }

    /**
     * Connections whose close was held because no request line had been read on them yet. Some had their request in
     * the socket already, and Helidon's close would have let their thread read it and answer anyway: this counts the
     * connections the wait covered, not the requests it saved.
     */
    public int held() {
        return held.get();
    }

    /** Held connections whose first request line was read within the wait (and was served). */
    public int served() {
        return served.get();
    }

    /** Held connections closed when the wait ended, no request having arrived. */
    public int closedWaiting() {
        return closedWaiting.get();
    }

    /** One connection's side; {@code close} is Helidon's graceful close of it. */
    Connection connection(Runnable close) {
        return new Connection(close);
    }

    final class Connection {
        private enum State { NEW, STARTED, HELD, RELEASED }

        private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
        private final Runnable close;
        private volatile Future<?> waitEnd = NOT_WAITING;

        private Connection(Runnable close) {
            this.close = close;
        }

        /** A request line was read on this connection. */
        void requestLine() {
            if (state.get() == State.STARTED) {
                return; // every later request on a kept-alive connection: nothing to decide
            }
            if (!state.compareAndSet(State.NEW, State.STARTED) && state.compareAndSet(State.HELD, State.RELEASED)) {
                served.incrementAndGet();
                waitEnd.cancel(false);
                close.run(); // Helidon's close does not interrupt a request: it makes it the connection's last
            }
        }

        /** The server closes this connection gracefully (at its stop, or the idle timeout). */
        void close() {
            if (started && state.compareAndSet(State.NEW, State.HELD)) {
                held.incrementAndGet();
                try {
                    waitEnd = timer.schedule(this::waitEnded, endsAt - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    waitEnded(); // the timer is gone: nothing left to wait for
                }
            } else if (state.get() != State.HELD) {
                close.run();
            }
        }

        /** The connection ended by itself: nothing to close or count any more. */
        void ended() {
            state.set(State.RELEASED);
            waitEnd.cancel(false);
        }

        private void waitEnded() {
            if (state.compareAndSet(State.HELD, State.RELEASED)) {
                closedWaiting.incrementAndGet();
                close.run();
            }
        }
    }
}
