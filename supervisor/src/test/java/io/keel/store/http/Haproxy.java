package io.keel.store.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real HAProxy (the Debian package; installed with apt-get when missing) on loopback in front of store instances,
 * with a configuration written for the test: round robin, {@code option httpchk} on {@code /health/ready} (as
 * HTTP/1.1: the store answers HAProxy's default HTTP/1.0 check with 505) every
 * {@link #CHECK_INTERVAL}, a server down after {@link #FALL} failed checks, retries with redispatch (a refused
 * connection is retried on another server), forwarding the client's address, and a stats page that tells each
 * server's state. {@link #close()} stops it and deletes its files.
 */
final class Haproxy implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/haproxy");
    static final Duration CHECK_INTERVAL = Duration.ofMillis(500);
    static final int FALL = 2;

    private final Process process;
    private final Path dir;
    private final int port;
    private final int statsPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Haproxy(Process process, Path dir, int port, int statsPort) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.statsPort = statsPort;
    }

    /** Starts HAProxy on a free port in front of {@code servers} (name to port) and waits until one is up. */
    static Haproxy start(Map<String, Integer> servers) throws IOException, InterruptedException {
        installIfMissing();
        Path dir = Files.createTempDirectory("keel-haproxy");
        int port = Launcher.freePort();
        int statsPort = Launcher.freePort();
        StringBuilder config = new StringBuilder("""
                global
                    maxconn 2000
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 30s
                    timeout server 30s
                    timeout tunnel 1h
                    option forwardfor
                    retries 3
                    option redispatch
                listen stats
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /stats
                listen keel
                    bind 127.0.0.1:%d
                    balance roundrobin
                    option httpchk
                    http-check send meth GET uri /health/ready ver HTTP/1.1 hdr Host keel
                    http-check expect status 200
                    default-server inter %dms fall %d rise 1
                """.formatted(statsPort, port, CHECK_INTERVAL.toMillis(), FALL));
        servers.forEach((name, serverPort) -> config.append("    server ").append(name).append(" 127.0.0.1:")
                .append(serverPort).append(" check\n"));
        Path file = Files.writeString(dir.resolve("haproxy.cfg"), config.toString(), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(BINARY.toString(), "-db", "-f", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        Haproxy haproxy = new Haproxy(process, dir, port, statsPort);
        try {
            for (String name : servers.keySet()) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> haproxy.state(name).filter(state -> state.startsWith("UP")).isPresent());
            }
        } catch (RuntimeException e) {
            String log = haproxy.log();
            haproxy.close();
            throw new AssertionError("HAProxy did not see its servers up:\n" + config + "\n" + log, e);
        }
        return haproxy;
    }

    /** The Debian package, as CI and a newcomer's machine would get it (needs root, as CI has). */
    private static void installIfMissing() throws IOException, InterruptedException {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        Process apt = new ProcessBuilder("flock", "/tmp/apt.lock", "sh", "-c",
                "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy")
                .redirectErrorStream(true).start();
        String output = new String(apt.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!apt.waitFor(10, TimeUnit.MINUTES) || apt.exitValue() != 0 || !Files.isExecutable(BINARY)) {
            throw new AssertionError("HAProxy is missing and apt-get could not install it:\n" + output);
        }
    }

    int port() {
        return port;
    }

    /**
     * A server's state from the stats CSV ({@code UP}, {@code DOWN}, {@code UP 1/2}...), empty if HAProxy does not
     * answer.
     */
    Optional<String> state(String server) {
        try {
            HttpResponse<String> csv = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + statsPort + "/stats;csv")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.ofString());
            // pxname,svname,...; the status is the 18th column
            return csv.body().lines().map(line -> line.split(","))
                    .filter(cols -> cols.length > 17 && cols[0].equals("keel") && cols[1].equals(server))
                    .map(cols -> cols[17]).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("haproxy.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        StoreUnderTest.deleteRecursively(dir);
    }
}
