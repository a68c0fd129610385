package io.keel.runtime.memory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The planted leak ({@link LeakyService}) in its own small-heap JVM with G1 and its default flags,
 * driven at 40 requests per second: without the leak (but with 2.5 MiB/s of garbage promoted to the old generation)
 * the gauge stays 0 once it can judge; with it (16 KiB kept per request, about 38 MiB a minute, against a threshold of
 * 1 GiB/h, about 17 MiB a minute) it turns 1 within two minutes. The window is 50 s so the test takes under three
 * minutes; the production default is 30 minutes.
 */
class LeakSignalTest {
    private static final String TOKEN = "leak-test-token";
    private static final int WINDOW_SECONDS = 50;
    private static final String SLOPE = "keel_memory_heap_floor_slope_bytes_per_second";
    private static final String SAMPLES = "keel_memory_old_reclaims_total";
    private static final String SUSPECTED = "keel_memory_leak_suspected";
    private static final Pattern GAUGE = Pattern.compile("^(keel_memory_[a-z_]+) (\\S+)$", Pattern.MULTILINE);

    @TempDir
    Path dataDir;
    private Process service;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theLeakGaugeStaysQuietWithoutTheLeakAndFiresWithinTwoMinutesWithIt() throws Exception {
        URI base = start();
        AtomicInteger failures = new AtomicInteger();
        Thread load = Thread.ofVirtual().start(() -> drive(base, failures));
        try {
            // Warm-up: the first floor samples hold less garbage than later ones (the old generation has not yet
            // filled and been collected in its steady rhythm), a step the production window of 30 minutes absorbs
            // but a 50 s window does not. Judging starts once the second sample's window has passed.
            long begin = System.nanoTime();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> gauges(base).get(SAMPLES) >= 2);
            long judgeFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(WINDOW_SECONDS + 5);
            // Quiet phase: 20 s of verdicts, every one "no leak", while the old generation fills with garbage and
            // is collected.
            double highest = Double.NEGATIVE_INFINITY;
            while (System.nanoTime() < judgeFrom + TimeUnit.SECONDS.toNanos(20)) {
                Map<String, Double> quiet = gauges(base);
                System.out.printf("%3d s: slope %.0f B/s, samples %.0f, last %.1f MB, suspected %.0f%n",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin), quiet.get(SLOPE),
                        quiet.get(SAMPLES), quiet.get("keel_memory_heap_after_old_gc_bytes") / 1e6,
                        quiet.get(SUSPECTED));
                if (System.nanoTime() >= judgeFrom) {
                    assertThat(quiet.get(SLOPE)).as("a verdict: " + quiet).isNotNaN();
                    assertThat(quiet.get(SUSPECTED)).as(quiet.toString()).isEqualTo(0.0);
                    highest = Math.max(highest, quiet.get(SLOPE));
                }
                Thread.sleep(1000);
            }
            System.out.printf("quiet: highest slope %.0f B/s against %.0f%n", highest,
                    gauges(base).get("keel_memory_leak_threshold_bytes_per_second"));

            long leakStart = System.nanoTime();
            assertThat(send(base, "POST", "/leak").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> gauges(base).get(SUSPECTED) == 1.0);
            Map<String, Double> fired = gauges(base);
            assertThat(fired.get(SLOPE)).isGreaterThan(fired.get("keel_memory_leak_threshold_bytes_per_second"));
            System.out.printf("leak suspected %d s after the leak started; %s%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - leakStart), fired);
        } finally {
            load.interrupt();
            load.join();
        }
        assertThat(failures.get()).as("failed requests").isZero();
    }

    private URI start() throws IOException {
        // G1 with its default flags, as the launcher runs a service (KEEL_JAVA_OPTS defaults to -XX:+UseG1GC; named
        // here because a runner with one CPU would otherwise get the serial collector, whose full collections come
        // every ~20 s, too sparse for this short window), and a small heap, a real configuration: the leak fills
        // the old generation up to where G1 starts marking within the test's two minutes.
        // -Dleak.test.gc=-XX:+UseZGC runs it with another collector by hand.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m", System.getProperty("leak.test.gc", "-XX:+UseG1GC")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LeakyService.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("KEEL_PORT", "0", "KEEL_HOST", "127.0.0.1",
                "KEEL_DATA_DIR", dataDir.toString(), "KEEL_ADMIN_TOKEN", TOKEN,
                "KEEL_LEAK_WINDOW", WINDOW_SECONDS + "s", "KEEL_LEAK_SLOPE", "1g"));
        builder.redirectOutput(ProcessBuilder.Redirect.PIPE);
        service = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder log = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            log.append(line).append('\n');
            if (line.startsWith("port ")) {
                Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
                return URI.create("http://127.0.0.1:" + line.substring(5).strip());
            }
        }
        throw new IllegalStateException("the leaky service did not start:\n" + log);
    }

    /** 40 requests per second, each on its own virtual thread, until interrupted. */
    private void drive(URI base, AtomicInteger failures) {
        while (!Thread.currentThread().isInterrupted()) {
            Thread.ofVirtual().start(() -> {
                try {
                    if (send(base, "GET", "/work").statusCode() != 200) {
                        failures.incrementAndGet();
                    }
                } catch (IOException | InterruptedException e) {
                    failures.incrementAndGet();
                }
            });
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private HttpResponse<String> send(URI base, String method, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Double> gauges(URI base) throws IOException, InterruptedException {
        Map<String, Double> values = new TreeMap<>();
        Matcher m = GAUGE.matcher(send(base, "GET", "/metrics").body());
        while (m.find()) {
            values.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return values;
    }
}
