package io.keel.runtime.stream;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class UploadSinkTest {
    private static final int LIMIT = 200_000;

    @TempDir
    Path dir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    private final AtomicInteger names = new AtomicInteger();
    private UploadSink sink;
    private WebServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        sink = UploadSink.create(dir, new UploadSink.Config(LIMIT, 4096), registry);
        server = WebServer.builder().port(0).routing(r -> r.post("/upload", this::upload)).build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        client.close();
    }

    /** The route a service would write: parse the checksum headers, stream, map failures to statuses. */
    private void upload(ServerRequest req, ServerResponse res) {
        try {
            Optional<ExpectedChecksum> expected = ExpectedChecksum.parse(
                    req.headers().first(HeaderNames.create("Digest")),
                    req.headers().first(HeaderNames.create("X-Checksum-SHA256")));
            // Refuse before touching the entity: asking for it would already send "100 Continue".
            sink.checkDeclaredLength(req.headers().contentLength());
            UploadResult result = sink.receive(req.content().inputStream(), req.headers().contentLength(), expected,
                    "upload-" + names.incrementAndGet());
            res.status(201).send(result.size() + " " + result.sha256Hex() + " " + result.path().getFileName());
        } catch (RuntimeException e) {
            failures.add(e);
            int status = switch (e) {
                case StreamLimitExceededException ignored -> 413;
                case ChecksumMismatchException ignored -> 422;
                case MalformedChecksumException ignored -> 400;
                default -> throw e; // ClientGoneException: nobody left to answer
            };
            res.status(status).header(HeaderNames.CONNECTION, "close").send();
        }
    }

    @Test
    void bodyWithTheRightChecksumIsStoredUnderItsFinalName() throws Exception {
        byte[] body = randomBytes(150_000);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));

        HttpResponse<String> response = post(HttpRequest.BodyPublishers.ofByteArray(body), "X-Checksum-SHA256", hex);

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).isEqualTo("150000 " + hex + " upload-1");
        assertThat(Files.readAllBytes(dir.resolve("upload-1"))).isEqualTo(body);
        assertThat(storedFiles()).containsExactly(dir.resolve("upload-1"));
        assertThat(registry.get("keel.stream.bytes").tag("stream", "upload").counter().count()).isEqualTo(150_000);
        assertThat(registry.get("keel.uploads.incoming.files").gauge().value()).as("no part file left").isZero();
    }

    @Test
    void aPartFileLeftBehindShowsInTheIncomingFilesGauge() throws Exception {
        Path own = dir.resolve(".incoming").resolve(IncomingOwner.current().folderName());
        Files.writeString(own.resolve("stray.part"), "half");
        assertThat(registry.get("keel.uploads.incoming.files").gauge().value()).isEqualTo(1);
    }

    @Test
    void digestHeaderChecksumIsVerifiedToo() throws Exception {
        byte[] body = randomBytes(1000);
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(body);
        UploadResult result = sink.receive(new ByteArrayInputStream(body), OptionalLong.empty(),
                ExpectedChecksum.parse(Optional.of("sha-256=" + Base64.getEncoder().encodeToString(sha)),
                        Optional.empty()), "digest");
        assertThat(result.sha256Hex()).isEqualTo(HexFormat.of().formatHex(sha));
        assertThat(result.size()).isEqualTo(1000);
    }

    @Test
    void checksumMismatchLeavesNothingInTheDirectory() throws Exception {
        HttpResponse<String> response = post(HttpRequest.BodyPublishers.ofByteArray(randomBytes(50_000)),
                "X-Checksum-SHA256", "0".repeat(64));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(failures.take()).isInstanceOf(ChecksumMismatchException.class);
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeReadingAnyByte() {
        CountingStream body = new CountingStream(Long.MAX_VALUE);
        assertThatThrownBy(() -> sink.receive(body, OptionalLong.of(LIMIT + 1), Optional.empty(), "big"))
                .isInstanceOf(StreamLimitExceededException.class).hasMessageContaining("Content-Length");
        assertThat(body.read).isZero();
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void bodyWithoutLengthIsCutOffOneByteAfterTheLimit() {
        CountingStream body = new CountingStream(10L * LIMIT);
        assertThatThrownBy(() -> sink.receive(body, OptionalLong.empty(), Optional.empty(), "big"))
                .isInstanceOf(StreamLimitExceededException.class);
        assertThat(body.read).isEqualTo(LIMIT + 1);
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void declaredOverLimitUploadOverHttpIsAnswered413BeforeTheBodyIsSent() throws Exception {
        // Expect: 100-continue makes the client wait for the server, so a refusal before reading is visible as such.
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri()).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(randomBytes(LIMIT + 10))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(failures.take()).isInstanceOf(StreamLimitExceededException.class)
                .hasMessageContaining("Content-Length");
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void chunkedOverLimitUploadOverHttpIsCutOffAndKeepsNothing() throws Exception {
        try {
            HttpResponse<String> response = post(HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(randomBytes(3 * LIMIT))));
            assertThat(response.statusCode()).isEqualTo(413);
        } catch (IOException e) {
            // The server answers and closes while the client still sends; a client may then see the reset first.
        }
        assertThat(failures.poll(5, TimeUnit.SECONDS)).isInstanceOf(StreamLimitExceededException.class)
                .hasMessageContaining("exceeds");
        assertThat(registry.get("keel.stream.bytes").tag("stream", "upload").counter().count()).isEqualTo(LIMIT + 1);
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void clientAbortMidBodyLeavesNothingBehind() throws Exception {
        try (Socket socket = RawHttp.connect(server.port(), 64 * 1024)) {
            RawHttp.send(socket, "POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 150000\r\n\r\n");
            socket.getOutputStream().write(randomBytes(60_000));
            socket.getOutputStream().flush();
            // Abort only once the part file exists, so the abort really hits a half-written upload.
            await().atMost(Duration.ofSeconds(5)).until(() -> !storedFiles().isEmpty());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !failures.isEmpty() && storedFiles().isEmpty());
        assertThat(failures.peek()).isInstanceOf(ClientGoneException.class);
    }

    @Test
    void orphanedPartFilesFromACrashAreCleanedCommittedOnesPutInPlaceAndOtherFilesKept() throws IOException {
        Path incoming = dir.resolve(".incoming");
        Files.writeString(incoming.resolve("a.part"), "half");
        Files.writeString(incoming.resolve("b.part"), "half");
        Files.writeString(incoming.resolve("committed.part"), "whole");
        Files.writeString(dir.resolve("kept"), "done");

        assertThat(UploadOrphans.clean(dir, "committed"::equals)).isEqualTo(new UploadOrphans.Swept(2, 1));
        assertThat(storedFiles()).containsExactlyInAnyOrder(dir.resolve("kept"), dir.resolve("committed"));
        assertThat(dir.resolve("committed")).hasContent("whole");
        assertThat(UploadOrphans.clean(dir.resolve("missing"), name -> true)).isEqualTo(new UploadOrphans.Swept(0, 0));
    }

    @Test
    void aFailingCommitKeepsNothingAndTheCommitSeesTheVerifiedBodyBeforeItIsVisible() {
        byte[] body = randomBytes(150_000);
        List<Boolean> visibleAtCommit = new ArrayList<>();

        assertThatThrownBy(() -> sink.receive(new ByteArrayInputStream(body), OptionalLong.empty(), Optional.empty(),
                "rejected", stored -> {
                    visibleAtCommit.add(Files.exists(stored.path()));
                    assertThat(stored.size()).isEqualTo(body.length);
                    throw new IllegalStateException("database down");
                })).isInstanceOf(IllegalStateException.class).hasMessage("database down");
        assertThat(visibleAtCommit).containsExactly(false);
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void finalNamesThatCouldEscapeTheDirectoryAreRejected() {
        for (String bad : List.of("", "../x", "a/b", ".hidden", "a\\b")) {
            assertThatThrownBy(() -> sink.receive(InputStream.nullInputStream(), OptionalLong.empty(),
                    Optional.empty(), bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void invalidConfigNamesTheSettingAndValue() {
        assertThatThrownBy(() -> new UploadSink.Config(0, 4096)).hasMessageContaining("maxBytes").hasMessageContaining("0");
        assertThatThrownBy(() -> new UploadSink.Config(10, 10)).hasMessageContaining("bufferBytes");
    }

    private HttpResponse<String> post(HttpRequest.BodyPublisher body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri())
                .POST(body).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + server.port() + "/upload");
    }

    private List<Path> storedFiles() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    /** An endless-ish body that records how much of it was read. */
    private static final class CountingStream extends InputStream {
        private final long size;
        long read;

        CountingStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return read < size ? (int) (read++ & 0x7f) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (read >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - read);
            read += n;
            return n;
        }
    }
}
