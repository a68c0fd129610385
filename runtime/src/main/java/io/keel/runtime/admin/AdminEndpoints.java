package io.keel.runtime.admin;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.config.Settings;
import io.keel.runtime.http.Json;
import io.keel.runtime.http.Numbers;
import io.keel.runtime.http.Params;
import io.keel.runtime.http.ProblemException;
import io.keel.runtime.http.Routes;
import io.keel.runtime.memory.DumpDirectory;
import jdk.jfr.Recording;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Operator endpoints: thread dump (virtual threads included), heap dump and class histogram ({@link HeapEndpoints}),
 * JDK Flight Recorder profile (CPU, allocation or leak: {@link ProfileMode}), and the
 * effective configuration with secrets masked. Every route passes the {@link AdminGuard} first. Heap dumps and
 * profiles are one at a time (a second concurrent request gets 409), since each is expensive.
 */
public final class AdminEndpoints {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final int MAX_PROFILE_SECONDS = 300;

    private final AdminGuard guard;
    private final Json json;
    private final Path dataDir;
    private final Supplier<Map<String, Settings.Entry>> config;
    private final HeapEndpoints heap;
    private final ReentrantLock profileLock = new ReentrantLock();

    public AdminEndpoints(AdminGuard guard, Json json, Path dataDir, Supplier<Map<String, Settings.Entry>> config,
                          int heapDumpsKept) {
        this.guard = guard;
        this.heap = new HeapEndpoints(guard, json, DumpDirectory.of(dataDir), heapDumpsKept);
        this.json = json;
        this.dataDir = dataDir;
        this.config = config;
    }

    public void register(Routes routes) {
        // critical: an operator must be able to look inside a service that is shedding load
        routes.route(Method.GET, "/admin/threads", Routes.Kind.CRITICAL, this::threads)
                .route(Method.POST, "/admin/profile", Routes.Kind.CRITICAL, this::profile)
                .route(Method.GET, "/admin/config", Routes.Kind.CRITICAL, this::config);
        heap.register(routes);
    }

    private void threads(ServerRequest req, ServerResponse res) throws IOException {
        guard.authorize(req);
        Path file = Files.createTempFile("keel-threads", ".txt");
        try {
            Files.delete(file);
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.send(Files.readAllBytes(file));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void profile(ServerRequest req, ServerResponse res) throws IOException {
        guard.authorize(req);
        int seconds = req.query().first("seconds").map(AdminEndpoints::parseSeconds).orElse(30);
        ProfileMode mode = Params.query(req, "mode").map(ProfileMode::parse).orElse(ProfileMode.CPU);
        if (!profileLock.tryLock()) {
            throw ProblemException.conflict("a profile is already being recorded");
        }
        Path file;
        try (Recording recording = mode.recording()) {
            Path dir = Files.createDirectories(dataDir.resolve("profiles"));
            file = dir.resolve("profile-" + mode.label() + "-" + STAMP.format(Instant.now()) + ".jfr");
            recording.setName("keel-profile");
            // No setDuration: JFR would stop the recording by itself after N seconds, racing the stop() below,
            // which then failed with "Can't stop an already stopped recording" (a 500). This handler owns the stop.
            recording.setDestination(file);
            recording.start();
            try {
                Thread.sleep(Duration.ofSeconds(seconds));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ProblemException.unavailable("the server is shutting down", Duration.ofSeconds(5));
            }
            recording.stop();
        } finally {
            profileLock.unlock();
        }
        Downloads.send(res, file, "X-Keel-Profile-Path");
    }

    private void config(ServerRequest req, ServerResponse res) {
        guard.authorize(req);
        Map<String, Object> body = new LinkedHashMap<>();
        config.get().forEach((key, entry) -> {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("value", entry.value());
            shown.put("source", entry.source());
            entry.declaration().ifPresent(d -> {
                shown.put("default", d.defaultDoc());
                shown.put("allowed", d.type().unit() + (d.range().equals("text") || d.range().equals("on/off")
                        ? "" : " " + d.range()));
                shown.put("doc", d.doc());
            });
            body.put(key, shown);
        });
        json.write(res, Status.OK_200, body);
    }

    private static int parseSeconds(String text) {
        OptionalLong seconds = Numbers.parseNonNegative(text);
        if (seconds.isPresent() && seconds.getAsLong() >= 1 && seconds.getAsLong() <= MAX_PROFILE_SECONDS) {
            return (int) seconds.getAsLong();
        }
        throw Params.field("seconds", "must be an integer in 1.." + MAX_PROFILE_SECONDS);
    }
}
