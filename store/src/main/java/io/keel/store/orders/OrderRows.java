package io.keel.store.orders;

import io.keel.store.db.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads orders with their items on a caller's connection. Stateless. */
final class OrderRows {
    /** The order columns {@link #head} reads, in its order. */
    static final String ORDER_COLUMNS = "id, user_id, total_cents, currency, status, created_at";
    private static final String ITEM_COLUMNS = "product_id, sku, quantity, unit_price_cents, line_total_cents";

    private OrderRows() {
    }

    /** An order row without its items yet. */
    private record Head(long id, long userId, long totalCents, String currency, String status, Instant createdAt) {
        Order with(List<OrderItem> items) {
            return new Order(id, userId, items, totalCents, currency, status, createdAt);
        }
    }

    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Runs a query selecting {@link #ORDER_COLUMNS} and returns its orders, in query order, with their items. */
    static List<Order> query(Connection connection, String sql, Binder binder) throws SQLException {
        List<Head> heads = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            binder.bind(select);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    heads.add(head(rows));
                }
            }
        }
        if (heads.isEmpty()) {
            return List.of();
        }
        Map<Long, List<OrderItem>> items = items(connection, heads.stream().map(Head::id).toList());
        return heads.stream().map(head -> head.with(items.getOrDefault(head.id(), List.of()))).toList();
    }

    /** Items of these orders (at most a page's worth of ids, so one IN list), each list in line order. */
    private static Map<Long, List<OrderItem>> items(Connection connection, List<Long> orderIds) throws SQLException {
        String marks = orderIds.stream().map(id -> "?").collect(Collectors.joining(", "));
        String sql = "SELECT order_id, " + ITEM_COLUMNS + " FROM order_items WHERE order_id IN (" + marks + ")"
                + " ORDER BY order_id, line_no";
        Map<Long, List<OrderItem>> items = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < orderIds.size(); i++) {
                select.setLong(i + 1, orderIds.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    items.computeIfAbsent(rows.getLong(1), id -> new ArrayList<>()).add(item(rows, 2));
                }
            }
        }
        return items;
    }

    /**
     * The order {@code id} with its items in one statement (orders left-joined to their items), for the single-order
     * read path: one round trip instead of two.
     */
    static Optional<Order> byId(Connection connection, long id) throws SQLException {
        // The two column lists share no name, so they need no table prefix here.
        String sql = "SELECT " + ORDER_COLUMNS + ", " + ITEM_COLUMNS
                + " FROM orders o LEFT JOIN order_items i ON i.order_id = o.id WHERE o.id = ? ORDER BY i.line_no";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                Head head = head(rows);
                List<OrderItem> items = new ArrayList<>();
                do {
                    if (rows.getString(8) != null) { // null: the order has no items (a left join's empty side)
                        items.add(item(rows, 7));
                    }
                } while (rows.next());
                return Optional.of(head.with(items));
            }
        }
    }

    /** Reads by position (H2 builds a name-to-index map per result set otherwise): {@link #ORDER_COLUMNS} first. */
    private static Head head(ResultSet rows) throws SQLException {
        return new Head(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getString(4), rows.getString(5),
                Jdbc.getInstant(rows, 6));
    }

    /** The {@link #ITEM_COLUMNS} starting at column {@code first}. */
    private static OrderItem item(ResultSet rows, int first) throws SQLException {
        return new OrderItem(rows.getLong(first), rows.getString(first + 1), rows.getInt(first + 2),
                rows.getLong(first + 3), rows.getLong(first + 4));
    }
}
