package io.keel.bench;

import io.keel.bench.launch.ProcessOutput;
import io.keel.bench.load.HttpClients;

import java.io.IOException;
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
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real HAProxy (the Debian package) on loopback in front of store instances, configured like
 * deploy/haproxy/haproxy.cfg (least connections, {@code /health/ready} checked every 2 s, the same timeouts), with a
 * stats listener this tool reads to wait until every server is up. Started and stopped by {@link BalancedService}.
 * Thread-safe: close may be called from any thread, more than once.
 */
final class Haproxy implements AutoCloseable {
    private static final List<Path> PLACES = List.of(Path.of("/usr/sbin/haproxy"), Path.of("/usr/local/sbin/haproxy"),
            Path.of("/usr/bin/haproxy"));

    private static final HttpClient CLIENT = HttpClients.newClient(Duration.ofSeconds(2));

    private final Process process;
    private final ProcessOutput output;
    private final URI url;
    private final URI stats;
    private final Thread hook;

    private Haproxy(Process process, ProcessOutput output, URI url, URI stats) {
        this.process = process;
        this.output = output;
        this.url = url;
        this.stats = stats;
        // Stopped with this tool even when it is interrupted, as the stores are.
        this.hook = Thread.ofPlatform().unstarted(() -> LaunchedService.stop(process, Duration.ofSeconds(5)));
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The haproxy executable: on PATH or in the usual places. */
    static Optional<Path> find() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        Stream<Path> onPath = Pattern.compile(":").splitAsStream(path).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, "haproxy"));
        return Stream.concat(onPath, PLACES.stream()).filter(Files::isExecutable).findFirst();
    }

    /** The configuration for {@code servers} (loopback base URLs), listening on {@code port} and {@code statsPort}. */
    static String config(List<URI> servers, int port, int statsPort) {
        StringBuilder cfg = new StringBuilder("""
                # Written by the benchmark tool (scale-out); timeouts and checks as in deploy/haproxy/haproxy.cfg.
                global
                    # Above the tool's 2,000 requests in flight, within a default open-file limit (2 fds each).
                    maxconn 5000
                defaults
                    mode http
                    timeout connect 2s
                    timeout http-request 10s
                    timeout http-keep-alive 50s
                    timeout client 60s
                    timeout server 60s
                    timeout queue 5s
                    timeout check 2s
                frontend keel
                    bind 127.0.0.1:%d
                    default_backend keel_store
                frontend stats
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /stats
                backend keel_store
                    balance leastconn
                    option httpchk
                    http-check send meth GET uri /health/ready ver HTTP/1.1 hdr Host keel
                    http-check expect status 200
                    default-server inter 2s fall 2 rise 2 pool-purge-delay 5s maxconn 1000
                """.formatted(port, statsPort));
        for (int i = 0; i < servers.size(); i++) {
            URI s = Loopback.require(servers.get(i));
            cfg.append("    server store").append(i + 1).append(' ').append(s.getHost()).append(':')
                    .append(s.getPort()).append(" check\n");
        }
        return cfg.toString();
    }

    /** Starts HAProxy in front of {@code servers} and waits (at most {@code timeout}) until all are up in it. */
    static Haproxy start(List<URI> servers, Path dir, String label, Duration timeout, PrintStream log) {
        Path exe = find().orElseThrow(() -> new BenchException("scale-out needs HAProxy: install it "
                + "(Debian/Ubuntu: apt-get install haproxy)"));
        int port = Loopback.freePort();
        int statsPort = Loopback.freePort();
        Path cfg = dir.resolve("haproxy-" + label + ".cfg");
        Path logFile = dir.resolve("haproxy-" + label + ".log");
        try {
            Files.createDirectories(dir);
            Files.writeString(cfg, config(servers, port, statsPort), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BenchException("cannot write " + cfg + ": " + e.getMessage(), e);
        }
        // -db: stay in the foreground, so this tool owns the process and stops it.
        Process p = LaunchedService.spawn(List.of(exe.toString(), "-db", "-f", cfg.toString()), Map.of(), logFile);
        Haproxy h = new Haproxy(p, ProcessOutput.pump(p, logFile, Pattern.compile("$^")),
                URI.create("http://127.0.0.1:" + port), URI.create("http://127.0.0.1:" + statsPort + "/stats;csv"));
        try {
            h.awaitServersUp(servers.size(), timeout);
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
        log.println("haproxy at " + h.url + " in front of " + servers + " (pid " + p.pid() + ", " + cfg + ")");
        return h;
    }

    /** Requests each server (store1, store2, ...) has been sent so far, from HAProxy's stats; in server order. */
    List<Long> requestsPerServer() {
        try {
            return served(CLIENT.send(HttpRequest.newBuilder(stats).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new BenchException("cannot read haproxy's stats at " + stats + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while reading haproxy's stats", e);
        }
    }

    private void awaitServersUp(int servers, Duration timeout) {
        HttpClient client = CLIENT;
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new BenchException("haproxy exited with status " + process.exitValue() + ":\n" + output.tail());
            }
            try {
                last = client.send(HttpRequest.newBuilder(stats).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (upServers(last) == servers) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while waiting for haproxy", e);
            }
            try {
                Thread.sleep(200); // polling an external process's state: nothing to wait on instead
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while waiting for haproxy", e);
            }
        }
        throw new BenchException("haproxy did not see all " + servers + " servers up within " + timeout
                + "; its stats:\n" + last);
    }

    /** Servers of backend keel_store whose status is UP in HAProxy's CSV stats. */
    static int upServers(String csv) {
        return (int) servers(csv).filter(f -> f[17].equals("UP")).count();
    }

    /**
     * HTTP requests each server was sent ({@code req_tot}, column 49; sessions, {@code stot}, where a version has
     * no such column) in HAProxy's CSV stats, in server order.
     */
    static List<Long> served(String csv) {
        return servers(csv).map(f -> Long.parseLong(f.length > 48 && !f[48].isEmpty() ? f[48] : f[7])).toList();
    }

    private static Stream<String[]> servers(String csv) {
        return csv.lines().map(l -> l.split(",", -1))
                .filter(f -> f.length > 17 && f[0].equals("keel_store") && f[1].startsWith("store"));
    }

    URI url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM (HAProxy stops at once), then SIGKILL after 5 s. Never throws. */
    @Override
    public void close() {
        LaunchedService.stop(process, Duration.ofSeconds(5));
        output.awaitEnd(Duration.ofSeconds(2));
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs and stops HAProxy.
        }
    }
}
