package io.keel.bench;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaunchedServiceTest {
    private final PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    private static LaunchSpec spec(String main, Path dir) {
        return new LaunchSpec(Path.of(System.getProperty("java.home"), "bin", "java"),
                System.getProperty("java.class.path"), main, List.of("-Xmx64m"), dir, true, "tok",
                Optional.empty(), Map.of(), Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    @Test
    void startsTheChildReadsItsPortFromTheReadyLineAndStopsItWithSigterm(@TempDir Path dir) throws Exception {
        Path logFile = dir.resolve("service.log");
        LaunchedService service = LaunchedService.start(spec(FakeStoreMain.class.getName(), dir), logFile, log);
        try {
            assertThat(service.url().getHost()).isEqualTo("127.0.0.1");
            assertThat(service.pid().getAsLong()).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(service.jvmFlags()).isEqualTo("-Xmx64m");
            HttpResponse<String> r = HttpClients.newClient(Duration.ofSeconds(5)).send(HttpRequest.newBuilder(
                    URI.create(service.url() + "/api/products")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        } finally {
            service.close();
        }
        assertThat(service.isAlive()).isFalse();
        assertThat(ProcessHandle.of(service.pid().getAsLong()).map(ProcessHandle::isAlive)).isNotEqualTo(
                Optional.of(true));
        String out = Files.readString(logFile);
        assertThat(out).contains("start --host=127.0.0.1 --port=0", "token-set=true",
                "received SIGTERM").doesNotContain("tok ");
    }

    @Test
    void aChildThatExitsBeforeItIsReadyFailsWithItsOwnLastLines(@TempDir Path dir) {
        LaunchSpec failing = spec(FailingMain.class.getName(), dir);
        assertThatThrownBy(() -> LaunchedService.seed(failing, 10, Duration.ofSeconds(30), dir.resolve("seed.log"),
                log))
                .isInstanceOf(BenchException.class)
                .hasMessageContaining("seeding failed with status 3")
                .hasMessageContaining("keel: invalid setting");
        assertThatThrownBy(() -> LaunchedService.start(failing, dir.resolve("service.log"), log))
                .isInstanceOf(BenchException.class)
                .hasMessageContaining("exited with status 3 before it was ready")
                .hasMessageContaining("keel: invalid setting");
    }

    /** Exits like a store with a bad setting. */
    public static final class FailingMain {
        private FailingMain() {
        }

        public static void main(String[] args) {
            System.out.println("keel: invalid setting port='x'");
            System.exit(3);
        }
    }
}
