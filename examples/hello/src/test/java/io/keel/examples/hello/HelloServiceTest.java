package io.keel.examples.hello;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.runtime.Keel;
import io.keel.runtime.config.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The example service over real HTTP: its routes, and its own figure on the runtime's dashboard and in /metrics. */
class HelloServiceTest {
    private static final String TOKEN = "hello-operator-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dataDir;
    static Keel keel;
    static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        keel = HelloService.start(Settings.of(Map.of("port", "0", "host", "127.0.0.1",
                "data-dir", dataDir.toString(), "admin-token", TOKEN)));
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    private static HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + keel.port() + path))
                .timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode figure(String name) throws Exception {
        HttpResponse<String> stats = get("/api/stats", TOKEN);
        assertThat(stats.statusCode()).isEqualTo(200);
        for (JsonNode f : JSON.readTree(stats.body()).get("figures")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no figure '" + name + "' in " + stats.body());
    }

    @Test
    void greetsByNameAndShowsItsGreetingsOnTheDashboardAndInMetrics() throws Exception {
        for (String name : new String[] {"ada", "grace", "linus"}) {
            HttpResponse<String> res = get("/hello/" + name, null);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(res.body()).get("greeting").asText()).isEqualTo("hello, " + name);
        }

        JsonNode greetings = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> figure("greetings"), f -> f.get("total").asLong() >= 3);
        assertThat(greetings.get("kind").asText()).isEqualTo("rate");
        assertThat(greetings.get("group").asText()).isEqualTo("Hello");
        assertThat(greetings.get("label").asText()).isEqualTo("Greetings per second");
        assertThat(figure("nameLengthP90").get("kind").asText()).isEqualTo("percentile");

        String metrics = get("/metrics", TOKEN).body();
        assertThat(metrics).contains("hello_greetings_total 3.0", "hello_name_length_characters_bucket{");
        // the runtime's own figures are there too, and nothing of the store's
        assertThat(metrics).contains("http_server_requests_seconds_bucket{").doesNotContain("keel_orders");
    }

    @Test
    void aNameTooLongIsAProblemDocumentAndIsNotCounted() throws Exception {
        double before = figure("greetings").get("total").asDouble();
        HttpResponse<String> res = get("/hello/" + "x".repeat(HelloService.MAX_NAME + 1), null);
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(res.body()).get("detail").asText()).contains("at most 64");
        assertThat(figure("greetings").get("total").asDouble()).isEqualTo(before);
    }

    @Test
    void theDashboardPageLoadsForThisServiceToo() throws Exception {
        HttpResponse<String> page = get("/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("fetch(\"api/stats\"");
    }
}
