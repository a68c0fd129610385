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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Plain HTTP/1.1 over one socket, for moving a large body as fast as the service can take or send it. The JDK's
 * HttpClient hands a body over in 16 KiB buffers through a reactive pipeline: measured here it spent 2.7-4 CPU
 * seconds per GiB downloaded against the service's 0.7, and about as much per GiB uploaded, on the same two cores as
 * the service, so upload-scale measured the client, for Keel and the peer alike. This client writes and reads 1 MiB
 * at a time. A response may have a {@code Content-Length} body, a chunked one, or one that ends when the connection
 * closes. A service that sends nothing for {@code idle} (headers or body) fails the transfer with a
 * {@link java.net.SocketTimeoutException} instead of hanging the run. Blocking; one use per call, nothing shared.
 */
final class BulkHttp {
    private static final int BUFFER = 1 << 20;

    /** Receives the response body, one read at a time; the array is reused after the call returns. */
    @FunctionalInterface
    interface Body {
        void accept(byte[] bytes, int length);
    }

    /** Status and body length of a finished response. */
    record Result(int status, long bytes) {
    }

    private BulkHttp() {
    }

    /** {@code GET uri}, the response body passed to {@code body}. */
    static Result get(URI uri, String authorization, Duration idle, Body body) throws IOException {
        try (Socket socket = open(uri, idle)) {
            OutputStream out = socket.getOutputStream();
            out.write(head("GET", uri, Map.of("Authorization", authorization)));
            out.flush();
            return response(socket, uri, body);
        }
    }

    /**
     * {@code POST uri} with the {@code length} bytes of {@code content} as its body and {@code headers} (no
     * {@code Content-Length}: it is written from {@code length}). A service may answer before it has read the whole
     * body (a refusal) and close: the answer is then read and returned; when there is none, the write's error is
     * thrown.
     */
    static Result post(URI uri, Map<String, String> headers, long length, InputStream content, Duration idle,
                       Body body) throws IOException {
        try (Socket socket = open(uri, idle)) {
            OutputStream out = socket.getOutputStream();
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put("Content-Length", Long.toString(length));
            try {
                out.write(head("POST", uri, all));
                byte[] buffer = new byte[BUFFER];
                long sent = 0;
                while (sent < length) {
                    int n = content.read(buffer, 0, (int) Math.min(buffer.length, length - sent));
                    if (n < 0) {
                        throw new BenchException("the upload's content ended after " + sent + " of " + length
                                + " bytes");
                    }
                    out.write(buffer, 0, n);
                    sent += n;
                }
                out.flush();
            } catch (IOException writeFailed) {
                try {
                    return response(socket, uri, body);
                } catch (IOException noAnswer) {
                    writeFailed.addSuppressed(noAnswer);
                    throw writeFailed;
                }
            }
            return response(socket, uri, body);
        }
    }

    private static Socket open(URI uri, Duration idle) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(4 * BUFFER);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(Math.toIntExact(Math.max(1, idle.toMillis())));
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static byte[] head(String method, URI uri, Map<String, String> headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(uri.getRawPath())
                .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\nHost: ")
                .append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static Result response(Socket socket, URI uri, Body body) throws IOException {
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
