package io.keel.runtime.http;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one connection, a small state machine driven by Helidon's connection events:
 * <pre>
 *   READING --headers complete--> IN_REQUEST --response started--> IDLE --request line read--> READING
 * </pre>
 * {@code READING} (a request has begun: the connection's first bytes, or a parsed request line) has the header
 * deadline; past it the client gets 408 and the connection closes. {@code IN_REQUEST} has none: the handler's own
 * time is not the client's fault. {@code IDLE} (kept alive, waiting for a request line) is Helidon's: its idle
 * connection timeout closes connections that wait for a request line too long, and never one mid-response. Helidon's
 * data reader does not report raw reads, so a request line trickled on a kept-alive connection is bounded by that
 * idle timeout rather than the header deadline. Whichever of an event and an expiry comes first wins, decided under
 * this object's lock, so a request whose headers arrive in time is never cut off.
 *
 * <p>Thread-safe: events come from the connection's thread, the expiry from the timer thread.
 */
final class HeaderDeadline {
    private enum State { NEW, READING, IN_REQUEST, IDLE, CLOSED }

    private final ScheduledExecutorService timer;
    private final Duration headerTimeout;
    private final Runnable expiry;
    private State state = State.NEW;
    private ScheduledFuture<?> pending;

    HeaderDeadline(ScheduledExecutorService timer, Duration headerTimeout, Runnable expiry) {
        this.timer = timer;
        this.headerTimeout = headerTimeout;
        this.expiry = expiry;
    }

    /** The connection's first bytes arrived, or a request line was read: the header deadline starts now. */
    synchronized void requestStarted() {
        if (state == State.NEW || state == State.IDLE) {
            enter(State.READING, headerTimeout);
        }
    }

    synchronized void headersComplete() {
        if (state == State.READING) {
            enter(State.IN_REQUEST, null);
        }
    }

    synchronized void responseStarted() {
        if (state == State.IN_REQUEST) {
            enter(State.IDLE, null);
        }
    }

    /** The connection ended: no deadline may fire any more. */
    synchronized void cancel() {
        enter(State.CLOSED, null);
    }

    private void enter(State next, Duration deadline) {
        if (pending != null) {
            pending.cancel(false);
        }
        state = next;
        pending = null;
        if (deadline != null) {
            try {
                pending = timer.schedule(this::expire, deadline.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // shutting down: the server closes its connections itself
            }
        }
    }

    private void expire() {
        synchronized (this) {
            if (state != State.READING) {
                return;
            }
            enter(State.CLOSED, null);
        }
        expiry.run();
    }
}
