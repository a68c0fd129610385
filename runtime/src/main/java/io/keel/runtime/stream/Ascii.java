package io.keel.runtime.stream;

import java.time.Instant;

/**
 * Formats numbers and instants as ASCII straight into a byte array, the same text {@link Long#toString(long)} and
 * {@link Instant#toString()} give, without the intermediate {@code String}: a streamed export formats millions of
 * them. Stateless; callers make room first ({@code 20} bytes for a long, {@link #MAX_INSTANT_CHARS} for an instant).
 */
final class Ascii {
    /** {@code yyyy-MM-ddTHH:mm:ss.nnnnnnnnnZ}. */
    static final int MAX_INSTANT_CHARS = 30;
    private static final long FIRST_FOUR_DIGIT_YEAR = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST_FOUR_DIGIT_YEAR = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    private static final int SECONDS_PER_DAY = 86_400;

    private Ascii() {
    }

    /** Writes {@code value} in decimal at {@code at}; returns the index after it. */
    static int putLong(byte[] b, int at, long value) {
        if (value == Long.MIN_VALUE) {
            String text = Long.toString(value);
            for (int i = 0; i < text.length(); i++) {
                b[at++] = (byte) text.charAt(i);
            }
            return at;
        }
        if (value < 0) {
            b[at++] = '-';
            value = -value;
        }
        int digits = digits(value);
        int end = at + digits;
        for (int i = end - 1; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return end;
    }

    private static int digits(long value) {
        int n = 1;
        for (long limit = 10; n < 19 && value >= limit; limit *= 10) {
            n++;
        }
        return n;
    }

    /** True when {@link #putInstant} can write {@code value}: years 0000..9999, the range without a sign. */
    static boolean isFourDigitYear(Instant value) {
        long seconds = value.getEpochSecond();
        return seconds >= FIRST_FOUR_DIGIT_YEAR && seconds <= LAST_FOUR_DIGIT_YEAR;
    }

    /** Writes {@code value} as {@link Instant#toString()} does; the year must be 0000..9999. Returns the end index. */
    static int putInstant(byte[] b, int at, Instant value) {
        long seconds = value.getEpochSecond();
        long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = Math.floorMod(seconds, SECONDS_PER_DAY);
        // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted); exact for any year.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        at = fixed(b, at, year, 4);
        b[at++] = '-';
        at = fixed(b, at, month, 2);
        b[at++] = '-';
        at = fixed(b, at, day, 2);
        b[at++] = 'T';
        at = fixed(b, at, secondOfDay / 3600, 2);
        b[at++] = ':';
        at = fixed(b, at, secondOfDay / 60 % 60, 2);
        b[at++] = ':';
        at = fixed(b, at, secondOfDay % 60, 2);
        int nano = value.getNano();
        if (nano != 0) {
            b[at++] = '.';
            if (nano % 1_000_000 == 0) {
                at = fixed(b, at, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                at = fixed(b, at, nano / 1000, 6);
            } else {
                at = fixed(b, at, nano, 9);
            }
        }
        b[at++] = 'Z';
        return at;
    }

    /** Writes {@code value} zero-padded to exactly {@code width} digits. */
    private static int fixed(byte[] b, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }
}
