package io.keel.runtime.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.regex.Pattern;

/**
 * Answers requests that fail before routing (request line too long, headers too large, body over the listener limit,
 * unparseable HTTP) with a problem document instead of Helidon's plain text. Helidon's own header limit is a hard
 * cap at twice the configured one and answers 400; the configured limit itself is checked by the request filter,
 * which answers 431 (Helidon does not tell its direct handlers why a header block failed to parse).
 */
final class DirectProblemHandler implements DirectHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DirectProblemHandler.class);

    /** Helidon puts the raw request line's tail here; a version it did not take shows as {@code HTTP/d[.d]}. */
    private static final Pattern WELL_FORMED_VERSION =
            Pattern.compile("HTTP/(?!1\\.1/?$)[0-9](\\.[0-9])?/?$");

    private final Problems problems;
    private final MeterRegistry registry;

    DirectProblemHandler(Problems problems, MeterRegistry registry) {
        this.problems = problems;
        this.registry = registry;
    }

    @Override
    @SuppressWarnings("ReferenceEquality") // TransportRequest.empty() is Helidon's singleton for "no request"
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
                                    ServerResponseHeaders responseHeaders, String message) {
        int status = defaultStatus.code();
        String text = message == null ? "" : message;
        if (status >= 500 && request == TransportRequest.empty()) {
            // Helidon reports an exception while it parses the request line (e.g. a method that is not an HTTP
            // token) as an internal error without any request: the bytes the client sent are at fault, so it is 400.
            status = 400;
        }
        if (status == 400 && WELL_FORMED_VERSION.matcher(String.valueOf(request.protocolVersion())).find()) {
            // Helidon answers a well-formed but unsupported version (HTTP/9.9, HTTP/2 without upgrade) with a bare
            // 400; RFC 9110 15.6.6 has 505 for it
            status = 505;
        }
        ProblemException problem = switch (status) {
            case 413 -> ProblemException.tooLarge("request body exceeds the server's limit");
            case 414 -> new ProblemException(414, "URI Too Long", "the request line exceeds the server's limit");
            case 431 -> new ProblemException(431, "Request Header Fields Too Large",
                    "the request headers exceed the server's limit");
            case 400 -> ProblemException.badRequest("the request could not be parsed as HTTP/1.1");
            case 408 -> new ProblemException(408, "Request Timeout", "the request did not arrive in time");
            case 505 -> new ProblemException(505, "HTTP Version Not Supported", "this server speaks HTTP/1.1 and 1.0");
            default -> new ProblemException(status, defaultStatus.reasonPhrase(), "the request could not be handled");
        };
        String requestId = RequestIds.generate();
        if (status >= 500) {
            LOG.warn("rejected before routing with {} ({}): {} [requestId={}]", status, eventType, text, requestId);
        } else {
            // a client's malformed bytes: counted below, logged only at DEBUG so a scanner cannot flood the log
            LOG.debug("rejected before routing with {} ({}): {} [requestId={}]", status, eventType, text, requestId);
        }
        registry.counter("keel.http.rejected.requests", "status", Integer.toString(status)).increment();
        String path = request.path();
        byte[] body = problems.bytes(problem, path == null || path.isEmpty() ? "/" : truncate(path), requestId);
        return TransportResponse.builder()
                .status(Status.create(status))
                .headers(responseHeaders)
                .header(HeaderNames.CONTENT_TYPE, Problems.MEDIA_TYPE)
                .header(HeaderNames.create(RequestIds.HEADER), requestId)
                .header(HeaderNames.CONNECTION, "close")
                .entity(body)
                .build();
    }

    private static String truncate(String path) {
        return path.length() > 256 ? path.substring(0, 256) + "..." : path;
    }
}
