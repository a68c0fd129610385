package io.keel.runtime.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds requests in front of admission while the service cannot serve them yet (issue 10: a worker that listens
 * before the previous one has handed it the database), so a held request takes no concurrency permit and its wait is
 * never fed to the adaptive limit as a latency sample. Critical routes (health, metrics, admin) are never held.
 *
 * <p>Starts open. {@link #begin} closes it once; {@link #open} (the service's word, or shutdown) lets every held and
 * later request through. While closed, at most {@code maxHeld} requests wait, each at most the wait given to
 * {@code begin}; one more, or one that waited that long, is answered 503 with {@code Retry-After}. Meters:
 * {@code keel_requests_held} (now), {@code keel_requests_hold_seconds} (count: requests held in total; sum and max:
 * their hold time) and {@code keel_requests_shed_total{reason="hold"}}.
 *
 * <p>Thread-safe. Once open, {@link #pass} costs one volatile read: no lock, no allocation. Waiting blocks the
 * caller (a virtual thread).
 */
public final class RequestHold {
    private final int maxHeld;
    private final CountDownLatch opened = new CountDownLatch(1);
    private final AtomicInteger held = new AtomicInteger();
    private final Timer holdTime;
    private final Counter shed;
    private volatile boolean open = true;
    private volatile Duration maxWait = Duration.ZERO;
    private boolean begun; // guarded by this

    RequestHold(int maxHeld, MeterRegistry registry) {
        this.maxHeld = maxHeld;
        this.holdTime = Timer.builder("keel.requests.hold")
                .description("Requests held until the service opened (e.g. its database was handed over)")
                .register(registry);
        this.shed = Counter.builder("keel.requests.shed").tag("reason", "hold").register(registry);
        Gauge.builder("keel.requests.held", held, AtomicInteger::get)
                .description("Requests held now until the service opens")
                .strongReference(true)
                .register(registry);
    }

    /**
     * Closes the hold: requests wait until {@link #open}, each at most {@code maxWait}. Once per hold; a hold that was
     * opened already stays open.
     *
     * @throws IllegalStateException when called a second time
     */
    synchronized void begin(Duration maxWait) {
        if (begun) {
            throw new IllegalStateException("requests are held once, until the service opens; hold already begun");
        }
        begun = true;
        this.maxWait = maxWait;
        open = false;
        if (opened.getCount() == 0) {
            open = true; // opened meanwhile (another thread): no request may stay on the slow path for nothing
        }
    }

    /** Lets every held and later request through. Idempotent; never blocks. */
    public void open() {
        open = true;
        opened.countDown();
    }

    /** Whether requests pass without waiting. */
    public boolean isOpen() {
        return open;
    }

    /** Requests held now. */
    public int held() {
        return held.get();
    }

    /** Returns at once when open; else waits for {@link #open} within the bounds, or throws a 503 problem. */
    void pass() {
        if (open) {
            return;
        }
        hold();
    }

    private void hold() {
        int now = held.incrementAndGet();
        try {
            if (now > maxHeld) {
                shed.increment();
                throw ProblemException.unavailable("the service is starting and already holds " + maxHeld
                        + " requests (hold-max-requests); retry later", Duration.ofSeconds(1));
            }
            long start = System.nanoTime();
            boolean passed;
            try {
                passed = opened.await(maxWait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                passed = false;
            }
            holdTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (!passed) {
                shed.increment();
                throw ProblemException.unavailable("the service did not open within " + maxWait.toMillis()
                        + " ms (held=" + now + "); retry later", Duration.ofSeconds(1));
            }
        } finally {
            held.decrementAndGet();
        }
    }
}
