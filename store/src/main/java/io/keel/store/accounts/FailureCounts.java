package io.keel.store.accounts;

import java.time.Duration;
import java.util.Optional;

/**
 * Failed sign-ins per key (an email, a client address) in a fixed window; past the bound the key is refused until its
 * window ends, and a success clears the key. Implementations are thread-safe.
 */
public interface FailureCounts {
    /** How long {@code key} must wait, if it is currently refused. */
    Optional<Duration> blocked(String key);

    /** Failures of {@code key} in its current window (0 when none or the window ended). */
    int failures(String key);

    void failure(String key);

    void success(String key);
}
