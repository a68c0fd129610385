package io.keel.store.uploads;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.http.Json;
import io.keel.runtime.http.Params;
import io.keel.runtime.http.ProblemException;
import io.keel.runtime.http.Routes;
import io.keel.runtime.stream.ClientGoneException;
import io.keel.runtime.stream.ExpectedChecksum;
import io.keel.runtime.stream.StreamLimitExceededException;
import io.keel.store.accounts.Account;
import io.keel.store.accounts.Authenticator;
import io.keel.store.accounts.Principal;
import io.keel.store.db.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code POST /api/uploads}, {@code GET /api/uploads/{id}}, {@code DELETE /api/uploads/{id}}.
 * <p>
 * An upload streams into the {@link BlobStore} (hashed and size-checked while it arrives); its bytes and its row become
 * visible together or not at all, and a partial upload is never visible. Another user's upload is a 404.
 * Thread-safe; handlers block on the body, the disk and the database (virtual threads).
 */
public final class UploadRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(UploadRoutes.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final int MAX_CONTENT_TYPE = 255;

    private final BlobStore blobs;
    private final UploadRepository uploads;
    private final Authenticator auth;
    private final Downloads downloads;
    private final Json json;
    private final Clock clock;

    public UploadRoutes(BlobStore blobs, UploadRepository uploads, Authenticator auth, Downloads downloads,
                        Json json, Clock clock) {
        this.blobs = blobs;
        this.uploads = uploads;
        this.auth = auth;
        this.downloads = downloads;
        this.json = json;
        this.clock = clock;
    }

    public void register(Routes routes) {
        routes.route(Method.POST, "/api/uploads", Routes.Kind.STREAM, this::upload)
                .route(Method.GET, "/api/uploads/{id}", Routes.Kind.STREAM, this::download)
                .delete("/api/uploads/{id}", this::delete);
    }

    private void upload(ServerRequest req, ServerResponse res) {
        Account user = auth.requireUser(req);
        OptionalLong declared = req.headers().contentLength();
        String contentType = contentType(req);
        Optional<ExpectedChecksum> expected = ExpectedChecksum.parse(req.headers().first(HeaderNames.create("Digest")),
                req.headers().first(HeaderNames.create("X-Checksum-SHA256")));
        String id = UUID.randomUUID().toString();
        Instant created = Jdbc.truncate(clock.instant());
        Upload upload;
        try {
            blobs.checkDeclaredLength(declared); // before the first body byte is read
            upload = blobs.store(body(req), declared, expected, id,
                    (size, sha256) -> new Upload(id, user.id(), size, sha256, contentType, id, created));
        } catch (StreamLimitExceededException e) {
            // Closing the connection spares reading (and discarding) the rest of an oversized body.
            res.header(HeaderValues.CONNECTION_CLOSE);
            throw e;
        } catch (ClientGoneException e) {
            LOG.info("upload {} abandoned: the client went away mid-body; nothing was kept", id);
            throw new ServerConnectionException("client went away during an upload", e);
        }
        res.header(HeaderNames.LOCATION, "/api/uploads/" + id);
        json.write(res, Status.CREATED_201, upload.view());
    }

    private static InputStream body(ServerRequest req) {
        return req.content().inputStream();
    }

    private static String contentType(ServerRequest req) {
        String type = req.headers().contentType().map(ct -> ct.text()).orElse("application/octet-stream");
        if (type.length() > MAX_CONTENT_TYPE) {
            throw Params.field("Content-Type", "must be at most " + MAX_CONTENT_TYPE + " characters");
        }
        return type;
    }

    private void download(ServerRequest req, ServerResponse res) {
        Principal principal = auth.require(req);
        Upload upload = find(req).filter(u -> principal.canSee(u.ownerId()))
                .orElseThrow(() -> notFound(req));
        downloads.send(req, res, upload);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Account user = auth.requireUser(req);
        Upload upload = find(req).orElseThrow(() -> notFound(req));
        if (!blobs.delete(upload, user.id())) {
            throw notFound(req);
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private Optional<Upload> find(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        return ID.matcher(id).matches() ? uploads.find(id) : Optional.empty();
    }

    private static ProblemException notFound(ServerRequest req) {
        return ProblemException.notFound("no upload " + req.path().pathParameters().get("id"));
    }
}
