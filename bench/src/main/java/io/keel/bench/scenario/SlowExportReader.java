package io.keel.bench.scenario;

import io.keel.bench.load.ErrorKind;
import io.keel.bench.load.LatencyRecorder;
import io.keel.bench.load.RequestClass;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A client that reads {@code GET /api/orders/export?format=csv} at about 1 MB/s until the deadline, then hangs up:
 * the service must slow its query, not buffer, and stop the query on disconnect. Latency recorded is time to the
 * response headers. Blocking, for its own virtual thread.
 */
final class SlowExportReader implements Runnable {
    static final RequestClass EXPORT = RequestClass.of("export-csv");
    private static final double BYTES_PER_SECOND = 1_000_000;

    private final ScenarioContext ctx;
    private final Supplier<LatencyRecorder> recorder;
    private final long deadlineNanos;
    private final LongAdder bytes;
    private final LongAdder rows;

    SlowExportReader(ScenarioContext ctx, Supplier<LatencyRecorder> recorder, long deadlineNanos, LongAdder bytes,
                     LongAdder rows) {
        this.ctx = ctx;
        this.recorder = recorder;
        this.deadlineNanos = deadlineNanos;
        this.bytes = bytes;
        this.rows = rows;
    }

    @Override
    public void run() {
        String token = ctx.options().adminToken().orElseThrow();
        HttpRequest req = ctx.store().get("/api/orders/export?format=csv", token);
        long start = System.nanoTime();
        try {
            HttpResponse<InputStream> r = ctx.client().send(req, HttpResponse.BodyHandlers.ofInputStream());
            recorder.get().response(EXPORT, start, System.nanoTime(), r.statusCode());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    return;
                }
                Pace pace = new Pace(BYTES_PER_SECOND);
                byte[] buf = new byte[16 * 1024];
                long total = 0;
                int n;
                while (System.nanoTime() < deadlineNanos && (n = in.read(buf)) >= 0) {
                    total += n;
                    bytes.add(n);
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            rows.increment();
                        }
                    }
                    pace.await(total);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            recorder.get().failure(EXPORT, start, System.nanoTime(), ErrorKind.ofException(e));
        }
    }
}
