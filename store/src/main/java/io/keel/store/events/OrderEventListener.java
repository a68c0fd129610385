package io.keel.store.events;

import io.keel.store.db.DbSettings;
import io.keel.store.orders.OrderRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Reads every instance's placed orders from PostgreSQL on one dedicated connection (not the pool's) and hands them,
 * in event id order, to {@code deliver}.
 * <p>
 * The connection {@code LISTEN}s on {@link OrderRepository#EVENTS_CHANNEL}; a notification (or {@code poll} without
 * one) only wakes it, and it then reads every event after the newest delivered one ({@code lastDelivered}) from the
 * orders table, {@code batch} at a time. So nothing is lost while the connection is down: after a reconnect it reads
 * what it missed, and the query after each wait also proves the connection alive. A failed connection is retried
 * after 100 ms, doubling up to {@code reconnectMax}.
 * <p>
 * One platform thread, started by {@link #start()}, blocks in {@code PGConnection.getNotifications(timeout)}.
 * {@link #close()} stops it within about {@code poll}. Metrics: {@code keel_events_listener_connected} (1 while
 * listening), {@code keel_events_listener_reconnects_total}, {@code keel_events_listener_lag_seconds} (age of the
 * newest delivered order when it was delivered: commit to delivery), {@code keel_events_listener_last_event_id}.
 */
final class OrderEventListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrderEventListener.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    /** The listener connection's {@code application_name}, as {@code pg_stat_activity} shows it. */
    static final String APPLICATION_NAME = "keel-order-events";

    private final DbSettings db;
    private final Duration poll;
    private final Duration reconnectMax;
    private final int batch;
    private final LongSupplier lastDelivered;
    private final Consumer<OrderRepository.Event> deliver;
    private final Clock clock;
    private final AtomicLong connected = new AtomicLong();
    private final AtomicLong lagMicros = new AtomicLong();
    private final Counter reconnects;
    private final Thread thread;
    private volatile boolean closed;

    OrderEventListener(DbSettings db, Duration poll, Duration reconnectMax, int batch, LongSupplier lastDelivered,
                       Consumer<OrderRepository.Event> deliver, Clock clock, MeterRegistry registry) {
        this.db = Objects.requireNonNull(db, "db");
        this.poll = poll;
        this.reconnectMax = reconnectMax;
        this.batch = batch;
        this.lastDelivered = lastDelivered;
        this.deliver = deliver;
        this.clock = clock;
        this.reconnects = Counter.builder("keel.events.listener.reconnects")
                .description("Times the order event listener lost its database connection").register(registry);
        Gauge.builder("keel.events.listener.connected", connected, AtomicLong::get)
                .description("1 while the order event listener is listening, 0 while it reconnects")
                .register(registry);
        Gauge.builder("keel.events.listener.lag", lagMicros, micros -> micros.get() / 1e6).baseUnit("seconds")
                .description("Age of the newest order event when this instance delivered it").register(registry);
        Gauge.builder("keel.events.listener.last.event.id", lastDelivered, LongSupplier::getAsLong)
                .description("Newest order event id delivered to this instance's subscribers").register(registry);
        this.thread = Thread.ofPlatform().daemon().name("keel-order-events").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    boolean listening() {
        return connected.get() == 1;
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        while (!closed) {
            try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), connectionProperties())) {
                PGConnection pg = connection.unwrap(PGConnection.class);
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + OrderRepository.EVENTS_CHANNEL);
                }
                connected.set(1);
                backoff = FIRST_BACKOFF;
                while (!closed) {
                    catchUp(connection);
                    pg.getNotifications((int) poll.toMillis()); // any notification only wakes us
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                connected.set(0);
                reconnects.increment();
                LOG.warn("order event listener lost its database connection ({}); retrying in {} ms", e.getMessage(),
                        backoff.toMillis());
                if (!sleep(backoff)) {
                    break;
                }
                backoff = backoff.multipliedBy(2).compareTo(reconnectMax) > 0 ? reconnectMax : backoff.multipliedBy(2);
            }
        }
        connected.set(0);
    }

    /** Credentials, and a name that tells this connection apart in {@code pg_stat_activity}. */
    private Properties connectionProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", db.jdbcUser());
        properties.setProperty("password", db.jdbcPassword());
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        return properties;
    }

    /** Delivers every committed event after the newest delivered one. */
    private void catchUp(Connection connection) throws SQLException {
        while (!closed) {
            List<OrderRepository.Event> events = OrderRepository.events(connection, lastDelivered.getAsLong(),
                    Long.MAX_VALUE, batch);
            for (OrderRepository.Event event : events) {
                deliver.accept(event);
            }
            if (!events.isEmpty()) {
                Duration age = Duration.between(events.getLast().order().createdAt(), clock.instant());
                lagMicros.set(Math.max(0, age.toNanos() / 1000));
            }
            if (events.size() < batch) {
                return;
            }
        }
    }

    private static boolean sleep(Duration backoff) {
        try {
            TimeUnit.NANOSECONDS.sleep(backoff.toNanos());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the thread; blocks up to the poll interval plus a second for it to end. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(poll.plusSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
