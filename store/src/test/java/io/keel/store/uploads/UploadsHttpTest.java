package io.keel.store.uploads;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.store.http.StoreUnderTest;
import io.keel.store.http.StoreUnderTest.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Uploads and downloads over real HTTP against a real store: integrity, limits, aborts, ranges, ownership. This class
 * runs them on H2 with the disk store; its subclasses run the same tests with the database store (issue 11).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadsHttpTest {
    static final int LIMIT = 256 * 1024;

    private StoreUnderTest store;
    private User alice;
    private User bob;

    @BeforeAll
    void startStore() {
        store = start(Map.of("max-upload-size", Integer.toString(LIMIT)));
        alice = store.newUser();
        bob = store.newUser();
    }

    /** The store under test with {@code settings}. */
    protected StoreUnderTest start(Map<String, String> settings) {
        return StoreUnderTest.h2(settings);
    }

    /** Bytes the store keeps for upload {@code id}: its file, or its chunks in the database; 0 when none. */
    protected long storedBytes(StoreUnderTest store, String id) {
        Path file = store.dataDir().resolve("uploads").resolve(id);
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    void stopStore() {
        store.close();
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> upload(String token, byte[] body, String... headers) {
        HttpRequest.Builder request = store.request("/api/uploads", token).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return store.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode uploaded(User user, byte[] body) {
        HttpResponse<String> response = upload(user.token(), body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return StoreUnderTest.json(response.body());
    }

    private HttpResponse<byte[]> download(String id, String token, String... headers) {
        HttpRequest.Builder request = store.request("/api/uploads/" + id, token).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return store.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Stored files (final and partial), rows and database chunks: what a failed upload must not leave behind. */
    private record Kept(List<Path> files, List<Path> parts, long rows, long chunks) {
    }

    private Kept kept() {
        Path dir = store.dataDir().resolve("uploads");
        try (Stream<Path> files = Files.list(dir); Stream<Path> parts = Files.list(dir.resolve(".incoming"))) {
            return new Kept(files.filter(Files::isRegularFile).toList(), parts.toList(),
                    store.count("SELECT COUNT(*) FROM uploads"), store.count("SELECT COUNT(*) FROM upload_chunks"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anUploadWithTheRightChecksumIsStoredAndDownloadsByteForByte() {
        byte[] body = randomBytes(100_000);
        String hex = HexFormat.of().formatHex(sha256(body));

        HttpResponse<String> response = upload(alice.token(), body, "X-Checksum-SHA256", hex);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode json = StoreUnderTest.json(response.body());
        assertThat(json.get("size").asLong()).isEqualTo(body.length);
        assertThat(json.get("sha256").asText()).isEqualTo(hex);
        assertThat(json.get("contentType").asText()).isEqualTo("image/png");
        assertThat(json.get("createdAt").asText()).endsWith("Z");
        assertThat(response.headers().firstValue("Location")).contains("/api/uploads/" + json.get("id").asText());
        HttpResponse<byte[]> download = download(json.get("id").asText(), alice.token());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(body);
        assertThat(download.headers().firstValue("ETag")).contains("\"" + hex + "\"");
        assertThat(download.headers().firstValue("Accept-Ranges")).contains("bytes");
        assertThat(download.headers().firstValue("Content-Type")).contains("image/png");
    }

    @Test
    void aDigestHeaderIsCheckedToo() {
        byte[] body = randomBytes(5_000);

        HttpResponse<String> response = upload(alice.token(), body,
                "Digest", "sha-256=" + Base64.getEncoder().encodeToString(sha256(body)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    @Test
    void aChecksumMismatchIs422AndKeepsNothing() {
        Kept before = kept();
        byte[] body = randomBytes(50_000);
        byte[] wrong = sha256(randomBytes(10));

        HttpResponse<String> response = upload(alice.token(), body, "X-Checksum-SHA256",
                HexFormat.of().formatHex(wrong));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(kept()).isEqualTo(before);
    }

    @Test
    void aMalformedChecksumIs400() {
        HttpResponse<String> response = upload(alice.token(), randomBytes(10), "X-Checksum-SHA256", "abc");

        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413BeforeAnyBodyIsSent() throws IOException {
        Kept before = kept();
        try (Socket socket = connect()) {
            send(socket, "POST /api/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + alice.token()
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n");

            assertThat(readHead(socket)).startsWith("HTTP/1.1 413");
        }
        assertThat(kept()).isEqualTo(before);
    }

    @Test
    void aChunkedBodyOverTheLimitIs413AsSoonAsItCrossesAndKeepsNothing() throws IOException {
        Kept before = kept();
        try (Socket socket = connect()) {
            send(socket, "POST /api/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + alice.token()
                    + "\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = randomBytes(LIMIT + 100);
            OutputStream out = socket.getOutputStream();
            out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(chunk);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush(); // no terminating chunk: the server must answer without waiting for the end

            assertThat(readHead(socket)).startsWith("HTTP/1.1 413");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> kept().equals(before));
    }

    @Test
    void aClientThatAbortsMidBodyLeavesNothingBehind() throws IOException {
        Kept before = kept();
        try (Socket socket = connect()) {
            send(socket, "POST /api/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + alice.token()
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 200000\r\n\r\n");
            socket.getOutputStream().write(randomBytes(100_000));
            socket.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> !kept().parts().isEmpty()); // receiving has begun
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> kept().equals(before));
    }

    @Test
    void singleRangesAreServedAsPartialContent() {
        byte[] body = randomBytes(1_000);
        String id = uploaded(alice, body).get("id").asText();

        HttpResponse<byte[]> first = download(id, alice.token(), "Range", "bytes=0-9");
        HttpResponse<byte[]> open = download(id, alice.token(), "Range", "bytes=990-");
        HttpResponse<byte[]> suffix = download(id, alice.token(), "Range", "bytes=-5");
        HttpResponse<byte[]> beyondEnd = download(id, alice.token(), "Range", "bytes=995-5000");

        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(first.headers().firstValue("Content-Range")).contains("bytes 0-9/1000");
        assertThat(first.body()).isEqualTo(Arrays.copyOfRange(body, 0, 10));
        assertThat(open.headers().firstValue("Content-Range")).contains("bytes 990-999/1000");
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(body, 990, 1000));
        assertThat(suffix.headers().firstValue("Content-Range")).contains("bytes 995-999/1000");
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(body, 995, 1000));
        assertThat(beyondEnd.statusCode()).isEqualTo(206);
        assertThat(beyondEnd.body()).isEqualTo(Arrays.copyOfRange(body, 995, 1000));
    }

    @Test
    void aLargeUploadComesBackWholeAndByRangesThatCrossChunkBoundaries() {
        byte[] body = randomBytes(LIMIT);
        String id = uploaded(alice, body).get("id").asText();

        HttpResponse<byte[]> whole = download(id, alice.token());
        HttpResponse<byte[]> across = download(id, alice.token(), "Range", "bytes=4000-150123");
        HttpResponse<byte[]> tail = download(id, alice.token(), "Range", "bytes=-70000");

        assertThat(whole.body()).isEqualTo(body);
        assertThat(across.statusCode()).isEqualTo(206);
        assertThat(across.body()).isEqualTo(Arrays.copyOfRange(body, 4000, 150_124));
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(body, LIMIT - 70_000, LIMIT));
        assertThat(storedBytes(store, id)).isEqualTo(LIMIT);
    }

    @Test
    void anEmptyUploadIsStoredAndReadBack() {
        JsonNode stored = uploaded(alice, new byte[0]);

        HttpResponse<byte[]> download = download(stored.get("id").asText(), alice.token());

        assertThat(stored.get("size").asLong()).isZero();
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEmpty();
    }

    @Test
    void aRangeBeyondTheEndIs416AndOthersGetTheWholeFile() {
        byte[] body = randomBytes(1_000);
        String id = uploaded(alice, body).get("id").asText();

        HttpResponse<byte[]> unsatisfiable = download(id, alice.token(), "Range", "bytes=1000-");
        HttpResponse<byte[]> emptySuffix = download(id, alice.token(), "Range", "bytes=-0");
        HttpResponse<byte[]> multi = download(id, alice.token(), "Range", "bytes=0-1,5-6");
        HttpResponse<byte[]> backwards = download(id, alice.token(), "Range", "bytes=9-2");
        HttpResponse<byte[]> staleIfRange = download(id, alice.token(), "Range", "bytes=0-1", "If-Range", "\"old\"");

        assertThat(unsatisfiable.statusCode()).isEqualTo(416);
        assertThat(unsatisfiable.headers().firstValue("Content-Range")).contains("bytes */1000");
        assertThat(emptySuffix.statusCode()).isEqualTo(416);
        for (HttpResponse<byte[]> whole : List.of(multi, backwards, staleIfRange)) {
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(body);
        }
    }

    @Test
    void aMatchingIfNoneMatchIs304() {
        JsonNode stored = uploaded(alice, randomBytes(2_000));
        String etag = "\"" + stored.get("sha256").asText() + "\"";

        HttpResponse<byte[]> same = download(stored.get("id").asText(), alice.token(), "If-None-Match", etag);
        HttpResponse<byte[]> other = download(stored.get("id").asText(), alice.token(), "If-None-Match", "\"x\"");

        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(same.headers().firstValue("ETag")).contains(etag);
        assertThat(other.statusCode()).isEqualTo(200);
    }

    @Test
    void otherUsersGet404AndTheOperatorMayReadButNotUpload() {
        String id = uploaded(alice, randomBytes(100)).get("id").asText();

        assertThat(download(id, bob.token()).statusCode()).isEqualTo(404);
        assertThat(store.send(store.request("/api/uploads/" + id, bob.token()).DELETE(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(download(id, StoreUnderTest.OPERATOR_TOKEN).statusCode()).isEqualTo(200);
        assertThat(upload(StoreUnderTest.OPERATOR_TOKEN, randomBytes(10)).statusCode()).isEqualTo(403);
        assertThat(upload("nobody", randomBytes(10)).statusCode()).isEqualTo(401);
        assertThat(download("not-an-id", alice.token()).statusCode()).isEqualTo(404);
        assertThat(download(id, alice.token()).statusCode()).isEqualTo(200);
    }

    @Test
    void deletingRemovesTheRowAndTheBytes() {
        String id = uploaded(alice, randomBytes(100)).get("id").asText();
        assertThat(storedBytes(store, id)).isEqualTo(100);

        HttpResponse<String> deleted = store.send(store.request("/api/uploads/" + id, alice.token()).DELETE(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(storedBytes(store, id)).isZero();
        assertThat(store.count("SELECT COUNT(*) FROM uploads WHERE id = '" + id + "'")).isZero();
        assertThat(download(id, alice.token()).statusCode()).isEqualTo(404);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", store.port()), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String head) throws IOException {
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String readHead(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && !head.toString().endsWith("\r\n\r\n")) {
            head.append((char) b);
        }
        return head.toString();
    }
}
