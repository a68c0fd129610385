package io.keel.store.images;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.cpu.CpuWork;
import io.keel.runtime.http.Numbers;
import io.keel.runtime.http.ProblemException;
import io.keel.runtime.http.Routes;
import io.keel.store.accounts.Authenticator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * {@code POST /api/images/thumbnail}: the body is read on the request thread (bounded), decoded and resized on the
 * CPU pool under the task type {@code thumbnail}, so a storm of resizes queues there (and is refused with 503 when it
 * cannot start in time) instead of stalling the carriers that serve light requests.
 */
public final class ImageRoutes {
    public static final String TASK = "thumbnail";

    private final Thumbnailer thumbnailer;
    private final CpuWork pool;
    private final Authenticator auth;
    private final ImageLimits limits;

    public ImageRoutes(Thumbnailer thumbnailer, ImageLimits limits, CpuWork pool, Authenticator auth) {
        this.thumbnailer = thumbnailer;
        this.limits = limits;
        this.pool = pool;
        this.auth = auth;
    }

    public void register(Routes routes) {
        routes.route(Method.POST, "/api/images/thumbnail", Routes.Kind.HEAVY, this::thumbnail);
    }

    private void thumbnail(ServerRequest req, ServerResponse res) {
        auth.requireUser(req);
        ThumbnailSpec spec = new ThumbnailSpec(
                dimension(req, "width"),
                dimension(req, "height"),
                Fit.parse(req.query().first("fit").orElse("contain")),
                OutputFormat.parse(req.query().first("format").orElse("png")));
        String contentType = req.headers().contentType().map(ct -> ct.mediaType().text()).orElse("");
        if (req.headers().contentLength().orElse(0) > limits.maxInputBytes()) {
            throw ProblemException.tooLarge("images are limited to " + limits.maxInputBytes() + " bytes");
        }
        byte[] body = readBounded(req);
        Thumbnail thumbnail = pool.run(TASK, () -> thumbnailer.create(body, contentType, spec));
        res.header(HeaderNames.CONTENT_TYPE, thumbnail.contentType());
        res.header("X-Image-Width", Integer.toString(thumbnail.width()));
        res.header("X-Image-Height", Integer.toString(thumbnail.height()));
        res.send(thumbnail.bytes());
    }

    /**
     * The whole body, at most the input limit. With a {@code Content-Length} (checked against the limit before) it
     * is read straight into one array of that size: reading an unknown length gathers chunks and copies them into
     * the result, twice the allocation, and thumbnails are most of what the storm allocates. A body that ends early
     * is returned as far as it came; the decoder calls it truncated.
     */
    private byte[] readBounded(ServerRequest req) {
        long declared = req.headers().contentLength().orElse(-1L);
        try (InputStream in = req.content().inputStream()) {
            if (declared >= 0 && declared <= Integer.MAX_VALUE - 8) {
                byte[] body = new byte[(int) declared];
                int read = in.readNBytes(body, 0, body.length);
                return read == body.length ? body : Arrays.copyOf(body, read);
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxInputBytes() + 1));
            if (body.length > limits.maxInputBytes()) {
                throw ProblemException.tooLarge("images are limited to " + limits.maxInputBytes() + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int dimension(ServerRequest req, String name) {
        String raw = req.query().first(name).orElse("");
        OptionalLong value = Numbers.parseNonNegative(raw);
        if (value.isEmpty() || value.getAsLong() > Integer.MAX_VALUE) {
            throw new InvalidThumbnailSpecException(name, raw.isEmpty() ? "(missing)" : raw, "1..4096");
        }
        return (int) value.getAsLong();
    }
}
