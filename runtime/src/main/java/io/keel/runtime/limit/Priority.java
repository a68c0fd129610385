package io.keel.runtime.limit;

/** How the {@link ConcurrencyLimiter} treats a request. */
public enum Priority {
    /** Health, readiness, metrics: never rejected, not counted against the limit, not sampled for latency. */
    CRITICAL,
    /** Cheap routes: may use the whole limit. */
    LIGHT,
    /** Expensive routes: may hold at most {@link LimitSettings#heavyShare()} of the limit, so light work keeps room. */
    HEAVY
}
