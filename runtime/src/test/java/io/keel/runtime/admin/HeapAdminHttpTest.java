package io.keel.runtime.admin;

import io.keel.runtime.Keel;
import io.keel.runtime.KeelConfig;
import io.keel.runtime.TestClient;
import io.keel.runtime.config.Settings;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Heap histogram, streamed heap dumps and leak profiles over real HTTP, with their bad input. */
class HeapAdminHttpTest {
    private static final String TOKEN = "heap-admin-token";
    @TempDir
    static Path dataDir;
    static Keel keel;
    static TestClient client;

    @BeforeAll
    static void start() {
        keel = Keel.create(KeelConfig.from(Settings.of(Map.of("port", "0", "host", "127.0.0.1",
                "data-dir", dataDir.toString(), "admin-token", TOKEN, "heap-dumps-kept", "1"))));
        keel.start();
        client = TestClient.of(keel.port());
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    private static HttpRequest.Builder post(String path) {
        return client.request(path).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody());
    }

    @Test
    void theHistogramListsTheTopClassesByBytesWithTotals() {
        HttpResponse<String> res = client.get("/admin/heap/histogram?top=3", TOKEN);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("\"live\":false", "\"totalBytes\":", "\"rank\":1", "\"rank\":3")
                .doesNotContain("\"rank\":4");
        assertThat(client.get("/admin/heap/histogram?top=2&live=true", TOKEN).body()).contains("\"live\":true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"top=0", "top=10001", "top=abc", "top=%D9%A3", "live=yes"})
    void badHistogramParametersAre400Problems(String query) {
        HttpResponse<String> res = client.get("/admin/heap/histogram?" + query, TOKEN);
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(res.body()).contains(query.substring(0, query.indexOf('=')));
    }

    @Test
    void heapAdminNeedsTheToken() {
        assertThat(client.get("/admin/heap/histogram").statusCode()).isEqualTo(401);
        assertThat(client.send(client.request("/admin/heapdump?download=true")
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(401);
    }

    @Test
    void aHeapDumpIsStreamedToTheCallerAndKeptOnDiskBounded() throws Exception {
        HttpResponse<byte[]> first = bytes(post("/admin/heapdump?download=true"));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(new String(first.body(), 0, 12)).isEqualTo("JAVA PROFILE");
        Path onDisk = Path.of(first.headers().firstValue("X-Keel-Heapdump-Path").orElseThrow());
        assertThat(Files.size(onDisk)).isEqualTo(first.body().length);
        HttpResponse<String> second = client.send(post("/admin/heapdump"));
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(second.body()).contains("\"sizeBytes\":", ".hprof");
        assertThat(hprofs()).as("heap-dumps-kept=1").hasSize(1).doesNotContain(onDisk);
        HttpResponse<String> bad = client.send(post("/admin/heapdump?download=maybe"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("download");
        assertThat(hprofs()).as("a bad request writes no dump").hasSize(1);
    }

    @Test
    void aLeakProfileHoldsOldObjectSamplesWithTheirAllocationStacks() throws Exception {
        // Old-object samples are written for sampled objects that outlived a collection, so the allocator
        // retains (at most 32 MB) and collects now and then during the whole recording.
        List<byte[]> retained = new ArrayList<>();
        Thread allocator = Thread.ofPlatform().start(() -> {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                byte[] chunk = new byte[4096];
                if (retained.size() < 8_000) {
                    retained.add(chunk);
                }
                if (i % 500 == 0) {
                    if (i % 2000 == 0) {
                        System.gc();
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        HttpResponse<byte[]> res = bytes(post("/admin/profile?seconds=3&mode=leak"));
        allocator.interrupt();
        allocator.join();
        assertThat(res.statusCode()).isEqualTo(200);
        Path jfr = Path.of(res.headers().firstValue("X-Keel-Profile-Path").orElseThrow());
        assertThat(jfr.getFileName().toString()).startsWith("profile-leak-");
        List<RecordedEvent> samples = RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals("jdk.OldObjectSample")).toList();
        assertThat(samples).isNotEmpty();
        assertThat(samples).anySatisfy(e -> assertThat(e.getStackTrace()).isNotNull());
        assertThat(retained).isNotEmpty();
    }

    @Test
    void anUnknownProfileModeIsA400Problem() {
        HttpResponse<String> res = client.send(post("/admin/profile?seconds=1&mode=everything"));
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("mode", "cpu, allocation, leak");
    }

    private static HttpResponse<byte[]> bytes(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.http().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<Path> hprofs() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("dumps"))) {
            return files.filter(f -> f.toString().endsWith(".hprof")).toList();
        }
    }
}
