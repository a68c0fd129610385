package io.keel.bench.scenario;

import io.keel.bench.BenchException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * A plain HTTP/1.1 GET over one socket, for reading a large body as fast as the service can send it. The JDK's
 * HttpClient hands its body over in 16 KiB buffers through a reactive pipeline: measured here it spent 2.7-4 CPU
 * seconds per GiB against the service's 0.7, so upload-scale's download measured the client, for Keel and the peer
 * alike. This client reads 1 MiB at a time and passes each read straight to the caller. Handles a
 * {@code Content-Length} body, a chunked one, and one that ends when the connection closes. A service that sends
 * nothing for {@code idle} (headers or body) fails the download with a {@link java.net.SocketTimeoutException}
 * instead of hanging the run. Blocking; one use per call, nothing shared.
 */
final class BulkDownload {
    private static final int BUFFER = 1 << 20;

    /** Receives the body, one read at a time; the array is reused after the call returns. */
    @FunctionalInterface
    interface Body {
        void accept(byte[] bytes, int length);
    }

    /** Status and body length of a finished download. */
    record Result(int status, long bytes) {
    }

    private BulkDownload() {
    }

    static Result get(URI uri, String authorization, Duration idle, Body body) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4 * BUFFER);
            socket.setSoTimeout(Math.toIntExact(Math.max(1, idle.toMillis())));
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            OutputStream out = socket.getOutputStream();
            String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAuthorization: " + authorization + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER);
            String statusLine = line(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new BenchException("not an HTTP/1 response from " + uri + ": " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            OptionalLong length = OptionalLong.empty();
            boolean chunked = false;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                String name = header.substring(0, Math.max(colon, 0)).strip().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).strip();
                if (name.equals("content-length")) {
                    length = OptionalLong.of(Long.parseLong(value));
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            byte[] buffer = new byte[BUFFER];
            long bytes;
            if (chunked) {
                bytes = 0;
                for (long size = Long.parseLong(line(in).split(";", 2)[0].strip(), 16); size > 0;
                     size = Long.parseLong(line(in).split(";", 2)[0].strip(), 16)) {
                    bytes += copy(in, buffer, size, body);
                    line(in); // the CRLF after the chunk
                }
                while (!line(in).isEmpty()) {
                    // trailers, ignored
                }
            } else {
                bytes = copy(in, buffer, length.orElse(Long.MAX_VALUE), body);
                if (length.isPresent() && bytes != length.getAsLong()) {
                    throw new IOException("body ended after " + bytes + " of " + length.getAsLong() + " bytes");
                }
            }
            return new Result(status, bytes);
        }
    }

    /** Copies up to {@code limit} bytes (fewer at the end of the stream); returns how many. */
    private static long copy(InputStream in, byte[] buffer, long limit, Body body) throws IOException {
        long copied = 0;
        while (copied < limit) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
            if (n < 0) {
                break;
            }
            body.accept(buffer, n);
            copied += n;
        }
        return copied;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed in the response head");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
