package io.keel.bench.load;

import io.keel.bench.Loopback;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sends one request and records its outcome; shared by the open- and closed-loop runners so both classify answers
 * and errors the same way. Blocking (meant for virtual threads). Stateless apart from its immutable fields.
 */
final class Requests {
    private final HttpClient client;
    private final Duration timeout;
    private final Supplier<LatencyRecorder> recorders;

    Requests(HttpClient client, Duration timeout, LatencyRecorder recorder) {
        this(client, timeout, () -> recorder);
    }

    /** Records into whatever recorder {@code recorders} names at the time each request ends (storm settle). */
    Requests(HttpClient client, Duration timeout, Supplier<LatencyRecorder> recorders) {
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
        HttpRequest timed = request.timeout().isPresent() ? request
                : HttpRequest.newBuilder(request, (n, v) -> true).timeout(timeout).build();
        if (scheduled) {
            recorders.get().dispatchLag(System.nanoTime() - scheduledNanos);
        }
        try {
            if (sink.isPresent()) {
                HttpResponse<String> r = client.send(timed, HttpResponse.BodyHandlers.ofString());
                long end = System.nanoTime();
                recorders.get().response(c, scheduledNanos, end, r.statusCode());
                sink.get().answered(c, scheduledNanos, end, r.statusCode(), r.body());
            } else {
                HttpResponse<Void> r = client.send(timed, HttpResponse.BodyHandlers.discarding());
                recorders.get().response(c, scheduledNanos, System.nanoTime(), r.statusCode());
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IOException | RuntimeException e) {
            long end = System.nanoTime();
            ErrorKind kind = ErrorKind.ofException(e);
            recorders.get().failure(c, scheduledNanos, end, kind);
            sink.ifPresent(s -> s.failed(c, scheduledNanos, end, kind));
            return true;
        }
    }

    /** The client every runner uses: HTTP/1.1 (no h2c upgrade dance), short connect timeout. */
    static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
