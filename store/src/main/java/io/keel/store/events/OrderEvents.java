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
import io.keel.store.db.DbSettings;
import io.keel.store.orders.Order;
import io.keel.store.orders.OrderRepository;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Live order events: {@code GET /api/events} streams {@code event: order} with the order JSON as data to every
 * subscriber allowed to see that order (the operator and admins see all, a customer their own), with
 * {@code Last-Event-ID} resumption, heartbeats and bounded per-client queues from {@link SseBroadcaster}.
 * <p>
 * Two ways to get the events, one per database:
 * <ul>
 *   <li>{@link #inProcess} (H2, one process): {@link #placed(Order)} publishes at once; ids count from 1 per process
 *   and {@code Last-Event-ID} replays from an in-memory ring.</li>
 *   <li>{@link #shared} (PostgreSQL, any number of instances): {@link #placed(Order)} does nothing; every instance's
 *   {@link OrderEventListener} reads every committed order from the database under its global event id (see
 *   {@link OrderRepository#EVENTS_CHANNEL}), so a subscriber on any instance gets every order it may see, once, in
 *   commit order, and {@code Last-Event-ID} replays from the orders table on whichever instance it reconnects to.</li>
 * </ul>
 * Thread-safe. {@link #placed(Order)} never blocks on clients, so placing an order is never slowed by a subscriber.
 * Metrics (tag {@code stream=orders}): {@code keel_sse_clients}, {@code keel_sse_dropped_total},
 * {@code keel_sse_replay_events}; on PostgreSQL also the listener's ({@link OrderEventListener}).
 */
public final class OrderEvents implements AutoCloseable {
    public static final String EVENT = "order";

    private final SseBroadcaster<Long> hub;
    private final Authenticator auth;
    private final Json json;
    private final Optional<OrderEventListener> listener;

    private OrderEvents(SseBroadcaster<Long> hub, Authenticator auth, Json json, Optional<OrderEventListener> listener) {
        this.hub = hub;
        this.auth = auth;
        this.json = json;
        this.listener = listener;
    }

    /** Events of this process's orders only (H2). */
    public static OrderEvents inProcess(SseBroadcaster.Config config, Authenticator auth, Json json,
                                        MeterRegistry registry) {
        return new OrderEvents(SseBroadcaster.create("orders", config, registry), auth, json, Optional.empty());
    }

    /**
     * Events of every instance's orders through PostgreSQL. Reads the newest event id (the feed's position) before
     * it returns, then listens on a thread of its own; {@link #close()} stops it.
     *
     * @throws io.keel.store.db.DataAccessException when the database cannot be read
     */
    public static OrderEvents shared(SseBroadcaster.Config config, EventFeedSettings feed, DbSettings db,
                                     OrderRepository orders, Authenticator auth, Json json, Clock clock,
                                     MeterRegistry registry) {
        SseBroadcaster<Long> hub = SseBroadcaster.create("orders", config, registry, (after, upTo) -> {
            List<SseBroadcaster.Past<Long>> past = new ArrayList<>();
            for (long from = after; from < upTo; from = past.getLast().id()) {
                List<OrderRepository.Event> events = orders.events(from, upTo, feed.batch());
                if (events.isEmpty()) {
                    break;
                }
                events.forEach(event -> past.add(past(event, json)));
            }
            return past;
        });
        hub.advanceTo(orders.lastEventId());
        OrderEventListener listener = new OrderEventListener(db, feed.poll(), feed.reconnectMax(), feed.batch(),
                hub::lastId, event -> {
                    SseBroadcaster.Past<Long> past = past(event, json);
                    hub.publish(past.id(), EVENT, past.dataJson(), past.subject());
                }, clock, registry);
        listener.start();
        return new OrderEvents(hub, auth, json, Optional.of(listener));
    }

    private static SseBroadcaster.Past<Long> past(OrderRepository.Event event, Json json) {
        return new SseBroadcaster.Past<>(event.id(), EVENT,
                new String(json.bytes(event.order()), StandardCharsets.UTF_8), event.order().userId());
    }

    /**
     * Publishes a newly placed order to the subscribers who may see it (in-process only: with a shared feed the
     * listener delivers it, to this instance's subscribers too). Does not block; thread-safe.
     */
    public void placed(Order order) {
        if (listener.isEmpty()) {
            hub.publish(EVENT, new String(json.bytes(order), StandardCharsets.UTF_8), order.userId());
        }
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

    /** Ends every stream (server shutdown) and stops the listener; later subscribers get an empty stream. */
    @Override
    public void close() {
        hub.close();
        listener.ifPresent(OrderEventListener::close);
    }
}
