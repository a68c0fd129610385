package io.keel.runtime.http;

import io.helidon.http.HeaderValues;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps every request: assigns the request id (header and log context), counts in-flight requests, and records
 * {@code http_server_requests_seconds} labelled by method, route TEMPLATE, status and outcome.
 *
 * <p>Label cardinality is bounded: unknown methods become {@code OTHER}, unmatched paths {@code UNMATCHED}.
 * Thread-safe.
 */
final class RequestFilter implements Filter {
    private static final HeaderName REQUEST_ID = HeaderNames.create(RequestIds.HEADER);
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private record TimerKey(String method, String route, int status) {
    }

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    private final int maxHeaderSize;
    /** Set once shutdown begins: every response from then on asks the client to close its connection. */
    private volatile boolean closeConnections;

    RequestFilter(MeterRegistry registry, int maxHeaderSize) {
        this.registry = registry;
        this.maxHeaderSize = maxHeaderSize;
        registry.gauge("keel.http.inflight.requests", inFlight);
    }

    int inFlight() {
        return inFlight.get();
    }

    void closeConnections() {
        closeConnections = true;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String requestId = RequestIds.accept(req.headers().first(REQUEST_ID).orElse(null));
        res.header(REQUEST_ID, requestId); // the prebuilt name: a String name is looked up on every call
        MDC.put(RequestIds.MDC_KEY, requestId);
        if (closeConnections) {
            // the client closes the connection after this response and reconnects, possibly to another worker
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        inFlight.incrementAndGet();
        try {
            if (headerBytes(req) > maxHeaderSize) {
                throw new ProblemException(431, "Request Header Fields Too Large",
                        "the request headers exceed " + maxHeaderSize + " bytes");
            }
            chain.proceed();
        } finally {
            inFlight.decrementAndGet();
            record(req, res, System.nanoTime() - start);
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    private static long headerBytes(RoutingRequest req) {
        long total = 0;
        for (Header header : req.headers()) {
            total += header.name().length() + 4L;
            for (String value : header.allValues()) {
                total += value.length();
            }
        }
        return total;
    }

    private void record(RoutingRequest req, RoutingResponse res, long nanos) {
        String method = req.prologue().method().text();
        TimerKey key = new TimerKey(METHODS.contains(method) ? method : "OTHER",
                req.matchingPattern().filter(p -> !p.isEmpty()).orElse("UNMATCHED"),
                res.status().code());
        timers.computeIfAbsent(key, k -> Timer.builder("http.server.requests")
                        .description("HTTP requests by method, route template, status and outcome")
                        .tag("method", k.method())
                        .tag("route", k.route())
                        .tag("status", Integer.toString(k.status()))
                        .tag("outcome", Outcome.forStatus(k.status()).name())
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(60))
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
