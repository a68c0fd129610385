package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import javax.net.ssl.SSLSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document served at {@code /openapi.json} against the real routes: every registered route is documented,
 * every documented operation exists, and each answers with a status its document lists — asked without credentials
 * (and, where that is 401, with the operator token) and without a body. Problem statuses come as problem+json.
 */
class OpenApiContractH2Test extends StoreContract {
    private JsonNode doc;

    @Override
    protected Backend backend() {
        return Backend.H2;
    }

    @BeforeAll
    void readDocument() {
        HttpResponse<String> res = api.get("/openapi.json");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
        doc = Api.json(res);
    }

    private List<String> documented() {
        List<String> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method ->
                    operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        return operations;
    }

    @Test
    void theDocumentIsOpenApi31WithProblemAndBearerComponents() {
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.at("/components/schemas/Problem/required").toString())
                .contains("type", "title", "status", "detail", "instance", "requestId");
        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
    }

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedOneIsRegistered() {
        List<String> registered = new ArrayList<>();
        store.service().keel().routes(routes -> registered.addAll(routes.registered()));
        assertThat(new TreeSet<>(documented())).isEqualTo(new TreeSet<>(registered));
    }

    @Test
    void everyDocumentedOperationAnswersAsDocumented() {
        for (String operation : documented()) {
            String method = operation.substring(0, operation.indexOf(' '));
            String template = operation.substring(operation.indexOf(' ') + 1);
            JsonNode responses = doc.get("paths").get(template).get(method.toLowerCase(Locale.ROOT)).get("responses");
            String path = template.replace("{id}", "987654321");
            HttpResponse<String> anonymous = call(method, path, null);
            assertDocumented(operation, responses, anonymous);
            // a heap dump with the token would write the whole test heap to disk; its 401 is checked above
            if (anonymous.statusCode() == 401 && !operation.equals("POST /admin/heapdump")) {
                assertDocumented(operation + " (operator)", responses, call(method, path,
                        StoreUnderTest.OPERATOR_TOKEN));
            }
        }
    }

    @Test
    void theRenderedPageShowsEveryOperationAndTheRequestBodyExamples() {
        HttpResponse<String> page = api.get("/api-docs");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).doesNotContain("<script", "http://", "https://")
                .contains("/api/orders/{id}/invoice.pdf", "Idempotency-Key", "&quot;productId&quot;",
                        "&quot;password&quot;");
    }

    private HttpResponse<String> call(String method, String path, String token) {
        HttpRequest.Builder request = token == null ? api.request(path) : api.request(path, token);
        // profiles run for seconds; one second is the shortest it takes
        if (path.equals("/admin/profile")) {
            request = token == null ? api.request(path + "?seconds=1") : api.request(path + "?seconds=1", token);
        }
        // the event stream never ends by itself: ask for it, read the head, and let go
        if (path.equals("/api/events") && token != null) {
            HttpResponse<InputStream> stream = api.send(request.GET(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = stream.body()) {
                return new HeadOnly(stream);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return api.send(request.method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /** The status and headers of a streamed response whose body was not read. */
    private record HeadOnly(HttpResponse<?> head) implements HttpResponse<String> {
        public int statusCode() {
            return head.statusCode();
        }

        public HttpRequest request() {
            return head.request();
        }

        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        public HttpHeaders headers() {
            return head.headers();
        }

        public String body() {
            return "";
        }

        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        public URI uri() {
            return head.uri();
        }

        public HttpClient.Version version() {
            return head.version();
        }
    }

    private static void assertDocumented(String operation, JsonNode responses, HttpResponse<String> res) {
        String status = Integer.toString(res.statusCode());
        assertThat(responses.has(status)).as("%s answered %s; documented: %s", operation, status,
                responses.properties().stream().map(Map.Entry::getKey).toList()).isTrue();
        if (res.statusCode() >= 400) {
            assertThat(res.headers().firstValue("Content-Type")).as(operation).hasValue("application/problem+json");
            assertThat(responses.get(status).at("/content/application~1problem+json").isMissingNode())
                    .as("%s documents %s as a problem", operation, status).isFalse();
        }
    }
}
