package io.keel.runtime;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** Parses a raw HTTP/1.1 response (fixed-length body) into an HttpResponse, for raw-socket tests. */
record RawResponse(int statusCode, HttpHeaders headers, String body) implements HttpResponse<String> {
    /** Reads one response: the head, then exactly Content-Length body bytes (no waiting for the connection to close). */
    static RawResponse read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside the response head");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        RawResponse parsed = parse(head.toString(StandardCharsets.ISO_8859_1));
        int length = Integer.parseInt(parsed.headers().firstValue("content-length").orElse("0"));
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new RawResponse(parsed.statusCode(), parsed.headers(), body);
    }

    static RawResponse parse(String raw) {
        int split = raw.indexOf("\r\n\r\n");
        String[] lines = raw.substring(0, split).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        return new RawResponse(status, HttpHeaders.of(headers, (a, b) -> true), raw.substring(split + 4));
    }

    @Override
    public HttpRequest request() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return Optional.empty();
    }

    @Override
    public URI uri() {
        throw new UnsupportedOperationException();
    }

    @Override
    public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
    }
}
