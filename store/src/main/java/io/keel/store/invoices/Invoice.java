package io.keel.store.invoices;

import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Objects;

/**
 * The data printed on an invoice. Immutable: the line list is copied. Amounts are in minor units of
 * {@code currency} (cents for USD, yen for JPY), as ISO 4217 defines them.
 *
 * @param totalCents the amount due; when it differs from the sum of the lines the difference is printed as an
 *                   adjustment (discounts, taxes, shipping), never silently corrected
 * @param currency   ISO 4217 code such as {@code USD}
 */
public record Invoice(String number, Instant issuedAt, Party seller, Party buyer, List<Line> lines, long totalCents,
        String currency) {

    public Invoice {
        Objects.requireNonNull(number, "number");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(seller, "seller");
        Objects.requireNonNull(buyer, "buyer");
        Objects.requireNonNull(currency, "currency");
        lines = List.copyOf(lines);
        if (number.isBlank()) {
            throw new IllegalArgumentException("invoice number is blank");
        }
        try {
            Currency.getInstance(currency);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("currency was " + currency + ", must be an ISO 4217 code", e);
        }
    }

    /** Sum of the line totals, in minor units. */
    public long subtotalCents() {
        return lines.stream().mapToLong(Line::lineTotalCents).sum();
    }
}
