package io.keel.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.KeelException;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Strict JSON in, JSON out. Reading refuses what a careful API refuses: a wrong content type (415), a body over the
 * limit (413, decided from {@code Content-Length} before reading, else while reading), invalid UTF-8 or JSON, unknown
 * fields, wrong types, strings where numbers belong, floats where integers belong, numbers that do not fit, and
 * nesting deeper than 32 levels (all 400, mapped by {@link ProblemMapper}).
 *
 * <p>Thread-safe; reading blocks on the request body, so call it on the request's (virtual) thread.
 */
public final class Json {
    static final String MEDIA_TYPE = "application/json";
    private static final int MAX_DEPTH = 32;

    private final ObjectMapper mapper;

    private Json(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public static Json create() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxNumberLength(64)
                .maxStringLength(1 << 20)
                .build());
        for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return new Json(mapper);
    }

    /** The configured mapper, for streaming writers that need it. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Reads the request body as {@code type}. Blocks until the body is read.
     *
     * @param maxBytes the largest body accepted
     * @throws ProblemException 413 or 415; Jackson exceptions for malformed input (mapped to 400)
     */
    public <T> T read(ServerRequest req, Class<T> type, long maxBytes) {
        req.headers().contentType().ifPresentOrElse(ct -> {
            String mediaType = ct.mediaType().text().toLowerCase(Locale.ROOT);
            if (!mediaType.equals(MEDIA_TYPE) && !mediaType.endsWith("+json")) {
                throw ProblemException.unsupportedMediaType("expected Content-Type application/json, got " + mediaType);
            }
        }, () -> {
            // a body without a declared type is not JSON by declaration; guessing would accept anything
            if (req.content().hasEntity()) {
                throw ProblemException.unsupportedMediaType("expected Content-Type application/json, got none");
            }
        });
        if (req.headers().contentLength().orElse(0) > maxBytes) {
            throw ProblemException.tooLarge("request body is larger than " + maxBytes + " bytes");
        }
        if (!req.content().hasEntity()) {
            throw ProblemException.badRequest("a JSON request body is required");
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw ProblemException.tooLarge("request body is larger than " + maxBytes + " bytes");
            }
            if (body.length == 0) {
                throw ProblemException.badRequest("a JSON request body is required");
            }
            T value = mapper.readValue(body, type);
            if (value == null) {
                // A literal `null` body binds to null; handlers expect an object, so it must not reach them.
                throw ProblemException.badRequest("the JSON body must be an object, not null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serialises {@code body} as the response with the given status. */
    public void write(ServerResponse res, Status status, Object body) {
        byte[] bytes = bytes(body);
        res.status(status);
        res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, MEDIA_TYPE));
        res.send(bytes);
    }

    public byte[] bytes(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + body.getClass().getName(), e);
        }
    }

    /** Malformed client JSON, kept apart from serialisation bugs so only this one becomes a 400. */
    static final class MalformedJsonException extends KeelException {
        @Serial
        private static final long serialVersionUID = 1L;

        MalformedJsonException(JsonProcessingException cause) {
            super(cause.getOriginalMessage(), cause);
        }

        JsonProcessingException jackson() {
            return (JsonProcessingException) getCause();
        }
    }
}
