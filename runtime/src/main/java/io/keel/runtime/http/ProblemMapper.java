package io.keel.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.helidon.http.HttpException;
import io.keel.runtime.http.ProblemException.FieldError;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place where exceptions become HTTP answers. Known exception types map to a 4xx or 503; anything else is a
 * bug and becomes a 500 whose detail reveals nothing. Applications add their own mappings with {@link #register}.
 *
 * <p>Thread-safe after configuration (registration happens before the server starts).
 */
public final class ProblemMapper {
    private final List<Mapping<?>> mappings = new ArrayList<>();

    private record Mapping<T extends Throwable>(Class<T> type, Function<T, ProblemException> mapper) {
        Optional<ProblemException> apply(Throwable t) {
            return type.isInstance(t) ? Optional.of(mapper.apply(type.cast(t))) : Optional.empty();
        }
    }

    /** Maps exceptions of {@code type} (and subtypes) with {@code mapper}; earlier registrations win. */
    public <T extends Throwable> ProblemMapper register(Class<T> type, Function<T, ProblemException> mapper) {
        mappings.add(new Mapping<>(type, mapper));
        return this;
    }

    /** The problem for {@code t}; a status of 500 means it was not a client error. */
    public ProblemException map(Throwable t) {
        if (t instanceof ProblemException p) {
            return p;
        }
        for (Mapping<?> mapping : mappings) {
            Optional<ProblemException> mapped = mapping.apply(t);
            if (mapped.isPresent()) {
                return mapped.get();
            }
        }
        if (t instanceof Json.MalformedJsonException m) {
            return fromJackson(m.jackson());
        }
        if (t instanceof HttpException h && h.status().code() < 500) {
            return new ProblemException(h.status().code(), h.status().reasonPhrase(), safe(h.getMessage()));
        }
        return new ProblemException(500, "Internal Server Error",
                "the server failed to answer this request; quote the request id when reporting it");
    }

    static ProblemException fromJackson(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return ProblemException.invalid(List.of(new FieldError(path(u), "unknown field")));
        }
        if (e instanceof StreamConstraintsException) {
            return ProblemException.badRequest("JSON exceeds a parser limit: " + safe(e.getOriginalMessage()));
        }
        if (e instanceof InputCoercionException) {
            return ProblemException.badRequest("a number is out of range: " + safe(e.getOriginalMessage()));
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return ProblemException.invalid(List.of(new FieldError(path(m), "has the wrong type or value")));
        }
        return ProblemException.badRequest("malformed JSON: " + safe(e.getOriginalMessage()));
    }

    static Duration retryAfterOrDefault(ProblemException p) {
        return p.retryAfter().orElse(Duration.ofSeconds(1));
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "$" : sb.toString();
    }

    /** Jackson messages can echo input; keep them short and on one line. */
    private static String safe(String message) {
        if (message == null) {
            return "";
        }
        String oneLine = message.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
