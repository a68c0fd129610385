package io.keel.bench.naive;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.http.Routes;
import io.keel.runtime.stream.ExpectedChecksum;
import io.keel.runtime.stream.UploadResult;
import io.keel.runtime.stream.UploadSink;
import io.keel.store.StoreService;
import io.keel.store.accounts.Account;
import io.keel.store.accounts.Authenticator;
import io.keel.store.db.Jdbc;
import io.keel.store.uploads.Upload;
import io.keel.store.uploads.UploadRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /api/uploads} the naive way: the whole body read onto the heap first, then stored as the store stores
 * it (same directory, rows and answer), so downloads and deletes still go through the store's own routes.
 */
final class NaiveUpload {
    private static final Logger LOG = LoggerFactory.getLogger(NaiveUpload.class);

    private final StoreService store;
    private final Authenticator auth;
    private final UploadSink sink;
    private final UploadRepository uploads;
    private final Clock clock;

    NaiveUpload(StoreService store, Authenticator auth, long maxUploadSize, Clock clock) {
        Path dir = store.keel().config().dataDir().resolve("uploads");
        this.store = store;
        this.auth = auth;
        this.sink = UploadSink.create(dir, UploadSink.Config.ofMaxBytes(maxUploadSize), store.keel().metrics());
        this.uploads = new UploadRepository(store.database().dataSource());
        this.clock = clock;
    }

    void register(Routes routes) {
        routes.route(Method.POST, "/api/uploads", Routes.Kind.STREAM, this::upload);
    }

    private void upload(ServerRequest req, ServerResponse res) {
        Account user = auth.requireUser(req);
        byte[] whole;
        try {
            whole = req.content().inputStream().readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.warn("NAIVE: upload body of {} bytes read whole into memory", whole.length);
        String contentType = req.headers().contentType().map(ct -> ct.text()).orElse("application/octet-stream");
        Optional<ExpectedChecksum> expected = ExpectedChecksum.parse(req.headers().first(HeaderNames.create("Digest")),
                req.headers().first(HeaderNames.create("X-Checksum-SHA256")));
        String id = UUID.randomUUID().toString();
        Instant created = Jdbc.truncate(clock.instant());
        UploadResult stored = sink.receive(new ByteArrayInputStream(whole), req.headers().contentLength(), expected,
                id, complete -> uploads.insert(new Upload(id, user.id(), complete.size(), complete.sha256Hex(),
                        contentType, id, created)));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("size", stored.size());
        view.put("sha256", stored.sha256Hex());
        view.put("contentType", contentType);
        view.put("createdAt", created);
        res.header(HeaderNames.LOCATION, "/api/uploads/" + id);
        store.keel().json().write(res, Status.CREATED_201, view);
    }
}
