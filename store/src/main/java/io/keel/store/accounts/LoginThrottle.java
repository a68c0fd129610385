package io.keel.store.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed logins per key (an email, a client address) in a fixed window; past {@code maxFailures} the key is
 * refused until its window ends. Memory is bounded: at most {@code maxKeys} keys, the least recently touched
 * evicted first. A success clears the key. Thread-safe (one lock; each call is a few map operations).
 */
public final class LoginThrottle implements FailureCounts {
    private record Window(Instant start, int failures) {
    }

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Window> windows;
    private final int maxKeys;

    public LoginThrottle(int maxFailures, Duration window, int maxKeys, Clock clock) {
        this.maxFailures = maxFailures;
        this.maxKeys = maxKeys;
        this.window = window;
        this.clock = clock;
        this.windows = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > maxKeys;
            }
        };
    }

    @Override
    public synchronized Optional<Duration> blocked(String key) {
        Window w = windows.get(key);
        Instant now = clock.instant();
        if (w == null || !now.isBefore(w.start().plus(window))) {
            return Optional.empty();
        }
        return w.failures() >= maxFailures ? Optional.of(Duration.between(now, w.start().plus(window))) : Optional.empty();
    }

    @Override
    public synchronized int failures(String key) {
        Window w = windows.get(key);
        return w == null || !clock.instant().isBefore(w.start().plus(window)) ? 0 : w.failures();
    }

    @Override
    public synchronized void failure(String key) {
        Instant now = clock.instant();
        windows.compute(key, (k, w) -> w == null || !now.isBefore(w.start().plus(window))
                ? new Window(now, 1)
                : new Window(w.start(), w.failures() + 1));
    }

    @Override
    public synchronized void success(String key) {
        windows.remove(key);
    }

    /** The bound on keys (accounts or addresses) remembered. */
    public int maxKeys() {
        return maxKeys;
    }

    public synchronized int size() {
        return windows.size();
    }
}
