package io.keel.store.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.KeelException;
import io.keel.runtime.http.Routes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The store's contract as an OpenAPI 3.1 document ({@code GET /openapi.json}, from the class path resource
 * {@code io/keel/store/openapi.json}) and the same document rendered as a plain page ({@code GET /api-docs}). The page
 * is rendered once, on the server, with no script and nothing loaded from elsewhere (no CDN is reachable from where
 * such services run). Both are public: the contract holds no secrets. Immutable and thread-safe.
 */
public final class ApiDocs {
    static final String RESOURCE = "/io/keel/store/openapi.json";
    private static final String PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

    private final byte[] document;
    private final byte[] page;

    private ApiDocs(byte[] document, byte[] page) {
        this.document = document;
        this.page = page;
    }

    /** Reads and renders the document; fails at start if it is missing or not JSON. */
    public static ApiDocs load(ObjectMapper mapper) {
        try (InputStream in = ApiDocs.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new KeelException("the API document " + RESOURCE + " is missing from the class path");
            }
            byte[] bytes = in.readAllBytes();
            return new ApiDocs(bytes, render(mapper.readTree(bytes)).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new KeelException("cannot read the API document " + RESOURCE, e);
        }
    }

    public void register(Routes routes) {
        routes.get("/openapi.json", this::document).get("/api-docs", this::page);
    }

    private void document(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(document);
    }

    private void page(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.create("Content-Security-Policy"), PAGE_POLICY);
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        res.send(page);
    }

    static String render(JsonNode doc) {
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(doc.path("info").path("title").asText())).append("</title><style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;max-width:1100px;margin:20px auto;padding:0 16px}")
                .append("h2{margin-top:28px;border-bottom:1px solid #ddd}code,pre{background:#f4f5f7;padding:1px 4px}")
                .append("pre{padding:8px;overflow:auto}table{border-collapse:collapse}td{padding:2px 10px 2px 0;")
                .append("vertical-align:top}.m{font-weight:700;display:inline-block;min-width:60px}</style></head><body>")
                .append("<h1>").append(esc(doc.path("info").path("title").asText())).append("</h1><p>")
                .append(esc(doc.path("info").path("description").asText()))
                .append("</p><p>Machine-readable: <a href=\"/openapi.json\">/openapi.json</a> (OpenAPI ")
                .append(esc(doc.path("openapi").asText())).append(").</p>");
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").properties().iterator(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().properties().iterator(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                operation(html, op.getKey(), path.getKey(), op.getValue());
            }
        }
        return html.append("</body></html>").toString();
    }

    private static void operation(StringBuilder html, String method, String path, JsonNode op) {
        html.append("<h2><span class=\"m\">").append(esc(method.toUpperCase(Locale.ROOT)))
                .append("</span> <code>").append(esc(path)).append("</code></h2><p>")
                .append(esc(op.path("summary").asText()))
                .append(op.has("security") ? " <em>(Authorization: Bearer)</em>" : "").append("</p>");
        if (op.has("parameters")) {
            html.append("<table>");
            for (JsonNode p : op.get("parameters")) {
                html.append("<tr><td><code>").append(esc(p.path("name").asText())).append("</code></td><td>")
                        .append(esc(p.path("in").asText())).append(p.path("required").asBoolean() ? ", required" : "")
                        .append("</td><td>").append(esc(p.path("description").asText())).append("</td></tr>");
            }
            html.append("</table>");
        }
        JsonNode example = op.path("requestBody").path("content").path("application/json").path("example");
        if (!example.isMissingNode()) {
            html.append("<p>Request body, for example:</p><pre>").append(esc(example.toPrettyString()))
                    .append("</pre>");
        }
        html.append("<table>");
        for (Iterator<Map.Entry<String, JsonNode>> codes = op.path("responses").properties().iterator(); codes.hasNext(); ) {
            Map.Entry<String, JsonNode> code = codes.next();
            html.append("<tr><td>").append(esc(code.getKey())).append("</td><td>")
                    .append(esc(code.getValue().path("description").asText())).append("</td></tr>");
        }
        html.append("</table>");
    }

    private static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
