package io.keel.runtime.http;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.limit.ConcurrencyLimiter;
import io.keel.runtime.limit.Permit;
import io.keel.runtime.limit.Priority;
import io.keel.runtime.memory.MemoryGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Admission control in front of handlers, by route kind: light and heavy requests pass the adaptive concurrency
 * limit (heavy ones may hold only part of it, so they never starve light routes), streams hold one of a fixed number
 * of stream slots, and under memory pressure heavy and streaming work is refused. Refusals are fast 503s with
 * {@code Retry-After}, counted in {@code keel_requests_shed_total{reason}}. Critical routes (health, metrics, admin)
 * always pass. Before all of that a non-critical request passes the {@link RequestHold} (open but while the service
 * waits for its database): a held request takes no permit and teaches the limit nothing. Thread-safe.
 */
public final class Admission {
    private final ConcurrencyLimiter limiter;
    private final MemoryGuard memory;
    private final Semaphore streams;
    private final int maxStreams;
    private final Counter shedStreams;
    private final Counter shedMemory;
    private final RequestHold hold;

    public Admission(ConcurrencyLimiter limiter, MemoryGuard memory, int maxStreams, int maxHeld,
                     MeterRegistry registry) {
        this.limiter = limiter;
        this.hold = new RequestHold(maxHeld, registry);
        this.memory = memory;
        this.maxStreams = maxStreams;
        this.streams = new Semaphore(maxStreams);
        this.shedStreams = Counter.builder("keel.requests.shed").tag("reason", "streams").register(registry);
        this.shedMemory = Counter.builder("keel.requests.shed").tag("reason", "memory").register(registry);
        Gauge.builder("keel.streams.slots.used", streams, s -> maxStreams - s.availablePermits())
                .description("Streaming requests in progress (exports, uploads, event streams)")
                .strongReference(true)
                .register(registry);
        Gauge.builder("keel.streams.slots.max", streams, s -> maxStreams).register(registry);
    }

    /**
     * Holds non-critical requests until the returned hold {@linkplain RequestHold#open opens}, each at most
     * {@code maxWait}. Once.
     */
    public RequestHold holdRequests(Duration maxWait) {
        hold.begin(maxWait);
        return hold;
    }

    /** The hold, open unless {@link #holdRequests} closed it. */
    public RequestHold hold() {
        return hold;
    }

    Handler wrap(Routes.Kind kind, Handler handler) {
        return switch (kind) {
            case CRITICAL -> handler;
            case LIGHT -> (req, res) -> {
                hold.pass();
                limited(Priority.LIGHT, handler, req, res);
            };
            case HEAVY -> (req, res) -> {
                hold.pass();
                refuseUnderPressure();
                limited(Priority.HEAVY, handler, req, res);
            };
            case STREAM -> (req, res) -> {
                hold.pass();
                refuseUnderPressure();
                if (!streams.tryAcquire()) {
                    shedStreams.increment();
                    throw ProblemException.unavailable("all " + maxStreams + " stream slots are busy; retry later",
                            Duration.ofSeconds(2));
                }
                try {
                    handler.handle(req, res);
                } finally {
                    streams.release();
                }
            };
        };
    }

    private void limited(Priority priority, Handler handler, ServerRequest req,
                         ServerResponse res) throws Exception {
        Optional<Permit> permit = limiter.tryAcquire(priority);
        if (permit.isEmpty()) {
            throw ProblemException.unavailable("the server is at its concurrency limit (" + limiter.limit()
                    + "); retry later", Duration.ofSeconds(1));
        }
        try (Permit p = permit.get()) {
            handler.handle(req, res);
            // only light latency says something about congestion; heavy work is paced by the CPU pool
            if (priority == Priority.LIGHT) {
                p.onSuccess();
            }
        }
    }

    private void refuseUnderPressure() {
        if (memory.underPressure()) {
            shedMemory.increment();
            throw ProblemException.unavailable("the server is under memory pressure; retry later",
                    Duration.ofSeconds(5));
        }
    }
}
