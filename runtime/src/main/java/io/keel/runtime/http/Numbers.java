package io.keel.runtime.http;

import java.util.OptionalLong;

/**
 * Numbers as this API spells them: ASCII digits only. {@link Long#parseLong} also accepts every other Unicode digit
 * ({@code "１"}, {@code "٣"}) and a leading {@code +}, so a value that no client should send would be taken; every
 * number read from a request goes through here instead. Stateless.
 */
public final class Numbers {
    private Numbers() {
    }

    /** True when {@code text} is 1..{@code maxDigits} ASCII digits and nothing else. */
    public static boolean isAsciiDigits(CharSequence text, int maxDigits) {
        return isAsciiDigits(text, 0, text.length(), maxDigits);
    }

    static boolean isAsciiDigits(CharSequence text, int from, int to, int maxDigits) {
        if (to <= from || to - from > maxDigits) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The non-negative number {@code text[from..to)} spells in ASCII digits, or empty when it is anything else or
     * does not fit a {@code long}.
     */
    public static OptionalLong parseNonNegative(CharSequence text, int from, int to) {
        if (!isAsciiDigits(text, from, to, 19)) {
            return OptionalLong.empty();
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                return OptionalLong.empty();
            }
            value = value * 10 + digit;
        }
        return OptionalLong.of(value);
    }

    /** {@link #parseNonNegative(CharSequence, int, int)} over the whole text. */
    public static OptionalLong parseNonNegative(CharSequence text) {
        return parseNonNegative(text, 0, text.length());
    }
}
