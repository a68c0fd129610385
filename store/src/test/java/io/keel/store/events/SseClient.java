package io.keel.store.events;

import io.keel.store.http.StoreUnderTest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test SSE client on a raw socket (closing it really ends the TCP connection, which java.net.http does not
 * promise): reads the chunked stream on a virtual thread and queues events and comments apart.
 */
public final class SseClient implements AutoCloseable {
    public record Event(long id, String event, String data) {
    }

    private final Socket socket;
    private final InputStream in;
    private final int status;
    private final String contentType;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
    private long id = -1;
    private String event = "message";
    private final StringBuilder data = new StringBuilder();

    private SseClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        String statusLine = line();
        this.status = Integer.parseInt(statusLine.split(" ")[1]);
        String type = "";
        for (String header = line(); !header.isEmpty(); header = line()) {
            if (header.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                type = header.substring(13).strip();
            }
        }
        this.contentType = type;
        if (status == 200) {
            Thread.ofVirtual().start(this::readChunks);
        }
    }

    static SseClient open(StoreUnderTest store, String token, String... headers) {
        return open(store.port(), token, headers);
    }

    /** Subscribes to {@code GET /api/events} on 127.0.0.1:{@code port} (a store or a balancer in front of some). */
    public static SseClient open(int port, String token, String... headers) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            StringBuilder request = new StringBuilder("GET /api/events HTTP/1.1\r\nHost: localhost\r\n")
                    .append("Accept: text/event-stream\r\nAuthorization: Bearer ").append(token).append("\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new SseClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("stream ended");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Decodes the chunked body; SSE lines end with '\n' and never span our CRLF handling of chunk framing. */
    private void readChunks() {
        try {
            StringBuilder pending = new StringBuilder();
            while (true) {
                int size = Integer.parseInt(line().strip(), 16);
                if (size == 0) {
                    return;
                }
                pending.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                line(); // the CRLF after the chunk data
                for (int nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
                    accept(pending.substring(0, nl));
                    pending.delete(0, nl + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // closed by the test or the server
        }
    }

    private void accept(String line) {
        if (line.isEmpty()) {
            if (id >= 0) {
                events.add(new Event(id, event, data.toString()));
            }
            id = -1;
            event = "message";
            data.setLength(0);
        } else if (line.startsWith(":")) {
            comments.add(line);
        } else if (line.startsWith("id: ")) {
            id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
            event = line.substring(7);
        } else if (line.startsWith("data: ")) {
            data.append(data.isEmpty() ? "" : "\n").append(line.substring(6));
        }
    }

    /** The next event, failing after {@code timeout}. */
    public Event next(Duration timeout) throws InterruptedException {
        return poll(timeout).orElseThrow(() -> new AssertionError("no event within " + timeout));
    }

    /** The next event if one arrives within {@code timeout}. */
    public Optional<Event> poll(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    public String nextComment(Duration timeout) throws InterruptedException {
        String comment = comments.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (comment == null) {
            throw new AssertionError("no comment within " + timeout);
        }
        return comment;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
