package io.keel.bench.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One keep-alive HTTP/1.1 connection of {@link Http1Client}: writes a request, reads the answer's status line,
 * headers and body (Content-Length, chunked, or until the server closes), and says whether it can carry another
 * request. Blocking; used by one thread at a time.
 */
final class Http1Connection implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;
    private static final int MAX_LINE = 16 * 1024;

    private final Socket socket;
    private final DeadlineInput timed;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] scratch = new byte[BUFFER];
    private long idleSince;

    private Http1Connection(Socket socket) throws IOException {
        this.socket = socket;
        this.timed = new DeadlineInput(socket);
        this.in = new BufferedInputStream(timed, BUFFER);
        this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
    }

    static Http1Connection open(InetSocketAddress address, int connectTimeoutMs) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, connectTimeoutMs);
            return new Http1Connection(s);
        } catch (SocketTimeoutException e) {
            s.close();
            throw new HttpConnectTimeoutException("connect to " + address + " timed out after " + connectTimeoutMs
                    + " ms");
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** What came back. {@code body} is null unless asked for; {@code reusable}: the connection may carry more. */
    record Answer(int status, String body, boolean reusable) {
    }

    /** Thrown when the server closed the connection before sending a byte of the answer. */
    static final class ClosedBeforeAnswer extends EOFException {
        ClosedBeforeAnswer() {
            super("connection closed before any answer");
        }
    }

    /**
     * Sends one request and reads its whole answer before {@code deadlineNanos} ({@link HttpTimeoutException} after).
     * {@code head}: the request line and headers, CRLF-terminated, without the final empty line.
     */
    Answer exchange(String head, byte[] body, boolean headRequest, boolean keepBody, long deadlineNanos)
            throws IOException {
        timed.deadline(deadlineNanos);
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write('\r');
        out.write('\n');
        out.write(body);
        out.flush();
        long before = timed.bytesRead;
        int status;
        Headers h;
        do {
            String statusLine = line();
            if (statusLine == null) {
                throw timed.bytesRead == before ? new ClosedBeforeAnswer() : new EOFException("no status line");
            }
            status = statusOf(statusLine);
            h = headers();
        } while (status >= 100 && status < 200);
        boolean noBody = headRequest || status == 204 || status == 304;
        ByteArrayOutputStream kept = keepBody ? new ByteArrayOutputStream() : null;
        boolean reusable = !h.close;
        if (noBody) {
            // nothing follows
        } else if (h.chunked) {
            readChunked(kept);
        } else if (h.contentLength >= 0) {
            copy(h.contentLength, kept);
        } else {
            copy(Long.MAX_VALUE, kept);
            reusable = false;
        }
        return new Answer(status, kept == null ? null : kept.toString(StandardCharsets.UTF_8), reusable);
    }

    private record Headers(long contentLength, boolean chunked, boolean close) {
    }

    private Headers headers() throws IOException {
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String l;
        while ((l = line()) != null && !l.isEmpty()) {
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + l);
            }
            String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = l.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> {
                }
            }
        }
        if (l == null) {
            throw new EOFException("connection closed inside the answer's headers");
        }
        return new Headers(length, chunked, close);
    }

    private void readChunked(ByteArrayOutputStream kept) throws IOException {
        while (true) {
            String sizeLine = line();
            if (sizeLine == null) {
                throw new EOFException("connection closed inside a chunked body");
            }
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                String trailer;
                while ((trailer = line()) != null && !trailer.isEmpty()) {
                    // trailers are not used
                }
                return;
            }
            copy(size, kept);
            if (line() == null) {
                throw new EOFException("connection closed after a chunk");
            }
        }
    }

    /** Reads {@code n} bytes (or, for {@link Long#MAX_VALUE}, up to the end of the stream) into {@code kept}. */
    private void copy(long n, ByteArrayOutputStream kept) throws IOException {
        long left = n;
        while (left > 0) {
            int r = in.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (r < 0) {
                if (n == Long.MAX_VALUE) {
                    return;
                }
                throw new EOFException("connection closed " + left + " bytes before the body's end");
            }
            if (kept != null) {
                kept.write(scratch, 0, r);
            }
            left -= r;
        }
    }

    /** One CRLF- (or LF-) terminated line without its terminator; null at the end of the stream before any byte. */
    private String line() throws IOException {
        int n = 0;
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int end = n > 0 && scratch[n - 1] == '\r' ? n - 1 : n;
                return new String(scratch, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (n == MAX_LINE) {
                throw new IOException("answer line longer than " + MAX_LINE + " bytes");
            }
            scratch[n++] = (byte) b;
        }
        if (n > 0) {
            throw new EOFException("connection closed inside a line");
        }
        return null;
    }

    private static int statusOf(String statusLine) throws IOException {
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        try {
            return Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine, e);
        }
    }

    /** The request head for {@code method} of {@code target} (path and query) on {@code authority}. */
    static String head(String method, String target, String authority, Map<String, List<String>> headers,
                       long contentLength) {
        StringBuilder sb = new StringBuilder(256).append(method).append(' ').append(target)
                .append(" HTTP/1.1\r\nHost: ").append(authority).append("\r\n");
        headers.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                values.forEach(v -> sb.append(name).append(": ").append(v).append("\r\n"));
            }
        });
        if (contentLength >= 0) {
            sb.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        return sb.toString();
    }

    void idleSince(long nanos) {
        idleSince = nanos;
    }

    long idleSince() {
        return idleSince;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** The socket's input, each read bounded by the time left to the request's deadline; counts bytes read. */
    private static final class DeadlineInput extends FilterInputStream {
        private final Socket socket;
        private long deadlineNanos;
        private long bytesRead;

        DeadlineInput(Socket socket) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
        }

        void deadline(long nanos) {
            deadlineNanos = nanos;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                throw new HttpTimeoutException("request timed out");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMs));
            try {
                int r = super.read(b, off, len);
                if (r > 0) {
                    bytesRead += r;
                }
                return r;
            } catch (SocketTimeoutException e) {
                throw new HttpTimeoutException("request timed out");
            }
        }
    }
}
