package io.keel.bench.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.bench.load.AnswerSink;
import io.keel.bench.load.ErrorKind;
import io.keel.bench.load.RequestClass;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the client saw of a run with an event in it: the id of every order the service acknowledged (201), and every
 * failed request with its scheduled and end time, so failures can be told apart by when they were sent relative to
 * the event ({@link #split}). Bounded: at most {@code maxFailures} failures are kept with their times, later ones are
 * only counted. Thread-safe (request threads add, the scenario thread reads after the run).
 */
public final class Ledger implements AnswerSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int SAMPLES = 20;

    private final RequestClass orders;
    private final int maxFailures;
    private final Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
    private final Queue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong kept = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final Map<String, String> samples = new ConcurrentSkipListMap<>();

    /** One failed request: no answer, or a 4xx/5xx answer. */
    public record Failure(String requestClass, long scheduledNanos, long endNanos, String kind) {
    }

    /** How a request on a SIGKILLed process ends: its connection breaks ({@code io-error}), at once. */
    static final String IN_FLIGHT_KIND = ErrorKind.IO.label();
    /** How soon after the kill such a failure must end to count as in flight: the kernel resets at once. */
    static final Duration IN_FLIGHT_END = Duration.ofSeconds(1);

    /**
     * Failures of one class around an event at {@code eventNanos}, by when they were sent. Immutable.
     *
     * @param before   scheduled and ended before the event
     * @param inFlight in flight on the killed process: scheduled before the event, ended by a broken connection
     *                 ({@code io-error}) within {@link #IN_FLIGHT_END} after it
     * @param after    every other failure: scheduled at or after the event, or across it but not ended as a request
     *                 on the killed process would be (an answer such as a 503, a timeout, or a late error)
     */
    public record Split(long before, long inFlight, long after) {
        public long total() {
            return before + inFlight + after;
        }
    }

    public Ledger(RequestClass orders, int maxFailures) {
        this.orders = orders;
        this.maxFailures = maxFailures;
    }

    @Override
    public void answered(RequestClass c, long scheduledNanos, long endNanos, int status, String body) {
        if (c.equals(orders) && status == 201) {
            Optional<String> id = orderId(body);
            id.ifPresentOrElse(acknowledged::add, unreadable::incrementAndGet);
        } else {
            ErrorKind.ofStatus(status).ifPresent(k -> {
                add(new Failure(c.name(), scheduledNanos, endNanos, k.label()));
                sample(c.name() + " " + status, body.length() > 200 ? body.substring(0, 200) + "..." : body);
            });
        }
    }

    @Override
    public void failed(RequestClass c, long scheduledNanos, long endNanos, ErrorKind kind) {
        add(new Failure(c.name(), scheduledNanos, endNanos, kind.label()));
        sample(c.name() + " " + kind.label(), "");
    }

    /**
     * The first failure of each class and status (with its body) or error kind, so a report says which refusal it
     * was; at most {@value #SAMPLES} kinds.
     */
    private void sample(String key, String body) {
        if (samples.size() < SAMPLES) {
            samples.putIfAbsent(key, body);
        }
    }

    /** {@code "<class> <status or error kind>[: <first body>]"}, sorted. */
    public List<String> samples() {
        return samples.entrySet().stream().map(e -> e.getKey() + (e.getValue().isEmpty() ? "" : ": " + e.getValue()))
                .toList();
    }

    private void add(Failure f) {
        if (kept.incrementAndGet() <= maxFailures) {
            failures.add(f);
        } else {
            dropped.incrementAndGet();
        }
    }

    /** The id in a 201 body ({@code {"id": ...}}), empty when there is none. */
    static Optional<String> orderId(String body) {
        try {
            String id = JSON.readTree(body).path("id").asText("");
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public List<String> acknowledged() {
        return List.copyOf(acknowledged);
    }

    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Failures beyond the bound, counted but without times. */
    public long dropped() {
        return dropped.get();
    }

    /** 201 answers whose body held no order id (the service broke its contract). */
    public long unreadable() {
        return unreadable.get();
    }

    /** The failures of each class, split by when they were sent relative to {@code eventNanos}. */
    public static Map<String, Split> split(List<Failure> failures, long eventNanos) {
        Map<String, long[]> counts = new TreeMap<>();
        for (Failure f : failures) {
            long[] c = counts.computeIfAbsent(f.requestClass(), k -> new long[3]);
            boolean sentBefore = f.scheduledNanos() < eventNanos;
            boolean brokenByIt = f.endNanos() >= eventNanos && IN_FLIGHT_KIND.equals(f.kind())
                    && f.endNanos() - eventNanos <= IN_FLIGHT_END.toNanos();
            c[!sentBefore ? 2 : f.endNanos() < eventNanos ? 0 : brokenByIt ? 1 : 2]++;
        }
        Map<String, Split> out = new TreeMap<>();
        counts.forEach((k, c) -> out.put(k, new Split(c[0], c[1], c[2])));
        return out;
    }
}
