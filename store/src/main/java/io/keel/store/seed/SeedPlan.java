package io.keel.store.seed;

import java.util.Objects;

/**
 * What demo data to create.
 *
 * @param customers            accounts {@code customer1@example.com} .. {@code customer<N>@example.com}
 * @param products             catalog size; every fifth product is priced in EUR, the rest in USD
 * @param orders               orders of 1..5 items spread over the last 90 days
 * @param customerPasswordHash the encoded password hash every demo customer gets (computed once by the caller, as
 *                             hashing a slow hash per customer would dominate the seeding time)
 * @param randomSeed           same seed, same data (timestamps are relative to the seeding time)
 */
public record SeedPlan(int customers, int products, long orders, String customerPasswordHash, long randomSeed) {
    /** Bounds the seeding time and disk use to what a demo can want. */
    public static final long MAX_ORDERS = 100_000_000L;

    public SeedPlan {
        Objects.requireNonNull(customerPasswordHash, "customerPasswordHash");
        if (customers < 0 || products < 0 || orders < 0 || orders > MAX_ORDERS) {
            throw new IllegalArgumentException("seed plan customers/products/orders were " + customers + "/"
                    + products + "/" + orders + "; allowed >= 0 (orders <= " + MAX_ORDERS + ")");
        }
        if (orders > 0 && (customers == 0 || products == 0)) {
            throw new IllegalArgumentException(
                    "seeding " + orders + " orders needs at least one customer and one product");
        }
        if (customers > 0 && customerPasswordHash.isBlank()) {
            throw new IllegalArgumentException("seed plan customerPasswordHash is blank");
        }
    }
}
