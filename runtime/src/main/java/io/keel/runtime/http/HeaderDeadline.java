package io.keel.runtime.http;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The header deadline of one connection, a small state machine: {@code WAITING} (between requests: no deadline, the
 * idle timeout governs) → first bytes of a request → {@code READING} (deadline armed) → headers complete →
 * {@code IN_REQUEST} → response started → {@code WAITING}. The deadline fires only from {@code READING}; whichever of
 * "headers complete" and "deadline" comes first wins, decided under one lock, so a request whose headers arrive in
 * time is never cut off. Thread-safe: events come from the connection's thread, the expiry from the timer thread.
 */
final class HeaderDeadline {
    private enum State { WAITING, READING, IN_REQUEST, EXPIRED }

    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final Runnable onExpiry;
    private State state = State.WAITING;
    private ScheduledFuture<?> pending;

    HeaderDeadline(ScheduledExecutorService timer, Duration timeout, Runnable onExpiry) {
        this.timer = timer;
        this.timeout = timeout;
        this.onExpiry = onExpiry;
    }

    /** Bytes arrived: when between requests, a new request has begun and its deadline starts now. */
    synchronized void requestBytes() {
        if (state == State.WAITING) {
            state = State.READING;
            try {
                pending = timer.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                state = State.IN_REQUEST; // shutting down: the server closes connections itself
            }
        }
    }

    synchronized void headersComplete() {
        if (state == State.READING) {
            state = State.IN_REQUEST;
            pending.cancel(false);
        }
    }

    synchronized void responding() {
        if (state == State.IN_REQUEST) {
            state = State.WAITING;
        }
    }

    synchronized void cancel() {
        if (pending != null) {
            pending.cancel(false);
        }
        state = State.EXPIRED;
    }

    private void expire() {
        synchronized (this) {
            if (state != State.READING) {
                return;
            }
            state = State.EXPIRED;
        }
        onExpiry.run();
    }
}
