package io.keel.store.orders;

import io.keel.store.db.Dialect;
import io.keel.store.db.Jdbc;
import io.keel.store.db.Page;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Orders and their items. Thread-safe and stateless; every call borrows one pooled connection and blocks on the
 * database.
 *
 * <p>Idempotency is the database's job: a unique constraint on (user_id, idempotency_key) lets exactly one of any
 * number of racing placements insert; the others roll back and return that one's order.
 *
 * <p>On PostgreSQL every placed order also gets the next order event id and a {@code NOTIFY} on
 * {@value #EVENTS_CHANNEL} in its transaction (see V5__global_events_and_upload_chunks.sql): the counter row's lock
 * makes event ids follow commit order, and the notification is delivered only once the order is committed.
 */
public final class OrderRepository {
    /** Largest page the repository serves; the HTTP layer enforces its own, smaller limit. */
    public static final int MAX_PAGE_SIZE = 1_000;
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
    /** Upper bound on lines per order, so one request cannot make an unbounded transaction. */
    public static final int MAX_ITEMS = 1_000;
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    /** The PostgreSQL channel told of every placed order's event id. */
    public static final String EVENTS_CHANNEL = "keel_order_events";
    /** Taken last in the order's transaction, so the counter row stays locked only for the commit. */
    private static final String NEXT_EVENT = "WITH next AS (UPDATE event_counters SET last_id = last_id + 1"
            + " WHERE name = 'orders' RETURNING last_id),"
            + " stamped AS (UPDATE orders SET event_id = (SELECT last_id FROM next) WHERE id = ? RETURNING event_id)"
            + " SELECT pg_notify('" + EVENTS_CHANNEL + "', CAST((SELECT event_id FROM stamped) AS TEXT))";

    /** A placed order under its global event id. */
    public record Event(long id, Order order) {
    }

    private final DataSource dataSource;
    private final boolean globalEvents;

    /** @param dialect on {@link Dialect#POSTGRESQL} placed orders get global event ids and a notification */
    public OrderRepository(DataSource dataSource, Dialect dialect) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.globalEvents = Objects.requireNonNull(dialect, "dialect") == Dialect.POSTGRESQL;
    }

    /**
     * Places an order: the order row and its items in one transaction.
     *
     * @param idempotencyKey when present and already used by this user with the same lines, nothing is inserted and
     *                       the original order is returned with {@code created == false}; used with other lines, it
     *                       is an {@link IdempotencyKeyReusedException}
     * @param items          1..{@value #MAX_ITEMS} lines, all priced in {@code currency}
     * @param now            creation time; stored with microsecond precision
     * @throws IllegalArgumentException for no or too many items, a malformed currency or key, or a total that
     *                                  overflows
     * @throws io.keel.store.db.DataAccessException when the database fails, or the user or a product does not exist
     */
    public OrderPlacement place(long userId, Optional<String> idempotencyKey, List<OrderItem> items, String currency,
                                Instant now) {
        if (items.isEmpty() || items.size() > MAX_ITEMS) {
            throw new IllegalArgumentException("order had " + items.size() + " items; allowed 1.." + MAX_ITEMS);
        }
        if (!CURRENCY.matcher(currency).matches()) {
            throw new IllegalArgumentException("currency was '" + currency + "'; expected ISO 4217 like USD");
        }
        idempotencyKey.ifPresent(key -> {
            if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
                throw new IllegalArgumentException("idempotency key length was " + key.length() + "; allowed 1.."
                        + MAX_IDEMPOTENCY_KEY_LENGTH);
            }
        });
        long total = items.stream().mapToLong(OrderItem::lineTotalCents).reduce(0L, Math::addExact);
        Instant createdAt = Jdbc.truncate(now);
        String fingerprint = IdempotencyKeyReusedException.fingerprint(items);
        try (Connection connection = dataSource.getConnection()) {
            if (idempotencyKey.isPresent()) {
                // Fast path for retries; correctness under races comes from the constraint below, not from this.
                Optional<Order> existing = findByKey(connection, userId, idempotencyKey.get());
                if (existing.isPresent()) {
                    return replay(connection, existing.get(), idempotencyKey.get(), fingerprint);
                }
            }
            long id;
            connection.setAutoCommit(false);
            try {
                id = insert(connection, userId, idempotencyKey, fingerprint, items, currency, total, createdAt);
                if (globalEvents) {
                    try (PreparedStatement event = connection.prepareStatement(NEXT_EVENT)) {
                        event.setLong(1, id);
                        event.executeQuery().close();
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                if (idempotencyKey.isPresent() && Jdbc.isUniqueViolation(e)) {
                    // The winner has committed (both databases make the loser wait on the index entry until the
                    // winner's transaction ends), so its row is visible to this READ COMMITTED read.
                    Order original = findByKey(connection, userId, idempotencyKey.get())
                            .orElseThrow(() -> Jdbc.failure("placing order with a reused idempotency key", e));
                    return replay(connection, original, idempotencyKey.get(), fingerprint);
                }
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
            return new OrderPlacement(
                    new Order(id, userId, items, total, currency, Order.STATUS_PLACED, createdAt), true);
        } catch (SQLException e) {
            throw Jdbc.failure("placing order for user " + userId, e);
        }
    }

    /** The original order for a reused key, when this call asked for the same lines; else 422. */
    private static OrderPlacement replay(Connection connection, Order original, String key, String fingerprint)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT idempotency_fingerprint FROM orders WHERE id = ?")) {
            select.setLong(1, original.id());
            try (ResultSet rows = select.executeQuery()) {
                // NULL: placed before fingerprints were stored; nothing to compare, so it replays as it always did
                String stored = rows.next() ? rows.getString(1) : null;
                if (stored != null && !stored.equals(fingerprint)) {
                    throw new IdempotencyKeyReusedException(key);
                }
            }
        }
        return new OrderPlacement(original, false);
    }

    private static long insert(Connection connection, long userId, Optional<String> idempotencyKey,
                               String fingerprint, List<OrderItem> items, String currency, long total,
                               Instant createdAt) throws SQLException {
        long id;
        String orderSql = "INSERT INTO orders (user_id, idempotency_key, total_cents, currency, status, created_at,"
                + " item_count, idempotency_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement insert = connection.prepareStatement(orderSql, new String[] {"id"})) {
            insert.setLong(1, userId);
            insert.setString(2, idempotencyKey.orElse(null));
            insert.setLong(3, total);
            insert.setString(4, currency);
            insert.setString(5, Order.STATUS_PLACED);
            Jdbc.setInstant(insert, 6, createdAt);
            insert.setInt(7, items.size());
            insert.setString(8, idempotencyKey.isPresent() ? fingerprint : null);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        String itemSql = "INSERT INTO order_items (order_id, line_no, product_id, sku, quantity, unit_price_cents,"
                + " line_total_cents) VALUES (?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement insert = connection.prepareStatement(itemSql)) {
            for (int line = 0; line < items.size(); line++) {
                OrderItem item = items.get(line);
                insert.setLong(1, id);
                insert.setInt(2, line + 1);
                insert.setLong(3, item.productId());
                insert.setString(4, item.sku());
                insert.setInt(5, item.quantity());
                insert.setLong(6, item.unitPriceCents());
                insert.setLong(7, item.lineTotalCents());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return id;
    }

    /** The order with its items, read in one statement. */
    public Optional<Order> findById(long id) {
        try (Connection connection = dataSource.getConnection()) {
            return OrderRows.byId(connection, id);
        } catch (SQLException e) {
            throw Jdbc.failure("reading order " + id, e);
        }
    }

    /** The newest order event id handed out (0 before the first); reads one row. */
    public long lastEventId() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT last_id FROM event_counters WHERE name = 'orders'");
             ResultSet rows = select.executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0;
        } catch (SQLException e) {
            throw Jdbc.failure("reading the last order event id", e);
        }
    }

    /** {@link #events(Connection, long, long, int)} on a pooled connection. */
    public List<Event> events(long after, long upTo, int limit) {
        try (Connection connection = dataSource.getConnection()) {
            return events(connection, after, upTo, limit);
        } catch (SQLException e) {
            throw Jdbc.failure("reading order events after " + after, e);
        }
    }

    /**
     * The orders with {@code after < event_id <= upTo}, at most {@code limit} (1..{@value #MAX_PAGE_SIZE}), in event
     * id order, read on {@code connection} (the event listener's own) in two statements.
     */
    public static List<Event> events(Connection connection, long after, long upTo, int limit) throws SQLException {
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("limit was " + limit + "; allowed 1.." + MAX_PAGE_SIZE);
        }
        Map<Long, Long> orderIds = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT event_id, id FROM orders"
                + " WHERE event_id > ? AND event_id <= ? ORDER BY event_id LIMIT ?")) {
            select.setLong(1, after);
            select.setLong(2, upTo);
            select.setInt(3, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    orderIds.put(rows.getLong(1), rows.getLong(2));
                }
            }
        }
        if (orderIds.isEmpty()) {
            return List.of();
        }
        String marks = orderIds.values().stream().map(id -> "?").collect(Collectors.joining(", "));
        List<Long> ids = List.copyOf(orderIds.values());
        Map<Long, Order> orders = OrderRows.query(connection, "SELECT " + OrderRows.ORDER_COLUMNS
                + " FROM orders WHERE id IN (" + marks + ")", select -> {
                    for (int i = 0; i < ids.size(); i++) {
                        select.setLong(i + 1, ids.get(i));
                    }
                }).stream().collect(Collectors.toMap(Order::id, Function.identity()));
        return orderIds.entrySet().stream().map(e -> new Event(e.getKey(), orders.get(e.getValue()))).toList();
    }

    private static Optional<Order> findByKey(Connection connection, long userId, String key) throws SQLException {
        return OrderRows.query(connection, "SELECT " + OrderRows.ORDER_COLUMNS
                + " FROM orders WHERE user_id = ? AND idempotency_key = ?", select -> {
                    select.setLong(1, userId);
                    select.setString(2, key);
                }).stream().findFirst();
    }

    /**
     * A user's orders, newest first (created_at, then id, descending). Keyset paging: orders placed while a client
     * pages appear on no page or on the first, never twice, and no order between pages is skipped.
     *
     * @param limit       1..{@value #MAX_PAGE_SIZE}
     * @param afterCursor the {@code next} of the previous page; empty for the first page
     * @throws io.keel.store.db.InvalidCursorException when the cursor was not issued by this method
     * @throws IllegalArgumentException                for a limit outside 1..{@value #MAX_PAGE_SIZE}
     */
    public Page<Order> pageForUser(long userId, int limit, Optional<String> afterCursor) {
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("limit was " + limit + "; allowed 1.." + MAX_PAGE_SIZE);
        }
        Optional<OrderCursor> after = afterCursor.map(OrderCursor::decode);
        // "created_at <= ? AND (created_at < ? OR id < ?)" is the row comparison (created_at, id) < (?, ?) written
        // so that both databases can seek the (user_id, created_at DESC, id DESC) index on its first part.
        String sql = "SELECT " + OrderRows.ORDER_COLUMNS + " FROM orders WHERE user_id = ?"
                + (after.isPresent() ? " AND created_at <= ? AND (created_at < ? OR id < ?)" : "")
                + " ORDER BY created_at DESC, id DESC LIMIT ?";
        try (Connection connection = dataSource.getConnection()) {
            List<Order> orders = OrderRows.query(connection, sql, select -> {
                int index = 1;
                select.setLong(index++, userId);
                if (after.isPresent()) {
                    Jdbc.setInstant(select, index++, after.get().createdAt());
                    Jdbc.setInstant(select, index++, after.get().createdAt());
                    select.setLong(index++, after.get().id());
                }
                // One row more than asked tells whether a next page exists without a second query.
                select.setInt(index, limit + 1);
            });
            if (orders.size() <= limit) {
                return new Page<>(orders, Optional.empty());
            }
            List<Order> items = orders.subList(0, limit);
            return new Page<>(items, Optional.of(OrderCursor.after(items.getLast()).encode()));
        } catch (SQLException e) {
            throw Jdbc.failure("listing orders of user " + userId, e);
        }
    }
}
