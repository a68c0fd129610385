package io.keel.store.catalog;

import java.util.Objects;

/**
 * Something the store sells.
 *
 * @param priceCents price in minor units of {@code currency}
 * @param currency   ISO 4217 code, upper case
 */
public record Product(long id, String sku, String name, long priceCents, String currency) {
    public static final int MAX_SKU_LENGTH = 64;
    public static final int MAX_NAME_LENGTH = 200;

    public Product {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(currency, "currency");
    }
}
