package io.keel.bench.load;

import io.keel.bench.BenchException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load's HTTP/1.1 client: each request blocks its calling (virtual) thread on a plain socket, and keep-alive
 * connections wait in a pool per host and port that hands out the one idle longest, so requests spread over every
 * open connection as they would over many clients' connections. That matters for a service of several processes:
 * each connection stays with the process that accepted it, and a pool that reused the newest connection sent
 * nearly all of 1,000 light requests a second down one or two connections, so to one of the Node.js peer's two
 * workers (session 13). Requests are described by the JDK's
 * {@link HttpRequest} (method, URI, headers, body publisher, timeout), so request factories do not change.
 * <p>Why not a library client: on a 2-core machine the generator shares the CPU with the service it measures, so
 * every microsecond it spends per request is taken from the service. At 1,000 GET/s against a server that answers
 * at once, the JDK's {@code HttpClient} used 680-760 µs of CPU per request (its selector thread and executor hand
 * each exchange over several times; with its idle pool unbounded, far more), Helidon's WebClient 420-490 µs, this
 * client 190-260 µs (docs/benchmarks.md, "Session 13"). What it leaves out: TLS, HTTP/2, redirects, proxies,
 * cookies; the load only ever talks plain HTTP/1.1 to loopback.
 * <p>Bounds: at most {@code maxIdle} idle connections are kept (more are closed when they come back), so after a
 * burst the pool keeps up to that many in rotation; one idle longer than {@code maxIdleTime} is closed rather than
 * reused (servers close idle keep-alive connections: Node.js after 5 s). A GET or HEAD on a reused connection that
 * the server had already closed (nothing of the answer read) is sent once more on a new connection; other methods
 * fail instead, as with the JDK's client, since the server may have acted on them. Thread-safe.
 */
public final class Http1Client implements AutoCloseable {
    private static final byte[] NO_BODY = new byte[0];
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
    /** Methods sent again when a reused connection turns out closed: as the JDK's client, never a POST. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD");

    private final int connectTimeoutMs;
    private final int maxIdle;
    private final long maxIdleNanos;
    private final Map<String, ConcurrentLinkedDeque<Http1Connection>> idle = new ConcurrentHashMap<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final LongAdder opened = new LongAdder();
    private volatile boolean closed;

    public Http1Client(Duration connectTimeout, int maxIdle, Duration maxIdleTime) {
        if (maxIdle < 0 || maxIdle > 10_000) {
            throw new BenchException("maxIdle must be in 0..10000, got " + maxIdle);
        }
        this.connectTimeoutMs = (int) Math.max(1, connectTimeout.toMillis());
        this.maxIdle = maxIdle;
        this.maxIdleNanos = maxIdleTime.toNanos();
    }

    /** 5 s to connect, 256 idle connections kept for at most 4 s each. */
    public static Http1Client create() {
        return new Http1Client(Duration.ofSeconds(5), 256, Duration.ofSeconds(4));
    }

    /** What came back: the status, and the body as UTF-8 text when it was asked for (else null). */
    public record Answer(int status, String body) {
    }

    /**
     * Sends {@code request} and reads its whole answer within {@code timeout} (the request's own timeout wins when
     * it has one). Throws {@link HttpTimeoutException} when time runs out, {@link java.net.ConnectException} or
     * {@link java.net.http.HttpConnectTimeoutException} when no connection can be made, another
     * {@link IOException} when the exchange breaks.
     */
    public Answer send(HttpRequest request, Duration timeout, boolean keepBody) throws IOException {
        URI uri = request.uri();
        if (!"http".equals(uri.getScheme())) {
            throw new BenchException("the load client speaks plain http only, got " + uri);
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String authority = uri.getHost() + ":" + port;
        String method = request.method();
        byte[] body = bodyOf(request, timeout);
        String target = uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            target += "?" + uri.getRawQuery();
        }
        String head = Http1Connection.head(method, target, authority, request.headers().map(),
                body.length > 0 || BODY_METHODS.contains(method) ? body.length : -1);
        long deadline = System.nanoTime() + request.timeout().orElse(timeout).toNanos();
        boolean headRequest = method.equals("HEAD");
        Http1Connection c = pooled(authority);
        if (c != null) {
            try {
                return finish(authority, c, c.exchange(head, body, headRequest, keepBody, deadline));
            } catch (IOException e) {
                c.close();
                if (!IDEMPOTENT.contains(method) || !(e instanceof Http1Connection.ClosedBeforeAnswer
                        || e instanceof SocketException)) {
                    throw e;
                }
                // The server had closed it while it was idle: send once more on a new connection.
            }
        }
        c = Http1Connection.open(new InetSocketAddress(uri.getHost(), port), connectTimeoutMs);
        opened.increment();
        try {
            return finish(authority, c, c.exchange(head, body, headRequest, keepBody, deadline));
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Connections opened so far. */
    public long opened() {
        return opened.sum();
    }

    /** Idle connections now kept. */
    public int idle() {
        return idleCount.get();
    }

    private Answer finish(String authority, Http1Connection c, Http1Connection.Answer a) {
        if (a.reusable()) {
            release(authority, c);
        } else {
            c.close();
        }
        return new Answer(a.status(), a.body());
    }

    private Http1Connection pooled(String authority) {
        ConcurrentLinkedDeque<Http1Connection> q = idle.get(authority);
        if (q == null) {
            return null;
        }
        Http1Connection c;
        while ((c = q.pollLast()) != null) {
            idleCount.decrementAndGet();
            if (System.nanoTime() - c.idleSince() < maxIdleNanos) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private void release(String authority, Http1Connection c) {
        if (closed || idleCount.incrementAndGet() > maxIdle) {
            idleCount.decrementAndGet();
            c.close();
            return;
        }
        c.idleSince(System.nanoTime());
        idle.computeIfAbsent(authority, k -> new ConcurrentLinkedDeque<>()).offerFirst(c);
    }

    /** The request's body, drained from its publisher (the JDK's publishers deliver at once). */
    static byte[] bodyOf(HttpRequest request, Duration timeout) throws IOException {
        var publisher = request.bodyPublisher();
        if (publisher.isEmpty() || publisher.get().contentLength() == 0) {
            return NO_BODY;
        }
        long length = publisher.get().contentLength();
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        publisher.get().subscribe(new Flow.Subscriber<>() {
            // Known length (byte arrays, strings): filled in place, one copy of the body per request.
            private final byte[] exact = length > 0 && length < Integer.MAX_VALUE ? new byte[(int) length] : null;
            private final ByteArrayOutputStream grown = exact == null ? new ByteArrayOutputStream() : null;
            private int filled;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                int n = item.remaining();
                if (exact == null) {
                    byte[] b = new byte[n];
                    item.get(b);
                    grown.writeBytes(b);
                } else if (filled + n <= exact.length) {
                    item.get(exact, filled, n);
                }
                filled += n; // more than announced is reported when the body ends
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                if (exact != null && filled != exact.length) {
                    done.completeExceptionally(new IOException("the request body had " + filled
                            + " bytes, its publisher announced " + exact.length));
                } else {
                    done.complete(exact != null ? exact : grown.toByteArray());
                }
            }
        });
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the request body", e);
        } catch (ExecutionException e) {
            throw new IOException("the request body failed", e.getCause());
        } catch (TimeoutException e) {
            throw new HttpTimeoutException("the request body was not ready within " + timeout);
        }
    }

    @Override
    public void close() {
        closed = true;
        idle.values().forEach(q -> {
            Http1Connection c;
            while ((c = q.pollFirst()) != null) {
                idleCount.decrementAndGet();
                c.close();
            }
        });
    }
}
