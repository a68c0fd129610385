package io.keel.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Status;
import io.keel.runtime.config.Settings;
import io.keel.runtime.http.ProblemException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KeelHttpTest {
    private static final String OPERATOR = "s3cret";
    record Greeting(String name, int times) {
    }

    @TempDir
    static Path dataDir;
    static Keel keel;
    static TestClient client;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        Settings settings = Settings.of(Map.of("port", "0", "host", "127.0.0.1", "data-dir", dataDir.toString(),
                "max-body-size", "1k", "max-header-size", "4k", "max-request-line", "1k", "admin-token", OPERATOR));
        keel = Keel.create(KeelConfig.from(settings)).settings(settings);
        keel.routes(r -> r
                .post("/greet", (req, res) -> {
                    Greeting g = keel.json().read(req, Greeting.class, keel.config().maxBodySize());
                    keel.json().write(res, Status.OK_200, Map.of("text", ("hi " + g.name()).repeat(g.times())));
                })
                .get("/items/{id}", (req, res) -> res.send("item " + req.path().pathParameters().get("id")))
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("secret internal detail");
                })
                .get("/teapot", (req, res) -> {
                    throw new ProblemException(418, "I'm a teapot", "short and stout");
                })
                .get("/hash", (req, res) -> res.send(keel.cpuPool().run("test", () -> "done"))));
        keel.start();
        client = TestClient.of(keel.port());
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @Test
    void echoesASaneClientRequestIdAndReplacesAnInsaneOne() {
        HttpResponse<String> sane = client.send(client.request("/items/1").header("X-Request-Id", "abc-123"));
        assertThat(sane.headers().firstValue("X-Request-Id")).hasValue("abc-123");
        HttpResponse<String> insane = client.send(client.request("/items/1").header("X-Request-Id", "<script>"));
        assertThat(insane.headers().firstValue("X-Request-Id")).get().asString().matches("[0-9a-f]{16}");
    }

    @Test
    void unknownPathIsA404ProblemDocument() throws Exception {
        HttpResponse<String> res = client.get("/nowhere");
        assertProblem(res, 404);
        assertThat(JSON.readTree(res.body()).get("instance").asText()).isEqualTo("/nowhere");
    }

    @Test
    void wrongMethodIsA405WithAllow() throws Exception {
        HttpResponse<String> res = client.send(client.request("/items/7").DELETE());
        assertProblem(res, 405);
        assertThat(res.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void aFailingHandlerIsA500ThatRevealsNothingAndTheServerStaysHealthy() throws Exception {
        HttpResponse<String> res = client.get("/boom");
        JsonNode doc = assertProblem(res, 500);
        assertThat(res.body()).doesNotContain("secret internal detail").doesNotContain("Exception");
        assertThat(doc.get("requestId").asText()).isEqualTo(res.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void aProblemExceptionKeepsItsStatus() throws Exception {
        assertProblem(client.get("/teapot"), 418);
    }

    @Test
    void validJsonIsRead() throws Exception {
        HttpResponse<String> res = post("{\"name\":\"bo\",\"times\":2}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).get("text").asText()).isEqualTo("hi bohi bo");
    }

    @Test
    void malformedWrongTypedUnknownAndDeepJsonAreAll400() throws Exception {
        assertProblem(post("{\"name\":"), 400);
        assertProblem(post("{\"name\":\"bo\",\"times\":\"2\"}"), 400);
        assertProblem(post("{\"name\":\"bo\",\"times\":2.5}"), 400);
        assertProblem(post("{\"name\":\"bo\",\"times\":99999999999999999999}"), 400);
        JsonNode unknown = assertProblem(post("{\"name\":\"bo\",\"times\":1,\"admin\":true}"), 400);
        assertThat(unknown.get("errors").get(0).get("field").asText()).isEqualTo("admin");
        assertProblem(post("[".repeat(100) + "]".repeat(100)), 400);
        assertProblem(post("{\"name\":\"bo\",\"times\":1} trailing"), 400);
        assertProblem(post(""), 400);
    }

    @Test
    void invalidUtf8Is400() throws Exception {
        byte[] body = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        HttpResponse<String> res = client.send(client.request("/greet").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertProblem(res, 400);
    }

    @Test
    void aWrongContentTypeIs415() throws Exception {
        assertProblem(client.send(client.request("/greet").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))), 415);
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        assertProblem(post("{\"name\":\"" + "x".repeat(5000) + "\",\"times\":1}"), 413);
        assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void oversizedHeadersAre431AndALongRequestLineIs414() throws Exception {
        assertProblem(rawRequest("GET /items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: " + "a".repeat(6000) + "\r\n\r\n"), 431);
        assertProblem(rawRequest("GET /items/" + "1".repeat(2000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 414);
    }

    @Test
    void metricsLabelRequestsByRouteTemplateNotRawPath() {
        client.get("/items/42");
        String metrics = client.get("/metrics", OPERATOR).body();
        assertThat(metrics).contains("http_server_requests_seconds_bucket{method=\"GET\",outcome=\"SUCCESS\",route=\"/items/{id}\",status=\"200\"");
        assertThat(metrics).doesNotContain("route=\"/items/42\"");
        assertThat(metrics).contains("process_resident_memory_bytes", "jvm_memory_used_bytes", "keel_cpu_pool_active",
                "keel_vthread_scheduler_parallelism");
    }

    @Test
    void pinnedVirtualThreadsAreCountedByOneSourceOnly() {
        String metrics = client.get("/metrics", OPERATOR).body();
        assertThat(metrics).contains("keel_virtual_thread_pinned_total", "keel_virtual_thread_submit_failed_total",
                "keel_vthread_queued");
        // Micrometer's VirtualThreadMetrics would run a second JFR stream over the same events
        assertThat(metrics).doesNotContain("jvm_threads_virtual_pinned", "jvm_threads_virtual_submit_failed",
                "jvm_threads_virtual_live");
    }

    @Test
    void residentMemoryIsStillReportedAfterAGarbageCollection() {
        System.gc();
        String rss = client.get("/metrics", OPERATOR).body().lines()
                .filter(l -> l.startsWith("process_resident_memory_bytes ")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(rss.substring(rss.indexOf(' ') + 1))).isPositive();
    }

    @Test
    void readinessIsUpUntilDraining() {
        assertThat(client.get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void cpuWorkRunsOnThePool() {
        assertThat(client.get("/hash").body()).isEqualTo("done");
    }

    @Test
    void adminConfigNeedsTheOperatorTokenAndMasksSecrets() throws Exception {
        assertProblem(client.get("/admin/config"), 401);
        assertProblem(client.send(client.request("/admin/config").header("Authorization", "Bearer wrong")), 403);
        HttpResponse<String> res = client.send(client.request("/admin/config").header("Authorization", "Bearer s3cret"));
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode doc = JSON.readTree(res.body());
        assertThat(doc.get("admin-token").get("value").asText()).isEqualTo("****");
        assertThat(doc.get("max-body-size").get("value").asText()).isEqualTo("1k");
        assertThat(doc.get("max-body-size").get("default").asText()).isEqualTo("1m");
        assertThat(doc.get("max-body-size").get("allowed").asText()).isEqualTo("bytes 1k..64m");
        assertThat(doc.get("max-body-size").get("doc").asText()).isEqualTo(KeelSettingTable.MAX_BODY_SIZE.doc());
        assertThat(res.body()).doesNotContain("s3cret");
    }

    @Test
    void threadDumpListsThreads() {
        HttpResponse<String> res = client.send(client.request("/admin/threads").header("Authorization", "Bearer s3cret"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("main");
    }

    @Test
    void aSecondServerOnAPortInUseFailsToStartInsteadOfPretending() {
        Keel second = Keel.create(KeelConfig.from(Settings.of(Map.of("port", Integer.toString(keel.port()),
                "host", "127.0.0.1", "data-dir", dataDir.toString()))));
        try {
            Assertions.assertThatThrownBy(second::start)
                    .isInstanceOf(KeelException.class).hasMessageContaining("could not start listening");
        } finally {
            second.close();
        }
    }

    private HttpResponse<String> post(String body) {
        return client.send(client.request("/greet").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode assertProblem(HttpResponse<String> res, int status) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode doc = JSON.readTree(res.body());
        assertThat(doc.get("status").asInt()).isEqualTo(status);
        assertThat(doc.has("type") && doc.has("title") && doc.has("detail") && doc.has("instance") && doc.has("requestId")).isTrue();
        return doc;
    }

    /** Sends raw bytes, for requests java.net.http refuses to build. */
    private static HttpResponse<String> rawRequest(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", keel.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(10_000);
            return RawResponse.read(socket.getInputStream());
        }
    }
}
