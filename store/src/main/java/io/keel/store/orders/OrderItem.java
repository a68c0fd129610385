package io.keel.store.orders;

import java.util.Objects;

/**
 * One line of an order. Sku and unit price are copied from the product when the order is placed.
 *
 * @param lineTotalCents {@code quantity * unitPriceCents}; checked on construction
 */
public record OrderItem(long productId, String sku, int quantity, long unitPriceCents, long lineTotalCents) {
    public OrderItem {
        Objects.requireNonNull(sku, "sku");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity was " + quantity + "; must be at least 1");
        }
        if (unitPriceCents < 0) {
            throw new IllegalArgumentException("unitPriceCents was " + unitPriceCents + "; must be >= 0");
        }
        if (lineTotalCents != Math.multiplyExact(unitPriceCents, quantity)) {
            throw new IllegalArgumentException("lineTotalCents was " + lineTotalCents + "; expected "
                    + quantity + " x " + unitPriceCents);
        }
    }

    /** A line for {@code quantity} units at {@code unitPriceCents}, with its total computed. */
    public static OrderItem of(long productId, String sku, int quantity, long unitPriceCents) {
        return new OrderItem(productId, sku, quantity, unitPriceCents, Math.multiplyExact(unitPriceCents, quantity));
    }
}
