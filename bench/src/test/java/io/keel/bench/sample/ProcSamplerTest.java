package io.keel.bench.sample;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProcSamplerTest {
    @Test
    @EnabledOnOs(OS.LINUX)
    void readsThisJvmsOwnRssAndCpu() {
        var snap = ProcSampler.system().sample(ProcessHandle.current().pid()).orElseThrow();
        assertThat(snap.rssBytes()).isGreaterThan(10L * 1024 * 1024);
        assertThat(snap.cpuSeconds()).isGreaterThan(0);
        assertThat(snap.processes()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void sumsAWholeProcessTreeFoundThroughTaskChildren(@TempDir Path proc) throws Exception {
        fakeProcess(proc, 10, "java (keel) x", 1000, 300, 200, "11 12");
        fakeProcess(proc, 11, "worker", 2000, 50, 50, "");
        fakeProcess(proc, 12, "worker", 3000, 100, 0, "13");
        fakeProcess(proc, 13, "grandchild", 4000, 0, 100, "");
        fakeProcess(proc, 99, "unrelated", 999_999, 999, 999, "");

        var snap = new ProcSampler(proc).sample(10).orElseThrow();
        assertThat(snap.processes()).isEqualTo(4);
        assertThat(snap.rssBytes()).isEqualTo((1000 + 2000 + 3000 + 4000) * 1024L);
        assertThat(snap.cpuSeconds()).isEqualTo(8.0);
    }

    @Test
    void aMissingProcessGivesNoSample(@TempDir Path proc) {
        assertThat(new ProcSampler(proc).sample(4242)).isEmpty();
    }

    @Test
    void monitorCombinesProcFiguresWithScrapedMetricsAndReportsAMissingEndpointOnce() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/metrics", ex -> {
            byte[] body = PrometheusTextTest.TEXT.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            ResourceMonitor m = new ResourceMonitor(ProcSampler.system(), List.of(ProcessHandle.current()
                    .pid()), Optional.of(base.resolve("/metrics")), Map.of(), log, 10);
            m.phase("mix");
            ResourceSample s = m.sampleNow();
            assertThat(s.phase()).isEqualTo("mix");
            assertThat(s.heapUsedBytes()).isEqualTo(15_000_000.0);
            // The windowed gauge, not the histogram's decaying _max (3.6 s) next to it.
            assertThat(s.schedulerLagMs()).isEqualTo(12.0);
            assertThat(m.sampleNow().cpuPercent()).as("no CPU %% over an interval shorter than 0.5 s").isNaN();
            assertThat(s.dbActive()).isEqualTo(3.0);
            assertThat(s.cpuPoolQueued()).isNaN();
            if (OS.LINUX.isCurrentOs()) {
                assertThat(s.rssBytes()).isGreaterThan(0);
            }

            ResourceMonitor missing = new ResourceMonitor(ProcSampler.system(), List.of(),
                    Optional.of(base.resolve("/nope")), Map.of(), log, 10);
            assertThat(missing.sampleNow().heapUsedBytes()).isNaN();
            missing.sampleNow();
            assertThat(logBytes.toString(StandardCharsets.UTF_8)).containsOnlyOnce("answered 404");
            assertThat(missing.stop()).hasSize(2);
        } finally {
            server.stop(0);
        }
    }

    private static void fakeProcess(Path proc, long pid, String comm, long rssKb, long utime, long stime,
                                    String children) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("status"), "Name:\tx\nVmPeak:\t1 kB\nVmRSS:\t  " + rssKb + " kB\nThreads: 2\n");
        Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") S 1 1 1 0 -1 4194560 100 0 0 0 " + utime + " "
                + stime + " 0 0 20 0 2 0 100 1000 250\n");
        Path task = Files.createDirectories(dir.resolve("task").resolve(Long.toString(pid)));
        Files.writeString(task.resolve("children"), children.isEmpty() ? "" : children + " ");
    }
}
