package io.keel.store.orders;

import io.keel.runtime.KeelException;

import java.io.Serial;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * An {@code Idempotency-Key} came back with a different request than the one it was first used with (IETF
 * Idempotency-Key draft, section 2.7: 422). The key is bound to a fingerprint of what was asked for: the lines'
 * products and quantities in order, so the same JSON written differently (spacing, field order) is the same request.
 */
public final class IdempotencyKeyReusedException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    IdempotencyKeyReusedException(String key) {
        super("the Idempotency-Key " + (key.length() > 64 ? key.substring(0, 64) + "..." : key)
                + " was already used with a different request body; use a new key for a new order");
    }

    /** SHA-256 (hex) of the lines as requested; prices are left out, they come from the catalog, not the client. */
    static String fingerprint(List<OrderItem> items) {
        StringBuilder text = new StringBuilder();
        for (OrderItem item : items) {
            text.append(item.productId()).append('x').append(item.quantity()).append(';');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
