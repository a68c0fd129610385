package io.keel.runtime.http;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionProvider;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.keel.runtime.KeelConfig;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP conventions every Keel service shares, installed on a routing: the request filter (ids, metrics), the error handler (problems),
 * the 404/405 fallback, and the direct handler for requests that fail before routing. Created by the runtime.
 */
public final class HttpLayer implements AutoCloseable {
    private final MeterRegistry registry;
    private final Problems problems;
    private final RequestFilter filter;
    private final ProblemErrorHandler errors;
    private final Map<String, ConnectionGuard> guards = new ConcurrentHashMap<>();

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
     * Configures one listener with the limits every listener shares: sizes, idle timeout, the connection bound and
     * the header deadline ({@link ConnectionGuard}, metered under {@code name}), and problem documents for requests
     * that fail before routing. {@link #close()} stops the guards' timers once the server has stopped.
     */
    public <B extends ListenerConfig.BuilderBase<B, ?>> B listener(B builder, String name, KeelConfig config) {
        ConnectionGuard guard = new ConnectionGuard(config.maxConnections(), config.headerTimeout(), problems,
                registry, name);
        guards.put(name, guard);
        DirectHandlers.Builder direct = DirectHandlers.builder();
        DirectHandler handler = directHandler();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            direct.addHandler(type, handler);
        }
        Http1Config http1 = Http1Config.builder()
                .maxPrologueLength(config.maxRequestLine())
                .maxHeadersSize(config.maxHeaderSize() * 2)
                .addReceiveListener(guard.receiveListener())
                .addSendListener(guard.sendListener())
                .build();
        // Helidon's own HTTP/1 selector, wrapped; protocol discovery is off so that it is the only one
        ServerConnectionSelector http1Selector = new Http1ConnectionProvider().create(WebServer.DEFAULT_SOCKET_NAME,
                http1, ProtocolConfigs.create(List.of(http1)));
        // Helidon closes a kept-alive connection that waits for its next request line longer than the idle timeout
        // (never one mid-request); it checks every quarter of that time
        return builder.shutdownGracePeriod(config.shutdownGrace())
                .idleConnectionTimeout(config.idleTimeout())
                .idleConnectionPeriod(config.idleTimeout().dividedBy(4))
                .maxPayloadSize(config.maxStreamSize())
                .protocolsDiscoverServices(false)
                .addConnectionSelector(guard.wrap(http1Selector))
                .directHandlers(direct.build())
                // Helidon leaves Nagle's algorithm on (tcp-no-delay false): a response written in two parts (headers,
                // then a body) held its second part until the client's delayed ACK, 40 ms on Linux, when the
                // first part was small; a 270 KB thumbnail POST from the JDK client took 52 ms instead of 7
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build());
    }

    @Override
    public void close() {
        guards.values().forEach(ConnectionGuard::close);
    }

    /** From now on every response says {@code Connection: close}: clients stop reusing their connections. */
    public void closeConnections() {
        filter.closeConnections();
    }

    /**
     * Waits (at most {@code within}) until the listener {@code name} has no connection open and none arrived for
     * {@code quiet}; returns how many are still open.
     */
    public int awaitNoConnections(String name, Duration within, Duration quiet) throws InterruptedException {
        return guards.get(name).awaitNoConnections(within, quiet);
    }

    /**
     * Call just before the server stops: a connection of the listener {@code name} whose first request has not
     * arrived gets {@code requestWait} for it before the stop closes it ({@link StopWait}); read the returned wait's
     * counts once the server stopped.
     */
    public StopWait stopping(String name, Duration requestWait) {
        return guards.get(name).stopping(requestWait);
    }

    public int inFlight() {
        return filter.inFlight();
    }
}
