package io.keel.bench.scenario;

import io.keel.bench.BenchException;
import io.keel.bench.load.ErrorKind;
import io.keel.bench.load.LatencyRecorder;
import io.keel.bench.load.RequestClass;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * {@code clients} subscribers of {@code GET /api/events}; {@code stalled} of them open the stream over a raw socket
 * with a tiny receive buffer and never read, so the service must drop them without slowing the others.
 * Threads: one virtual thread per client, stopped by {@link #stop()} (interrupt + socket close). Bounded by the
 * client count (<= 1,000).
 */
final class SseCrowd {
    static final RequestClass SSE = RequestClass.of("sse-subscribe");

    private final ScenarioContext ctx;
    private final Supplier<LatencyRecorder> recorder;
    private final String token;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    final LongAdder events = new LongAdder();
    final LongAdder endedEarly = new LongAdder();

    SseCrowd(ScenarioContext ctx, Supplier<LatencyRecorder> recorder, String token) {
        this.ctx = ctx;
        this.recorder = recorder;
        this.token = token;
    }

    synchronized void start(int clients, int stalled) {
        if (clients > 1_000 || stalled > clients) {
            throw new BenchException("SSE clients must be <= 1000 and stalled <= clients");
        }
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofVirtual().name("bench-sse-" + i).start(i < stalled ? this::neverRead : this::read));
        }
    }

    synchronized void stop() {
        threads.forEach(Thread::interrupt);
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        for (Thread t : threads) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void read() {
        long start = System.nanoTime();
        try {
            HttpResponse<InputStream> r = ctx.client().send(ctx.store().get("/api/events", token),
                    HttpResponse.BodyHandlers.ofInputStream());
            recorder.get().response(SSE, start, System.nanoTime(), r.statusCode());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                if (r.statusCode() != 200) {
                    return;
                }
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("event:")) {
                        events.increment();
                    }
                }
                if (!Thread.currentThread().isInterrupted()) {
                    endedEarly.increment();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (!Thread.currentThread().isInterrupted()) {
                recorder.get().failure(SSE, start, System.nanoTime(), ErrorKind.ofException(e));
            }
        }
    }

    private void neverRead() {
        URI u = ctx.store().url("/api/events");
        try {
            Socket s = new Socket();
            synchronized (this) {
                sockets.add(s);
            }
            s.setReceiveBufferSize(1024);
            s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 5_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + u.getRawPath() + " HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort()
                    + "\r\nAuthorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // Closed by stop(), or the service dropped us: both expected.
        }
    }
}
