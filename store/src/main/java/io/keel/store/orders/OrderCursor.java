package io.keel.store.orders;

import io.keel.runtime.http.Numbers;
import io.keel.store.db.InvalidCursorException;
import io.keel.store.db.Jdbc;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Position in a newest-first order listing: the (created_at, id) of the last order shown. Opaque to clients
 * (base64url of {@code "<createdAtMicros>:<id>"}) so the encoding can change without breaking the API.
 */
record OrderCursor(long createdAtMicros, long id) {
    private static final long MIN_MICROS = Jdbc.toMicros(Instant.parse("0001-01-01T00:00:00Z"));
    private static final long MAX_MICROS = Jdbc.toMicros(Instant.parse("9999-12-31T23:59:59.999999Z"));

    static OrderCursor after(Order order) {
        return new OrderCursor(Jdbc.toMicros(order.createdAt()), order.id());
    }

    Instant createdAt() {
        return Jdbc.fromMicros(createdAtMicros);
    }

    String encode() {
        byte[] text = (createdAtMicros + ":" + id).getBytes(StandardCharsets.US_ASCII);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text);
    }

    /** @throws InvalidCursorException for anything {@link #encode()} did not produce */
    static OrderCursor decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            int colon = text.indexOf(':');
            if (colon < 0) {
                throw new InvalidCursorException(cursor);
            }
            boolean negative = text.startsWith("-");
            long micros = Numbers.parseNonNegative(text, negative ? 1 : 0, colon)
                    .orElseThrow(() -> new InvalidCursorException(cursor)) * (negative ? -1 : 1);
            long id = Numbers.parseNonNegative(text, colon + 1, text.length())
                    .orElseThrow(() -> new InvalidCursorException(cursor));
            if (id < 1) {
                throw new InvalidCursorException(cursor);
            }
            if (micros < MIN_MICROS || micros > MAX_MICROS) {
                // Both databases reject some far-off timestamps; fail as a bad cursor, not inside the query.
                throw new InvalidCursorException(cursor);
            }
            return new OrderCursor(micros, id);
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidCursorException invalid) {
                throw invalid;
            }
            throw new InvalidCursorException(cursor);
        }
    }
}
