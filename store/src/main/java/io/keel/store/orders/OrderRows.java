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
import java.util.stream.Collectors;

/** Reads orders with their items on a caller's connection. Stateless. */
final class OrderRows {
    static final String ORDER_COLUMNS = "id, user_id, total_cents, currency, status, created_at";

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
                    heads.add(new Head(rows.getLong("id"), rows.getLong("user_id"), rows.getLong("total_cents"),
                            rows.getString("currency"), rows.getString("status"),
                            Jdbc.getInstant(rows, "created_at")));
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
        String sql = "SELECT order_id, product_id, sku, quantity, unit_price_cents, line_total_cents"
                + " FROM order_items WHERE order_id IN (" + marks + ") ORDER BY order_id, line_no";
        Map<Long, List<OrderItem>> items = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < orderIds.size(); i++) {
                select.setLong(i + 1, orderIds.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    items.computeIfAbsent(rows.getLong("order_id"), id -> new ArrayList<>())
                            .add(new OrderItem(rows.getLong("product_id"), rows.getString("sku"),
                                    rows.getInt("quantity"), rows.getLong("unit_price_cents"),
                                    rows.getLong("line_total_cents")));
                }
            }
        }
        return items;
    }
}
