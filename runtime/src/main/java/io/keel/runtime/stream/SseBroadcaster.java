package io.keel.runtime.stream;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.http.Numbers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Server-Sent Events hub: publishers hand in events, every subscribed client gets those its filter accepts.
 * <p>
 * Ids increase monotonically from 1. The last {@code replaySize} events are kept so a client reconnecting with
 * {@code Last-Event-ID} resumes exactly after that id (as far back as the ring reaches). A hub fed from outside the
 * process ({@link #create(String, Config, MeterRegistry, History)}) takes its ids from the feed instead and replays
 * from the feed's {@link History}, so a client resumes on any process that reads the same feed. Each client has a queue of
 * {@code clientQueueSize} events; a client whose queue is full when an event arrives is disconnected and counted in
 * {@code keel_sse_dropped_total}, so a slow client never blocks the publisher, other clients or the heap.
 * <p>
 * Thread-safe. {@link #publish} never blocks on clients (it takes a short lock that orders ids, the ring and the
 * queues; the per-client filters run under it, so they must be cheap). {@link #stream} blocks the request's virtual
 * thread for the life of the connection. Memory: {@code replaySize} events plus {@code clientQueueSize} per client.
 * Metrics, tagged {@code stream=<name>}: {@code keel_sse_clients}, {@code keel_sse_dropped_total},
 * {@code keel_sse_replay_events}.
 *
 * @param <E> audience key of an event (for example the owning user id); each client's filter decides on it
 */
public final class SseBroadcaster<E> {
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");
    private static final byte[] CONNECTED = ": connected\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEPALIVE = ": keepalive\n\n".getBytes(StandardCharsets.UTF_8);

    /**
     * Settings of a broadcaster.
     *
     * @param replaySize      events kept for Last-Event-ID resumption, 0..100000; default 1000
     * @param clientQueueSize events buffered per client before it is dropped, 1..100000; default 256
     * @param heartbeat       idle time after which a {@code : keepalive} comment is sent, 10 ms..15 s; default 2 s
     */
    public record Config(int replaySize, int clientQueueSize, Duration heartbeat) {
        public Config {
            Objects.requireNonNull(heartbeat, "heartbeat");
            if (replaySize < 0 || replaySize > 100_000) {
                throw new IllegalArgumentException("sse replaySize must be in 0..100000, was " + replaySize);
            }
            if (clientQueueSize < 1 || clientQueueSize > 100_000) {
                throw new IllegalArgumentException("sse clientQueueSize must be in 1..100000, was " + clientQueueSize);
            }
            if (heartbeat.compareTo(Duration.ofMillis(10)) < 0 || heartbeat.compareTo(Duration.ofSeconds(15)) > 0) {
                throw new IllegalArgumentException("sse heartbeat must be in 10ms..15s, was " + heartbeat);
            }
        }

        /**
         * The heartbeat is 2 s, not the 15 s the contract allows: nothing is read from an event stream's socket, so a
         * client that went away is noticed only when a write fails, which is the second write after it closed. At
         * 15 s that kept a gone client counted for 30-45 s; at 2 s it is gone within about 4 s, for a 13-byte comment
         * per client every 2 s.
         */
        public static Config defaults() {
            return new Config(1000, 256, Duration.ofSeconds(2));
        }
    }

    private record Retained<E>(SseEvent event, E subject) {
    }

    /** An event of a feed's history, as {@link History#between} returns it. */
    public record Past<E>(long id, String event, String dataJson, E subject) {
    }

    /**
     * Where a hub fed from outside the process replays {@code Last-Event-ID} from, for example a database table.
     * Feed ids must be dense (no gaps), so "the last {@code replaySize} events" is an id range.
     */
    @FunctionalInterface
    public interface History<E> {
        /** The events with {@code after < id <= upTo}, in id order; blocks (called on the subscriber's thread). */
        List<Past<E>> between(long after, long upTo);
    }

    private final Config config;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong lastId = new AtomicLong();
    private final ArrayDeque<Retained<E>> ring;
    private final Set<SseSubscription<E>> clients = ConcurrentHashMap.newKeySet();
    private final Counter dropped;
    private final Optional<History<E>> history;
    private boolean closed;

    private SseBroadcaster(String name, Config config, MeterRegistry registry, Optional<History<E>> history) {
        this.config = config;
        this.history = history;
        this.ring = new ArrayDeque<>(Math.min(config.replaySize, 1024));
        this.dropped = Counter.builder("keel.sse.dropped").tag("stream", name)
                .description("SSE clients disconnected because their queue was full").register(registry);
        Gauge.builder("keel.sse.clients", clients, Set::size).tag("stream", name)
                .description("Connected SSE clients").register(registry);
        Gauge.builder("keel.sse.replay.events", this, SseBroadcaster::replayed).tag("stream", name)
                .description("Events held for Last-Event-ID replay").register(registry);
    }

    /**
     * A broadcaster with no subscribers yet.
     *
     * @param name metric tag telling hubs apart, e.g. {@code orders}
     */
    public static <E> SseBroadcaster<E> create(String name, Config config, MeterRegistry registry) {
        return new SseBroadcaster<>(Objects.requireNonNull(name, "name"), Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(registry, "registry"), Optional.empty());
    }

    /**
     * A hub fed from outside the process: events come in through {@link #publish(long, String, String, Object)} with
     * the feed's ids, and {@code Last-Event-ID} replays the feed's last {@code replaySize} events from
     * {@code history} (the in-memory ring is not used).
     */
    public static <E> SseBroadcaster<E> create(String name, Config config, MeterRegistry registry,
                                               History<E> history) {
        return new SseBroadcaster<>(Objects.requireNonNull(name, "name"), Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(registry, "registry"), Optional.of(history));
    }

    /**
     * Publishes an event to every client whose filter accepts {@code subject}. Never blocks on clients.
     *
     * @param event    SSE event name (letters, digits, {@code _ . : -})
     * @param dataJson payload; line breaks are sent as several {@code data:} lines and rejoined by the browser
     * @param subject  audience key the client filters test
     * @return the event's id
     */
    public long publish(String event, String dataJson, E subject) {
        if (!EVENT_NAME.matcher(event).matches()) {
            throw new IllegalArgumentException("SSE event name must match " + EVENT_NAME + ", was '" + event + "'");
        }
        Objects.requireNonNull(dataJson, "dataJson");
        Objects.requireNonNull(subject, "subject");
        lock.lock();
        try {
            long id = lastId.incrementAndGet();
            deliver(id, event, dataJson, subject);
            return id;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Publishes an event of an outside feed under the feed's id. An id at or below the newest one already published
     * is ignored (a feed re-read after a reconnect may hand it in again), so every client gets each event once and
     * in id order. Never blocks on clients.
     *
     * @return whether the event was new and published
     */
    public boolean publish(long id, String event, String dataJson, E subject) {
        if (!EVENT_NAME.matcher(event).matches()) {
            throw new IllegalArgumentException("SSE event name must match " + EVENT_NAME + ", was '" + event + "'");
        }
        Objects.requireNonNull(dataJson, "dataJson");
        Objects.requireNonNull(subject, "subject");
        lock.lock();
        try {
            if (id <= lastId.get()) {
                return false;
            }
            lastId.set(id);
            deliver(id, event, dataJson, subject);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the newest id to {@code id} without publishing (a feed's position when this process starts reading it:
     * what came before is history, replayed only on request). Never moves backwards.
     */
    public void advanceTo(long id) {
        lock.lock();
        try {
            if (id > lastId.get()) {
                lastId.set(id);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called under the lock. */
    private void deliver(long id, String event, String dataJson, E subject) {
        SseEvent encoded = new SseEvent(id, frame(id, event, dataJson));
        if (config.replaySize > 0 && history.isEmpty()) {
            if (ring.size() == config.replaySize) {
                ring.removeFirst();
            }
            ring.addLast(new Retained<>(encoded, subject));
        }
        List<SseSubscription<E>> slow = new ArrayList<>(0);
        for (SseSubscription<E> client : clients) {
            if (client.accepts(subject) && !client.offer(encoded)) {
                slow.add(client);
            }
        }
        for (SseSubscription<E> client : slow) {
            clients.remove(client);
            client.drop();
            dropped.increment();
        }
    }

    /**
     * Registers a client. Does not block. When {@code lastEventId} is given, the retained events after it that
     * {@code filter} accepts are replayed first (an id newer than any published replays nothing); then live events.
     * A hub with a {@link History} reads the replay from it when streaming starts, and skips live events up to
     * {@code lastEventId} (the client has them).
     */
    public SseSubscription<E> subscribe(Predicate<? super E> filter, OptionalLong lastEventId) {
        Objects.requireNonNull(filter, "filter");
        lock.lock();
        try {
            Supplier<List<SseEvent>> replay;
            long seenThrough = 0;
            if (lastEventId.isEmpty()) {
                replay = List::of;
            } else if (history.isPresent()) {
                // Live events after upTo reach the client's queue from now on; the history supplies the rest.
                long upTo = lastId.get();
                long after = Math.max(lastEventId.getAsLong(), upTo - config.replaySize);
                replay = () -> fromHistory(after, upTo, filter);
                // Feed ids are global: a client that saw more than this process has (it resumed from a process
                // further ahead in the feed) must not get those events again when they arrive here.
                seenThrough = lastEventId.getAsLong();
            } else {
                List<SseEvent> retained = new ArrayList<>();
                for (Retained<E> candidate : ring) {
                    if (candidate.event.id() > lastEventId.getAsLong() && filter.test(candidate.subject)) {
                        retained.add(candidate.event);
                    }
                }
                List<SseEvent> copy = List.copyOf(retained);
                replay = () -> copy;
            }
            SseSubscription<E> subscription = new SseSubscription<>(filter, replay, seenThrough,
                    config.clientQueueSize);
            if (closed) {
                subscription.end();
            } else {
                clients.add(subscription);
            }
            return subscription;
        } finally {
            lock.unlock();
        }
    }

    private List<SseEvent> fromHistory(long after, long upTo, Predicate<? super E> filter) {
        if (after >= upTo) {
            return List.of();
        }
        List<SseEvent> replay = new ArrayList<>();
        for (Past<E> past : history.orElseThrow().between(after, upTo)) {
            if (filter.test(past.subject())) {
                replay.add(new SseEvent(past.id(), frame(past.id(), past.event(), past.dataJson())));
            }
        }
        return replay;
    }

    /**
     * Streams {@code subscription} as {@code text/event-stream} until the client disconnects, is dropped for being
     * slow, or the hub is closed; a hub with a {@link History} reads the replay from it first. Blocks the calling (virtual) thread that long; the subscription is removed before
     * it returns. A vanished client is a normal end here: the method returns and the server closes the connection.
     */
    @SuppressWarnings("ReferenceEquality") // END is a sentinel instance: identity is the point
    public void stream(ServerResponse res, SseSubscription<E> subscription) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header("X-Accel-Buffering", "no"); // keep reverse proxies from buffering the stream
        boolean open = subscription.attach(Thread.currentThread());
        try {
            if (!open) {
                res.send();
                return;
            }
            // Read before the headers go out, so a history that fails (database down) is still an error answer.
            List<SseEvent> replay = subscription.replay();
            OutputStream out = res.outputStream();
            write(out, CONNECTED); // sends the headers now, so the client knows it is subscribed
            for (SseEvent event : replay) {
                write(out, event.frame());
            }
            long heartbeatNanos = config.heartbeat.toNanos();
            while (true) {
                SseEvent event = subscription.queue().poll(heartbeatNanos, TimeUnit.NANOSECONDS);
                if (event == SseSubscription.END) {
                    break;
                }
                if (event != null && subscription.seen(event)) {
                    continue;
                }
                write(out, event == null ? KEEPALIVE : event.frame());
            }
            out.close();
        } catch (InterruptedException | IOException | UncheckedIOException | CloseConnectionException e) {
            // The client went away or was dropped; either way there is nobody left to answer.
        } finally {
            clients.remove(subscription);
            subscription.detach();
        }
    }

    /** Ends every stream after the events already queued; later subscriptions end at once. Does not block. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (SseSubscription<E> client : clients) {
                client.end();
            }
            clients.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Number of subscribed clients. */
    public int clients() {
        return clients.size();
    }

    /** Id of the newest published event, 0 before the first. */
    public long lastId() {
        return lastId.get();
    }

    /** Reads a {@code Last-Event-ID} header; a missing, negative or non-numeric value means "no resumption". */
    public static OptionalLong parseLastEventId(Optional<String> header) {
        return header.map(String::strip).map(Numbers::parseNonNegative)
                .orElse(OptionalLong.empty());
    }

    private int replayed() {
        lock.lock();
        try {
            return ring.size();
        } finally {
            lock.unlock();
        }
    }

    private static void write(OutputStream out, byte[] frame) throws IOException {
        out.write(frame);
        out.flush();
    }

    static byte[] frame(long id, String event, String data) {
        StringBuilder frame = new StringBuilder(data.length() + event.length() + 32);
        frame.append("id: ").append(id).append('\n').append("event: ").append(event).append('\n');
        for (String line : LINE_BREAK.split(data, -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        return frame.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }
}
