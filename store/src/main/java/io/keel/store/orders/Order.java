package io.keel.store.orders;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A placed order. All items are in the order's currency.
 *
 * @param userId     the account that placed it
 * @param items      in the order they were placed, never empty
 * @param totalCents sum of the items' line totals
 * @param status     {@link #STATUS_PLACED} for every order today
 */
public record Order(long id, long userId, List<OrderItem> items, long totalCents, String currency, String status,
                    Instant createdAt) {
    public static final String STATUS_PLACED = "placed";

    public Order {
        items = List.copyOf(items);
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
