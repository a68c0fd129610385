package io.keel.runtime.config;

import io.keel.runtime.http.Numbers;

import java.util.Locale;

/**
 * Parses and prints byte sizes written the way operators write them: {@code 512}, {@code 64k}, {@code 256m},
 * {@code 2g} (binary multiples, case-insensitive, optional trailing {@code b}/{@code ib}).
 */
public final class ByteSize {
    private ByteSize() {
    }

    /**
     * The number of bytes {@code text} names.
     *
     * @throws IllegalArgumentException when the text is not a size
     */
    public static long parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ib")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        long multiplier = 1;
        if (!s.isEmpty()) {
            multiplier = switch (s.charAt(s.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                case 't' -> 1L << 40;
                default -> 1;
            };
            if (multiplier != 1) {
                s = s.substring(0, s.length() - 1);
            }
        }
        try {
            // ASCII digits only: Long.parseLong would also take "+5" and fullwidth or Arabic-Indic digits
            long value = Numbers.parseNonNegative(s.trim())
                    .orElseThrow(() -> new NumberFormatException(text));
            return Math.multiplyExact(value, multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a byte size: '" + text + "' (examples: 512, 64k, 256m, 2g)", e);
        }
    }

    /** The shortest exact form: 1048576 prints as {@code 1m}, 1500 as {@code 1500}. */
    public static String format(long bytes) {
        String[] units = {"t", "g", "m", "k"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
