package io.keel.store.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP/1.1 exchange over a plain socket, for requests {@link java.net.http.HttpClient} will not send (bytes that
 * are not valid in headers) or cannot survive (a server answering 413 and closing while the client is still sending
 * a large body). The body is written on its own thread while the response is read, so an early answer is seen even
 * when the server never reads the rest; a write failing because the server closed is expected and only recorded.
 */
final class RawHttp {
    /** The parsed answer; {@code bodyWritten} is false when the server closed before taking the whole body. */
    record Response(int status, Map<String, String> headers, String body, boolean bodyWritten) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    private RawHttp() {
    }

    /** Sends {@code head} (request line and headers, ending with an empty line) then {@code body}, reads the answer. */
    static Response exchange(int port, byte[] head, byte[] body) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            boolean[] written = new boolean[1];
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(head);
                    for (int offset = 0; offset < body.length; offset += 64 * 1024) {
                        out.write(body, offset, Math.min(64 * 1024, body.length - offset));
                    }
                    out.flush();
                    written[0] = true;
                } catch (IOException e) {
                    // The server answered early and closed: what a server should do with a body it will not take.
                }
            });
            Response response = read(socket.getInputStream());
            socket.close();
            writer.join(10_000);
            return new Response(response.status(), response.headers(), response.body(), written[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Response exchange(int port, String head, byte[] body) {
        return exchange(port, head.getBytes(StandardCharsets.ISO_8859_1), body);
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before a complete response head: " + headBytes);
            }
            headBytes.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8), false);
    }
}
