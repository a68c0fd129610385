package io.keel.bench.naive;

import io.keel.bench.LaunchedService;
import io.keel.bench.launch.LaunchSpec;
import io.keel.bench.load.HttpClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The naive baseline is a build the benchmark assembles, not a mode of the store: launched the way {@code ./keel bench
 * naive} launches it, it serves the store's API with its own whole-in-memory export and upload.
 */
class NaiveStoreTest {
    private final HttpClient http = HttpClients.newClient(Duration.ofSeconds(5));

    @Test
    void theBenchmarkStartsTheNaiveBuildWhichServesTheStoreApiWithItsOwnExportAndUpload(@TempDir Path dir)
            throws Exception {
        LaunchSpec spec = new LaunchSpec(Path.of(System.getProperty("java.home"), "bin", "java"),
                System.getProperty("java.class.path"), LaunchSpec.STORE_MAIN, List.of("-Xmx256m"), dir.resolve("data"),
                false, "naive-token", Optional.empty(), Map.of("seed-orders", "20", "password-memory-kib", "1024",
                "password-iterations", "1"), Duration.ofSeconds(90), Duration.ofSeconds(10));
        Path logFile = dir.resolve("naive.log");
        PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (LaunchedService naive = LaunchedService.start(spec, logFile, log)) {
            HttpResponse<String> export = http.send(HttpRequest.newBuilder(URI.create(naive.url()
                    + "/api/orders/export?format=csv")).header("Authorization", "Bearer naive-token").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(export.statusCode()).isEqualTo(200);
            assertThat(export.body().lines().toList()).hasSize(21).first().asString()
                    .startsWith("id,user_id,created_at");

            String token = signIn(naive.url());
            HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create(naive.url() + "/api/uploads"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("hello naive")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
            String location = upload.headers().firstValue("Location").orElseThrow();
            HttpResponse<String> download = http.send(HttpRequest.newBuilder(URI.create(naive.url() + location))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(download.body()).isEqualTo("hello naive");
        }
        assertThat(Files.readString(logFile)).contains("NAIVE BASELINE", "NAIVE: order export of 20 rows",
                "NAIVE: upload body of 11 bytes");
    }

    private String signIn(URI url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/sessions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"customer1@example.com\",\"password\":\""
                        + "keel-demo-password\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.body().replaceAll(".*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }
}
