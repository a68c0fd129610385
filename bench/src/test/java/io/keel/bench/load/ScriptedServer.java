package io.keel.bench.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A raw-socket HTTP/1.1 server whose answers the test writes byte for byte. */
final class ScriptedServer implements AutoCloseable {
    /** Writes one answer whole; true, so a script can end with it and keep the connection. */
    static boolean answer(OutputStream out, String status, String headers, String body) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\n" + headers + "\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return true;
    }

    /** A request as seen: its line, its headers with lower-case names, its body, its connection (1 = first accepted). */
    record Request(String line, List<String> headers, String body, int connection) {
    }

    /** Answers each request with {@code script}; false from the script closes the connection. */
    @FunctionalInterface
    interface Script {
        boolean answer(Request request, OutputStream out) throws Exception;
    }

    final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    private final ServerSocket socket;

    ScriptedServer(Script script) throws IOException {
        socket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    int connection = accepted.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s, connection, script));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void serve(Socket s, int connection, Script script) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String line = line(in);
                if (line == null) {
                    return;
                }
                List<String> headers = new ArrayList<>();
                int length = 0;
                String h;
                while (!(h = line(in)).isEmpty()) {
                    String lower = h.toLowerCase(Locale.ROOT);
                    headers.add(lower.substring(0, lower.indexOf(':')) + h.substring(h.indexOf(':')));
                    if (lower.startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(15).trim());
                    }
                }
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                Request r = new Request(line, headers, body, connection);
                requests.add(r);
                if (!script.answer(r, out)) {
                    return;
                }
            }
        } catch (Exception e) {
            // the test's client went away
        } finally {
            closed.incrementAndGet();
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    int port() {
        return socket.getLocalPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    void awaitClosed(int n) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (closed.get() < n && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(closed.get()).as("connections closed on the server").isGreaterThanOrEqualTo(n);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
