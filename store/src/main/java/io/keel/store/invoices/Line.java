package io.keel.store.invoices;

import java.util.Objects;

/** One invoice row. Amounts are in minor units of the invoice currency. Immutable. */
public record Line(String sku, String description, int quantity, long unitPriceCents, long lineTotalCents) {
    public Line {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(description, "description");
    }
}
