package io.keel.runtime.http;

import io.keel.runtime.KeelException;

import java.io.Serial;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An error with an HTTP meaning. Throw it from a handler (or let a library exception be mapped by
 * {@link ProblemMapper}); the HTTP layer answers it as an RFC 9457 problem document.
 */
public class ProblemException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** One invalid input field, for validation errors. */
    public record FieldError(String field, String message) {
    }

    private final int status;
    private final String title;
    private final transient List<FieldError> errors;
    private final transient Optional<Duration> retryAfter;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, List.of(), Optional.empty());
    }

    public ProblemException(int status, String title, String detail, List<FieldError> errors,
                            Optional<Duration> retryAfter) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }

    public static ProblemException invalid(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.getFirst().field() + ": " + errors.getFirst().message()
                : errors.size() + " fields are invalid";
        return new ProblemException(400, "Invalid input", detail, errors, Optional.empty());
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "Unauthorized", detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "Forbidden", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail);
    }

    public static ProblemException tooLarge(String detail) {
        return new ProblemException(413, "Content Too Large", detail);
    }

    public static ProblemException unsupportedMediaType(String detail) {
        return new ProblemException(415, "Unsupported Media Type", detail);
    }

    public static ProblemException unprocessable(String detail) {
        return new ProblemException(422, "Unprocessable Content", detail);
    }

    public static ProblemException tooManyRequests(String detail, Duration retryAfter) {
        return new ProblemException(429, "Too Many Requests", detail, List.of(), Optional.of(retryAfter));
    }

    public static ProblemException unavailable(String detail, Duration retryAfter) {
        return new ProblemException(503, "Service Unavailable", detail, List.of(), Optional.of(retryAfter));
    }
}
