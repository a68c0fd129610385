package io.keel.runtime.limit;

/**
 * One admitted request. Record the outcome with one of {@link #onSuccess}, {@link #onDropped}, {@link #onIgnore}, then
 * let try-with-resources {@link #close} it: closing is the one place the slot is released and the round-trip time is
 * fed to the algorithm. Closing without an outcome counts as {@link #onIgnore} (an exception is not a latency signal).
 * Not for sharing between threads; close is idempotent.
 */
public interface Permit extends AutoCloseable {
    /** The request completed normally; its round-trip time is a valid latency sample. */
    void onSuccess();

    /** The request timed out or was dropped under load; its round-trip time is sampled as a sign of overload. */
    void onDropped();

    /** The outcome says nothing about capacity (client error, cancelled early); released without a sample. */
    void onIgnore();

    /** Releases the slot and reports the outcome. Never throws. */
    @Override
    void close();
}
