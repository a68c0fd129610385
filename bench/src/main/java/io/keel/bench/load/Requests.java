package io.keel.bench.load;

import io.keel.bench.BenchException;
import io.keel.bench.Loopback;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sends one request and records its outcome; shared by the open- and closed-loop runners so both classify answers
 * and errors the same way. Blocking (meant for virtual threads). Stateless apart from its immutable fields.
 */
final class Requests {
    private final Http1Client client;
    private final Duration timeout;
    private final Supplier<LatencyRecorder> recorders;

    Requests(Http1Client client, Duration timeout, LatencyRecorder recorder) {
        this(client, timeout, () -> recorder);
    }

    /** Records into whatever recorder {@code recorders} names at the time each request ends (storm settle). */
    Requests(Http1Client client, Duration timeout, Supplier<LatencyRecorder> recorders) {
        this.client = client;
        this.timeout = timeout;
        this.recorders = recorders;
    }

    /**
     * Sends, reads the whole body, records latency from {@code scheduledNanos} into the recorder current when the
     * request ends. Returns false if interrupted. With {@code scheduled} (open loop), the delay between the schedule
     * and this hand-over to the HTTP client, the last point before the socket write the tool controls, is recorded as
     * dispatch lag.
     */
    boolean send(RequestClass c, HttpRequest request, long scheduledNanos, boolean scheduled) {
        return send(c, request, scheduledNanos, scheduled, Optional.empty());
    }

    /** As {@link #send(RequestClass, HttpRequest, long, boolean)}; with a sink, the body is read as text for it. */
    boolean send(RequestClass c, HttpRequest request, long scheduledNanos, boolean scheduled,
                 Optional<AnswerSink> sink) {
        Loopback.require(request.uri());
        if (scheduled) {
            recorders.get().dispatchLag(System.nanoTime() - scheduledNanos);
        }
        try {
            Http1Client.Answer r = client.send(request, timeout, sink.isPresent());
            long end = System.nanoTime();
            recorders.get().response(c, scheduledNanos, end, r.status());
            sink.ifPresent(s -> s.answered(c, scheduledNanos, end, r.status(), r.body()));
            return true;
        } catch (IOException | RuntimeException e) {
            if (e instanceof BenchException b) {
                throw b;
            }
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            long end = System.nanoTime();
            ErrorKind kind = ErrorKind.ofException(e);
            recorders.get().failure(c, scheduledNanos, end, kind);
            sink.ifPresent(s -> s.failed(c, scheduledNanos, end, kind));
            return true;
        }
    }
}
