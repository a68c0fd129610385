package io.keel.runtime.http;

import io.helidon.http.DirectHandler;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The HTTP conventions every Keel service shares, installed on a routing: the request filter (ids, metrics), the error handler (problems),
 * the 404/405 fallback, and the direct handler for requests that fail before routing. Created by the runtime.
 */
public final class HttpLayer {
    private final MeterRegistry registry;
    private final Problems problems;
    private final RequestFilter filter;
    private final ProblemErrorHandler errors;

    public HttpLayer(MeterRegistry registry, Json json, ProblemMapper mapper, int maxHeaderSize) {
        this.registry = registry;
        this.problems = new Problems(json);
        this.filter = new RequestFilter(registry, maxHeaderSize);
        this.errors = new ProblemErrorHandler(problems, mapper);
    }

    /** Installs the filter and returns the route registry for application routes. */
    public Routes install(HttpRouting.Builder routing, Admission admission) {
        routing.addFilter(filter);
        routing.error(Throwable.class, errors);
        return new Routes(routing, admission);
    }

    /** Adds the fallback; call after all routes. */
    public void finish(Routes routes) {
        routes.finish();
    }

    public DirectHandler directHandler() {
        return new DirectProblemHandler(problems, registry);
    }

    /**
     * The connection bound and header deadline of one listener; the caller closes it after the server stopped.
     */
    public ConnectionGuard connectionGuard(int maxConnections, java.time.Duration headerTimeout, String listener) {
        return new ConnectionGuard(maxConnections, headerTimeout, problems, registry, listener);
    }

    public int inFlight() {
        return filter.inFlight();
    }
}
