package io.keel.bench.load;

/**
 * Hears the outcome of every request of a class whose answers matter beyond their latency: the ids in the bodies of
 * acknowledged order placements, and when each failure was scheduled. Called on the request threads, concurrently,
 * after the outcome is recorded; implementations must be thread-safe and must not block.
 */
public interface AnswerSink {
    /** An HTTP answer with its whole body (read as text because a sink is present). */
    void answered(RequestClass c, long scheduledNanos, long endNanos, int status, String body);

    /** No answer: connection refused or reset, or timed out. */
    void failed(RequestClass c, long scheduledNanos, long endNanos, ErrorKind kind);
}
