package io.keel.runtime.http;

import io.helidon.webserver.http.ServerRequest;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Typed, validated query and path parameters; a bad value is a 400 problem naming the parameter. */
public final class Params {
    private Params() {
    }

    /** An optional integer query parameter in {@code min..max}, or {@code defaultValue} when absent. */
    public static int intQuery(ServerRequest req, String name, int defaultValue, int min, int max) {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty() || raw.get().isEmpty()) {
            return defaultValue;
        }
        OptionalLong value = Numbers.parseNonNegative(raw.get());
        if (value.isPresent() && value.getAsLong() >= min && value.getAsLong() <= max) {
            return (int) value.getAsLong();
        }
        throw field(name, "must be an integer in " + min + ".." + max);
    }

    /** An optional text query parameter; empty when absent or blank. */
    public static Optional<String> query(ServerRequest req, String name) {
        return req.query().first(name).asOptional().filter(v -> !v.isBlank());
    }

    /**
     * A positive numeric id from the path. Anything else names no resource, so it is a 404, not a 400: ids are
     * opaque to clients.
     */
    public static long idPath(ServerRequest req, String name) {
        String raw = req.path().pathParameters().get(name);
        OptionalLong id = Numbers.parseNonNegative(raw);
        if (id.isPresent() && id.getAsLong() > 0) {
            return id.getAsLong();
        }
        throw ProblemException.notFound("no such resource: " + truncate(raw));
    }

    public static ProblemException field(String name, String message) {
        return ProblemException.invalid(List.of(new ProblemException.FieldError(name, message)));
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
