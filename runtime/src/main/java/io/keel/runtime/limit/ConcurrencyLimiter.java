package io.keel.runtime.limit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Adaptive limit on the requests the whole server works on at once (Gradient2, see {@link Gradient2Limit}): the
 * server sheds load early with a cheap 503 instead of queueing until everything times out.
 *
 * <p>Priorities: {@link Priority#CRITICAL} is always admitted and not counted; {@link Priority#LIGHT} may use the whole
 * limit; {@link Priority#HEAVY} may hold at most {@code floor(limit * heavyShare)} (at least 1) permits. Because the
 * minimum limit is 2 and heavyShare < 1, at least one slot, and normally (1 - heavyShare) of the limit, is always
 * out of heavy work's reach, so heavy routes can never starve light ones.
 *
 * <p>Usage, with rejection as an ordinary value:
 * <pre>{@code
 * var permit = limiter.tryAcquire(Priority.LIGHT);
 * if (permit.isEmpty()) { return overloaded(); }
 * try (var p = permit.get()) { handle(); p.onSuccess(); }
 * }</pre>
 * Thread-safe and lock-free on the request path, as concurrency-limits' {@code SimpleLimiter}: the two in-flight counts
 * live in one {@link AtomicLong} (all admitted in the low 32 bits, HEAVY in the high 32 bits), so admission checks
 * both against the limit and takes a slot in one compare-and-set, and can never overshoot the limit. Feeding a
 * round-trip time to Gradient2 (not thread-safe) takes a {@link ReentrantLock#tryLock() tryLock}: a sample that finds
 * another thread updating the limit is skipped, never waited for. The limit is a smoothed average of many samples, and
 * samples are skipped only when several requests end at the same instant, so skipping leaves it unbiased. Never
 * blocks. Bound: the limit itself (settings min..max). Meters: {@code keel_concurrency_limit},
 * {@code keel_concurrency_inflight} (LIGHT + HEAVY in flight), {@code keel_requests_shed_total{reason="concurrency"}}.
 */
public final class ConcurrencyLimiter {
    private enum Outcome { SUCCESS, DROPPED, IGNORE }

    private final LimitSettings settings;
    private final LongSupplier clock;
    private final Gradient2Limit algorithm;
    private final Counter shed;
    /** Low 32 bits: LIGHT + HEAVY permits held; high 32 bits: HEAVY permits held. */
    private final AtomicLong held = new AtomicLong();
    /** Held only while one thread feeds a sample to the algorithm; never waited for. */
    private final ReentrantLock sampling = new ReentrantLock();
    // Written under sampling; volatile so admission reads it without a lock.
    private volatile int limit;

    private ConcurrencyLimiter(LimitSettings settings, MeterRegistry registry, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
        this.algorithm = new Gradient2Limit(settings);
        this.limit = algorithm.limit();
        Gauge.builder("keel.concurrency.limit", this, ConcurrencyLimiter::limit)
                .description("Current adaptive concurrency limit").strongReference(true).register(registry);
        Gauge.builder("keel.concurrency.inflight", this, ConcurrencyLimiter::inflight)
                .description("Requests holding a concurrency permit").strongReference(true).register(registry);
        this.shed = Counter.builder("keel.requests.shed").description("Requests refused to protect the server")
                .tag("reason", "concurrency").register(registry);
    }

    public static ConcurrencyLimiter create(LimitSettings settings, MeterRegistry registry) {
        return new ConcurrencyLimiter(settings, registry, System::nanoTime);
    }

    static ConcurrencyLimiter create(LimitSettings settings, MeterRegistry registry, LongSupplier nanoClock) {
        return new ConcurrencyLimiter(settings, registry, nanoClock);
    }

    /**
     * Admits a request or refuses it at once. Non-blocking.
     *
     * @return a permit to close when the request ends, or empty when the server is at its limit for this priority
     */
    public Optional<Permit> tryAcquire(Priority priority) {
        if (priority == Priority.CRITICAL) {
            return Optional.of(new LimiterPermit(priority, 0, 0));
        }
        long step = step(priority);
        long current;
        do {
            current = held.get();
            int currentLimit = limit;
            boolean full = all(current) >= currentLimit
                    || (priority == Priority.HEAVY && heavy(current) >= heavyCap(currentLimit));
            if (full) {
                shed.increment();
                return Optional.empty();
            }
        } while (!held.compareAndSet(current, current + step));
        return Optional.of(new LimiterPermit(priority, clock.getAsLong(), all(current) + 1));
    }

    private static long step(Priority priority) {
        return priority == Priority.HEAVY ? (1L << 32) + 1 : 1;
    }

    private static int all(long held) {
        return (int) held;
    }

    private static int heavy(long held) {
        return (int) (held >>> 32);
    }

    private int heavyCap(int currentLimit) {
        return Math.max(1, (int) (currentLimit * settings.heavyShare()));
    }

    private void release(LimiterPermit permit, Outcome outcome) {
        long rtt = clock.getAsLong() - permit.start;
        held.addAndGet(-step(permit.priority));
        if (outcome != Outcome.IGNORE && sampling.tryLock()) {
            try {
                limit = algorithm.update(rtt, permit.inflightAtStart);
            } finally {
                sampling.unlock();
            }
        }
    }

    /** The current limit. Non-blocking. */
    public int limit() {
        return limit;
    }

    /** LIGHT and HEAVY requests currently holding a permit. Non-blocking. */
    public int inflight() {
        return all(held.get());
    }

    /** HEAVY requests currently holding a permit. Non-blocking. */
    int heavyInflight() {
        return heavy(held.get());
    }

    /** Most permits HEAVY requests may hold under the current limit. */
    public int heavyLimit() {
        return heavyCap(limit);
    }

    private final class LimiterPermit implements Permit {
        private final Priority priority;
        private final long start;
        private final int inflightAtStart;
        private Outcome outcome = Outcome.IGNORE;
        private boolean closed;

        LimiterPermit(Priority priority, long start, int inflightAtStart) {
            this.priority = priority;
            this.start = start;
            this.inflightAtStart = inflightAtStart;
        }

        @Override
        public void onSuccess() {
            outcome = Outcome.SUCCESS;
        }

        @Override
        public void onDropped() {
            outcome = Outcome.DROPPED;
        }

        @Override
        public void onIgnore() {
            outcome = Outcome.IGNORE;
        }

        @Override
        public void close() {
            if (closed || priority == Priority.CRITICAL) {
                closed = true;
                return;
            }
            closed = true;
            release(this, outcome);
        }
    }
}
