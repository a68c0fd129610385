package io.keel.runtime.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders {@link ProblemException}s as RFC 9457 {@code application/problem+json} documents. Thread-safe. */
public final class Problems {
    public static final String MEDIA_TYPE = "application/problem+json";

    private final Json json;

    public Problems(Json json) {
        this.json = json;
    }

    /** The document's fields, in the order the contract lists them. */
    public Map<String, Object> document(ProblemException p, String instance, String requestId) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", "urn:keel:problem:" + slug(p.title()));
        doc.put("title", p.title());
        doc.put("status", p.status());
        doc.put("detail", p.detail());
        doc.put("instance", instance);
        doc.put("requestId", requestId);
        if (!p.errors().isEmpty()) {
            List<Map<String, String>> errors = p.errors().stream()
                    .map(e -> Map.of("field", e.field(), "message", e.message()))
                    .toList();
            doc.put("errors", errors);
        }
        return doc;
    }

    public byte[] bytes(ProblemException p, String instance, String requestId) {
        return json.bytes(document(p, instance, requestId));
    }

    /** Sends the problem as the response; the caller checks {@code res.isSent()} first. */
    public void send(ServerResponse res, ProblemException p, String instance, String requestId) {
        res.status(Status.create(p.status()));
        res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, MEDIA_TYPE));
        if (p.status() == 429 || p.status() == 503) {
            long seconds = Math.max(1, ProblemMapper.retryAfterOrDefault(p).toSeconds());
            res.header(HeaderValues.create(HeaderNames.RETRY_AFTER, Long.toString(seconds)));
        }
        res.send(bytes(p, instance, requestId));
    }

    private static String slug(String title) {
        return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
