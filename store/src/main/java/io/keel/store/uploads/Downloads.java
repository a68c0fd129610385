package io.keel.store.uploads;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.http.ProblemException;
import io.keel.runtime.stream.Carriers;
import io.micrometer.core.instrument.Counter;
import io.keel.runtime.stream.Carriers;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Sends a stored upload from its {@link BlobStore}: {@code ETag} (its SHA-256), {@code If-None-Match} (304), a single {@code Range} (206, or 416
 * when no byte of it exists; other Range forms get the whole file, see {@link ByteRange}) and {@code If-Range}.
 * Streams through one buffer of {@value #BUFFER_BYTES} bytes per download (plus the store's own, e.g. one database
 * chunk), so memory does not grow with the file;
 * a slow reader blocks this thread in the socket write. Thread-safe. Metric:
 * {@code keel_stream_bytes_total{stream="download"}}.
 */
public final class Downloads {
    static final int BUFFER_BYTES = 256 * 1024;

    private final BlobStore store;
    private final Counter bytes;

    public Downloads(BlobStore store, MeterRegistry registry) {
        this.store = store;
        this.bytes = Counter.builder("keel.stream.bytes").tag("stream", "download")
                .description("Body bytes streamed").baseUnit("bytes").register(registry);
    }

    void send(ServerRequest req, ServerResponse res, Upload upload) {
        String etag = "\"" + upload.sha256() + "\"";
        res.header(HeaderNames.ETAG, etag);
        res.header(HeaderNames.ACCEPT_RANGES, "bytes");
        res.header(HeaderNames.CACHE_CONTROL, "private, no-cache");
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).filter(v -> matches(v, etag)).isPresent()) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        Optional<String> range = req.headers().first(HeaderNames.RANGE);
        Optional<String> ifRange = req.headers().first(HeaderNames.IF_RANGE);
        if (ifRange.isPresent() && !ifRange.get().strip().equals(etag)) {
            range = Optional.empty(); // the client's copy is stale: it needs the whole new file
        }
        long size = upload.size();
        switch (ByteRange.parse(range, size)) {
            case ByteRange.Full full -> {
                res.header(HeaderNames.CONTENT_TYPE, upload.contentType());
                res.status(Status.OK_200);
                copy(res, upload, 0, size);
            }
            case ByteRange.Part part -> {
                res.header(HeaderNames.CONTENT_TYPE, upload.contentType());
                res.status(Status.PARTIAL_CONTENT_206);
                res.header(HeaderNames.CONTENT_RANGE, part.range().contentRange(size));
                copy(res, upload, part.range().first(), part.range().length());
            }
            case ByteRange.Unsatisfiable unsatisfiable -> {
                res.header(HeaderNames.CONTENT_RANGE, "bytes */" + size);
                throw new ProblemException(416, "Range Not Satisfiable", "the file has " + size + " bytes");
            }
        }
    }

    private void copy(ServerResponse res, Upload upload, long position, long length) {
        try (InputStream in = store.open(upload, position, length)) {
            res.header(HeaderNames.CONTENT_LENGTH, Long.toString(length));
            if (length == 0) {
                res.send();
                return;
            }
            byte[] buffer = new byte[(int) Math.min(BUFFER_BYTES, length)];
            OutputStream out = res.outputStream();
            long sent = 0;
            while (sent < length) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - sent));
                if (n < 0) {
                    throw new IllegalStateException("upload " + upload.id() + " is shorter than its recorded size");
                }
                write(out, buffer, n);
                sent += n;
            }
            finish(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read upload " + upload.id(), e);
        }
    }

    /** A failed socket write means the client left: close the connection quietly, nobody reads an error. */
    private void write(OutputStream out, byte[] chunk, int n) {
        try {
            out.write(chunk, 0, n);
            bytes.increment(n);
            Carriers.yieldIfVirtual();
        } catch (IOException | UncheckedIOException e) {
            throw new ServerConnectionException("client went away during a download", e);
        }
    }

    private static void finish(OutputStream out) {
        try {
            out.close();
        } catch (IOException | UncheckedIOException e) {
            throw new ServerConnectionException("client went away during a download", e);
        }
    }

    /** If-None-Match: {@code *} or a list of (possibly weak) entity tags; weak comparison, as RFC 9110 says. */
    static boolean matches(String header, String etag) {
        for (String candidate : header.split(",", -1)) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }
}
