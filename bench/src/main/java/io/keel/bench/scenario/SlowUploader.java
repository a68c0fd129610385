package io.keel.bench.scenario;

import io.keel.bench.load.ErrorKind;
import io.keel.bench.load.LatencyRecorder;
import io.keel.bench.load.RequestClass;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A slow sender of one large body to {@code POST /api/uploads} (with Content-Length), paced so it finishes shortly
 * before the deadline; at the deadline an unfinished body is aborted, which the service must clean up. Memory: one
 * shared 64 KiB block of random bytes repeated. Blocking, for its own virtual thread.
 */
final class SlowUploader implements Runnable {
    static final RequestClass UPLOAD = RequestClass.of("upload");

    private final ScenarioContext ctx;
    private final Supplier<LatencyRecorder> recorder;
    private final String token;
    private final long size;
    private final double bytesPerSecond;
    private final long deadlineNanos;
    private final LongAdder sent;

    SlowUploader(ScenarioContext ctx, Supplier<LatencyRecorder> recorder, String token, long size, double bytesPerSecond,
                 long deadlineNanos, LongAdder sent) {
        this.ctx = ctx;
        this.recorder = recorder;
        this.token = token;
        this.size = size;
        this.bytesPerSecond = bytesPerSecond;
        this.deadlineNanos = deadlineNanos;
        this.sent = sent;
    }

    @Override
    public void run() {
        HttpRequest req = HttpRequest.newBuilder(ctx.store().url("/api/uploads"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(this::body), size)).build();
        long start = System.nanoTime();
        try {
            HttpResponse<Void> r = ctx.client().send(req, HttpResponse.BodyHandlers.discarding());
            recorder.get().response(UPLOAD, start, System.nanoTime(), r.statusCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (System.nanoTime() >= deadlineNanos) {
                ctx.note("an upload was still sending at the end of the phase and was aborted (" + e + ")");
            } else {
                recorder.get().failure(UPLOAD, start, System.nanoTime(), ErrorKind.ofException(e));
            }
        }
    }

    private InputStream body() {
        byte[] block = new byte[64 * 1024];
        new Random(42).nextBytes(block);
        Pace pace = new Pace(bytesPerSecond);
        return new InputStream() {
            private long pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= size) {
                    return -1;
                }
                if (System.nanoTime() >= deadlineNanos) {
                    throw new IOException("upload aborted at the end of the phase after " + pos + " bytes");
                }
                int n = (int) Math.min(Math.min(len, 16 * 1024), size - pos);
                int from = (int) (pos % block.length);
                n = Math.min(n, block.length - from);
                System.arraycopy(block, from, b, off, n);
                pos += n;
                sent.add(n);
                try {
                    pace.await(pos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("upload interrupted");
                }
                return n;
            }
        };
    }
}
