package io.keel.runtime.admin;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.http.Json;
import io.keel.runtime.http.Params;
import io.keel.runtime.http.ProblemException;
import io.keel.runtime.http.Routes;
import io.keel.runtime.memory.DumpDirectory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code POST /admin/heapdump} (live objects to {@code <data>/dumps}, newest {@code KEEL_HEAP_DUMPS_KEPT} kept;
 * {@code ?download=true} also streams the file to the caller) and {@code GET /admin/heap/histogram?top=N&live=}
 * (classes by bytes). One heap operation at a time: a second concurrent one gets 409. Callers pass the
 * {@link AdminGuard} first.
 */
final class HeapEndpoints {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    private static final int MAX_TOP = 10_000;

    private final AdminGuard guard;
    private final Json json;
    private final DumpDirectory dumps;
    private final int kept;
    private final ReentrantLock lock = new ReentrantLock();

    HeapEndpoints(AdminGuard guard, Json json, DumpDirectory dumps, int kept) {
        this.guard = guard;
        this.json = json;
        this.dumps = dumps;
        this.kept = kept;
    }

    void register(Routes routes) {
        routes.route(Method.POST, "/admin/heapdump", Routes.Kind.CRITICAL, this::heapDump)
                .route(Method.GET, "/admin/heap/histogram", Routes.Kind.CRITICAL, this::histogram);
    }

    private void heapDump(ServerRequest req, ServerResponse res) throws IOException {
        guard.authorize(req);
        boolean download = flag(req, "download");
        Path file = locked("a heap dump", () -> {
            Path dir = Files.createDirectories(dumps.path());
            // Never over an earlier dump: two in the same millisecond get a sequence number.
            String name = "heap-" + STAMP.format(Instant.now()) + "-" + ProcessHandle.current().pid();
            Path target = dir.resolve(name + ".hprof");
            for (int n = 2; Files.exists(target); n++) {
                target = dir.resolve(name + "-" + n + ".hprof");
            }
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(target.toString(), true);
            dumps.prune(kept);
            return target;
        });
        if (download) {
            Downloads.send(res, file, "X-Keel-Heapdump-Path");
        } else {
            json.write(res, Status.CREATED_201, Map.of("path", file.toAbsolutePath().toString(),
                    "sizeBytes", Files.size(file)));
        }
    }

    private void histogram(ServerRequest req, ServerResponse res) throws IOException {
        guard.authorize(req);
        int top = Params.intQuery(req, "top", 50, 1, MAX_TOP);
        boolean live = flag(req, "live");
        json.write(res, Status.OK_200, locked("a heap operation", () -> ClassHistogram.take(live, top)));
    }

    private static boolean flag(ServerRequest req, String name) {
        return Params.query(req, name).map(v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw Params.field(name, "must be true or false");
        }).orElse(false);
    }

    private interface HeapWork<T> {
        T run() throws IOException;
    }

    private <T> T locked(String what, HeapWork<T> work) throws IOException {
        if (!lock.tryLock()) {
            throw ProblemException.conflict(what + " is already running");
        }
        try {
            return work.run();
        } finally {
            lock.unlock();
        }
    }
}
