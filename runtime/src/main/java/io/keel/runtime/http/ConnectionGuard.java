package io.keel.runtime.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two connection-level protections Helidon does not give in the form we need (its {@code maxTcpConnections} stops
 * accepting, so a client past the bound hangs in the kernel's backlog; its read timeout is per read, so a client that
 * sends one header line every few seconds never trips it):
 * <ul>
 *     <li>a bound on open connections per listener: one more is answered {@code 503} with {@code Retry-After} and
 *     closed at once ({@code keel_http_connections_refused_total});</li>
 *     <li>a total deadline for a request's line and headers: past it the client gets {@code 408} and the connection
 *     is closed ({@code keel_http_header_timeouts_total}); see {@link HeaderDeadline} for the states.</li>
 * </ul>
 * It wraps Helidon's HTTP/1 connection selector and listens to its receive and send events, which also lets it hold
 * the server's close of a connection whose first request is still on its way when the server stops ({@link StopWait}).
 * Thread-safe; one scheduler thread for all deadlines, closed by {@link #close()}.
 */
public final class ConnectionGuard implements AutoCloseable {
    private static final Duration DRAIN_POLL = Duration.ofMillis(10);
    private final int maxConnections;
    private final Duration headerTimeout;
    private final Problems problems;
    private final AtomicInteger open = new AtomicInteger();
    /** Connections opened plus connections closed: a change means a client came or left. */
    private final AtomicLong comings = new AtomicLong();
    private final Counter refused;
    private final Counter timeouts;
    private final ConcurrentMap<ConnectionContext, Guarded> connections = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer = deadlineTimer();
    private final StopWait stopWait = new StopWait(timer);

    ConnectionGuard(int maxConnections, Duration headerTimeout, Problems problems, MeterRegistry registry,
                    String listener) {
        this.maxConnections = maxConnections;
        this.headerTimeout = headerTimeout;
        this.problems = problems;
        registry.gauge("keel.http.connections.active", List.of(
                Tag.of("listener", listener)), open);
        registry.gauge("keel.http.connections.max", List.of(
                Tag.of("listener", listener)), maxConnections);
        this.refused = Counter.builder("keel.http.connections.refused")
                .description("connections refused with 503 because the listener had max-connections open")
                .tag("listener", listener).register(registry);
        Gauge.builder("keel.http.header.deadlines.pending", timer, t -> t.getQueue().size())
                .description("header deadlines (and stop waits) armed on this listener's timer")
                .tag("listener", listener).register(registry);
        this.timeouts = Counter.builder("keel.http.header.timeouts")
                .description("requests whose line and headers did not arrive within header-timeout (408)")
                .tag("listener", listener).register(registry);
    }

    /**
     * One platform thread for every deadline. A deadline is armed and cancelled on every request, so cancelled ones
     * must leave the queue at once: by default they wait there until they would have fired, which at 1,000 requests
     * a second and a 10 s header timeout kept some 10,000 dead tasks (each holding its connection) alive long enough
     * for every young collection to copy them.
     */
    private static ScheduledThreadPoolExecutor deadlineTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("keel-header-deadline").daemon().factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Helidon's HTTP/1 selector with the bound and the deadline around each connection it creates. */
    public ServerConnectionSelector wrap(ServerConnectionSelector http1) {
        return new ServerConnectionSelector() {
            @Override
            public int bytesToIdentifyConnection() {
                return http1.bytesToIdentifyConnection();
            }

            @Override
            public Support supports(BufferData data) {
                return http1.supports(data);
            }

            @Override
            public Set<String> supportedApplicationProtocols() {
                return http1.supportedApplicationProtocols();
            }

            @Override
            public ServerConnection connection(ConnectionContext ctx) {
                return new Guarded(ctx, http1.connection(ctx));
            }
        };
    }

    /** Receive events: a parsed request line arms the header deadline, complete headers disarm it. */
    public Http1ConnectionListener receiveListener() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                Guarded connection = connections.get(ctx);
                if (connection != null) {
                    connection.deadline.requestStarted();
                    connection.stop.requestLine();
                }
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                Guarded connection = connections.get(ctx);
                if (connection != null) {
                    connection.deadline.headersComplete();
                }
            }
        };
    }

    /** Send events: once a response starts, the connection is idle until the next request line. */
    public Http1ConnectionListener sendListener() {
        return new Http1ConnectionListener() {
            @Override
            public void status(ConnectionContext ctx, Status status) {
                Guarded connection = connections.get(ctx);
                if (connection != null) {
                    connection.deadline.responseStarted();
                }
            }
        };
    }

    int open() {
        return open.get();
    }

    /**
     * Blocks until no connection is open and none opened or closed for {@code quiet}, or until {@code within} has
     * passed; the listener is still open meanwhile, so a client that reconnects to it is served. Quiet counts from the
     * last close too: a client told to close reconnects right after, and its new connection may reach this listener
     * again. Returns the connections still open.
     */
    int awaitNoConnections(Duration within, Duration quiet) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        long seen = comings.get();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = comings.get();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            } else if (open.get() == 0 && System.nanoTime() - quietSince >= quiet.toNanos()) {
                return 0;
            }
            Thread.sleep(DRAIN_POLL);
        }
        return open.get();
    }

    /**
     * The server is about to stop: a connection whose first request has not arrived gets {@code requestWait} for it
     * when the server closes it ({@link StopWait}; zero closes it at once). Returns the wait, to read its counts once
     * the server stopped.
     */
    StopWait stopping(Duration requestWait) {
        stopWait.start(requestWait);
        return stopWait;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /**
     * Helidon's connection with the bound, the header deadline and the stop wait. Not an {@code InterruptableTask} on
     * purpose: at stop, Helidon's reader executor interrupts the connections whose task says it may (one reading a
     * request line), which would cut a connection whose close the stop wait holds.
     */
    private final class Guarded implements ServerConnection {
        private final ConnectionContext ctx;
        private final ServerConnection delegate;
        private final HeaderDeadline deadline;
        private final StopWait.Connection stop;

        Guarded(ConnectionContext ctx, ServerConnection delegate) {
            this.ctx = ctx;
            this.delegate = delegate;
            this.deadline = new HeaderDeadline(timer, headerTimeout, () -> expire(ctx, delegate));
            this.stop = stopWait.connection(() -> delegate.close(false));
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            comings.incrementAndGet();
            if (open.incrementAndGet() > maxConnections) {
                open.decrementAndGet();
                refused.increment();
                answer(ctx, ProblemException.unavailable("the server has " + maxConnections
                        + " connections open, its limit; retry later", Duration.ofSeconds(1)), "Retry-After: 1\r\n");
                return;
            }
            connections.put(ctx, this);
            try {
                deadline.requestStarted(); // the bytes that chose this protocol are the start of the first request
                delegate.handle(limit);
            } finally {
                deadline.cancel();
                stop.ended();
                connections.remove(ctx);
                open.decrementAndGet();
                comings.incrementAndGet();
            }
        }

        @Override
        public Duration idleTime() {
            return delegate.idleTime();
        }

        /** {@code close(false)} is the server's graceful close (stop, idle timeout); the stop wait may hold it. */
        @Override
        public void close(boolean interrupt) {
            if (interrupt) {
                delegate.close(true);
            } else {
                stop.close();
            }
        }
    }

    private void expire(ConnectionContext ctx, ServerConnection connection) {
        timeouts.increment();
        answer(ctx, new ProblemException(408, "Request Timeout", "the request line and headers did not arrive "
                + "within " + headerTimeout.toMillis() + " ms"), "");
        // interrupting the connection's virtual thread closes its socket and ends the blocked read
        connection.close(true);
    }

    /** Writes {@code problem} as a whole response that closes the connection; a failed write changes nothing. */
    private void answer(ConnectionContext ctx, ProblemException problem, String extraHeaders) {
        String requestId = RequestIds.generate();
        byte[] body = problems.bytes(problem, "/", requestId);
        String head = "HTTP/1.1 " + problem.status() + " " + problem.title() + "\r\n"
                + "Content-Type: " + Problems.MEDIA_TYPE + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + RequestIds.HEADER + ": " + requestId + "\r\n"
                + extraHeaders
                + "Connection: close\r\n\r\n";
        try {
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            byte[] all = Arrays.copyOf(headBytes, headBytes.length + body.length);
            System.arraycopy(body, 0, all, headBytes.length, body.length);
            ctx.dataWriter().writeNow(BufferData.create(all));
        } catch (RuntimeException e) {
            // the client is gone already; the connection closes either way
        }
    }
}
