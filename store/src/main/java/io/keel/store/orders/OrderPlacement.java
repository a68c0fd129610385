package io.keel.store.orders;

import java.util.Objects;

/**
 * The outcome of placing an order.
 *
 * @param created true when this call created the order; false when the idempotency key had already been used by
 *                this user and {@code order} is the original
 */
public record OrderPlacement(Order order, boolean created) {
    public OrderPlacement {
        Objects.requireNonNull(order, "order");
    }
}
