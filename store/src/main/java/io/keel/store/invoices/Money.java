package io.keel.store.invoices;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/**
 * Formats minor units of one currency the US way: symbol, grouping, the currency's own decimals ({@code $1,234.50},
 * {@code -$5.00}, {@code ¥1,235}). Not thread-safe ({@link NumberFormat} is not): one render owns one.
 */
final class Money {
    private final int digits;
    private final NumberFormat format;

    Money(String currencyCode) {
        Currency currency = Currency.getInstance(currencyCode);
        // Pseudo-currencies such as XXX report -1 decimals; they have no minor unit.
        this.digits = Math.max(0, currency.getDefaultFractionDigits());
        this.format = NumberFormat.getCurrencyInstance(Locale.US);
        format.setCurrency(currency);
        format.setMinimumFractionDigits(digits);
        format.setMaximumFractionDigits(digits);
    }

    String format(long minorUnits) {
        return format.format(BigDecimal.valueOf(minorUnits, digits));
    }
}
