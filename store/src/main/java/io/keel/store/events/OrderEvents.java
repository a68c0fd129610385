package io.keel.store.events;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.http.Json;
import io.keel.runtime.http.Routes;
import io.keel.runtime.stream.SseBroadcaster;
import io.keel.runtime.stream.SseSubscription;
import io.keel.store.accounts.Authenticator;
import io.keel.store.accounts.Principal;
import io.keel.store.orders.Order;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Live order events: {@code GET /api/events} streams {@code event: order} with the order JSON as data to every
 * subscriber allowed to see that order (the operator and admins see all, a customer their own), with
 * {@code Last-Event-ID} resumption, heartbeats and bounded per-client queues from {@link SseBroadcaster}.
 * <p>
 * Thread-safe. {@link #placed(Order)} never blocks on clients, so placing an order is never slowed by a subscriber.
 * Metrics (tag {@code stream=orders}): {@code keel_sse_clients}, {@code keel_sse_dropped_total},
 * {@code keel_sse_replay_events}.
 */
public final class OrderEvents implements AutoCloseable {
    public static final String EVENT = "order";

    private final SseBroadcaster<Long> hub;
    private final Authenticator auth;
    private final Json json;

    private OrderEvents(SseBroadcaster<Long> hub, Authenticator auth, Json json) {
        this.hub = hub;
        this.auth = auth;
        this.json = json;
    }

    public static OrderEvents create(SseBroadcaster.Config config, Authenticator auth, Json json,
                                     MeterRegistry registry) {
        return new OrderEvents(SseBroadcaster.create("orders", config, registry), auth, json);
    }

    /** Publishes a newly placed order to the subscribers who may see it. Does not block; thread-safe. */
    public void placed(Order order) {
        hub.publish(EVENT, new String(json.bytes(order), StandardCharsets.UTF_8), order.userId());
    }

    public void register(Routes routes) {
        routes.route(Method.GET, "/api/events", Routes.Kind.STREAM, this::stream);
    }

    private void stream(ServerRequest req, ServerResponse res) {
        Principal principal = auth.require(req);
        Predicate<Long> visible = principal::canSee;
        OptionalLong lastEventId = SseBroadcaster.parseLastEventId(
                req.headers().first(HeaderNames.create("Last-Event-ID")));
        SseSubscription<Long> subscription = hub.subscribe(visible, lastEventId);
        hub.stream(res, subscription); // blocks this virtual thread for the life of the connection
    }

    /** Ends every stream (server shutdown); later subscribers get an empty stream. */
    @Override
    public void close() {
        hub.close();
    }
}
