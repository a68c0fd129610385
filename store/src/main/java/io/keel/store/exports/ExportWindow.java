package io.keel.store.exports;

import io.keel.runtime.http.Params;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Which orders an export covers: {@code from <= created_at < to}, either bound optional. Half-open, so consecutive
 * windows ({@code to} of one = {@code from} of the next) neither overlap nor leave a gap. Immutable.
 */
public record ExportWindow(Optional<Instant> from, Optional<Instant> to) {
    public ExportWindow {
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            throw Params.field("from", "must not be after to");
        }
    }

    public static ExportWindow all() {
        return new ExportWindow(Optional.empty(), Optional.empty());
    }

    /**
     * Reads the {@code from} and {@code to} query values: RFC 3339 date-times with {@code Z} or an offset.
     *
     * @throws io.keel.runtime.http.ProblemException 400 naming the parameter that is not a timestamp, or
     *                                               {@code from} when it is after {@code to}
     */
    public static ExportWindow parse(Optional<String> from, Optional<String> to) {
        return new ExportWindow(from.map(v -> instant("from", v)), to.map(v -> instant("to", v)));
    }

    private static Instant instant(String field, String value) {
        // An unencoded '+' of an offset arrives as a space after query decoding; there is no other use of a space.
        String text = value.strip().replace(' ', '+');
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw Params.field(field, "must be an RFC 3339 timestamp such as 2025-03-01T00:00:00Z");
        }
    }
}
