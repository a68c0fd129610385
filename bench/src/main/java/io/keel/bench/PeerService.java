package io.keel.bench;

import io.keel.bench.load.HttpClients;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * A Node.js peer process this tool started; ready once {@code GET /health/ready} answers 200. {@link #close()}
 * sends SIGTERM (the peer drains and exits), then SIGKILL after 15 s; a shutdown hook does the same if the tool is
 * stopped. Thread-safe: close may be called more than once.
 */
final class PeerService implements ServiceUnderTest {
    private final Process process;
    private final URI url;
    private final String flags;
    private final Thread hook;

    private PeerService(Process process, URI url, String flags, Thread hook) {
        this.process = process;
        this.url = url;
        this.flags = flags;
        this.hook = hook;
    }

    static PeerService awaitReady(Process p, int port, Duration timeout, Path logFile, String flags,
                                  PrintStream log) {
        Thread hook = Thread.ofPlatform().unstarted(() -> LaunchedService.stop(p, Duration.ofSeconds(5)));
        Runtime.getRuntime().addShutdownHook(hook);
        URI url = URI.create("http://127.0.0.1:" + port);
        HttpClient client = HttpClients.newClient(Duration.ofSeconds(1));
        long end = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < end && p.isAlive()) {
                try {
                    HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url.resolve("/health/ready"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        log.println("peer ready at " + url + " (pid " + p.pid() + ", log " + logFile + ")");
                        return new PeerService(p, url, flags, hook);
                    }
                } catch (IOException e) {
                    // Not listening yet.
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LaunchedService.stop(p, Duration.ofSeconds(5));
        removeHook(hook);
        throw new BenchException("the peer was not ready within " + timeout + "; last lines of " + logFile + ":\n"
                + tail(logFile));
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public URI url() {
        return url;
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(process.pid());
    }

    @Override
    public String jvmFlags() {
        return flags;
    }

    @Override
    public void close() {
        LaunchedService.stop(process, Duration.ofSeconds(15));
        removeHook(hook);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Shutting down: the hook stops the peer.
        }
    }
}
