package io.keel.store.uploads;

import io.keel.runtime.stream.ChecksumMismatchException;
import io.keel.runtime.stream.ExpectedChecksum;
import io.keel.runtime.stream.UploadSink;
import io.keel.store.accounts.AccountRepository;
import io.keel.store.accounts.Role;
import io.keel.store.db.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The database blob store against a real (H2) database, counting what it borrows and reads: a range is read with
 * one query per chunk it touches and only its own bytes come back, a whole read holds one chunk at a time, and a
 * failed upload leaves no row, no chunk and no part file.
 */
class DatabaseBlobStoreTest {
    private static final int CHUNK = 4096;
    private static final byte[] BODY = new byte[100_000];

    static {
        new Random(3).nextBytes(BODY);
    }

    @TempDir
    Path dir;
    private TestDatabase db;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private DatabaseBlobStore store;
    private long owner;

    @BeforeEach
    void open() {
        db = TestDatabase.h2();
        DataSource counted = counting(db.database().dataSource(), DataSource.class);
        UploadSink staging = UploadSink.create(dir, UploadSink.Config.ofMaxBytes(1 << 20), new SimpleMeterRegistry());
        store = new DatabaseBlobStore(staging, counted, new UploadRepository(counted), CHUNK);
        owner = new AccountRepository(db.database().dataSource())
                .create("blob@example.com", "Blob", Role.CUSTOMER, "hash", Instant.now()).orElseThrow().id();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Upload stored() {
        return store.store(new ByteArrayInputStream(BODY), OptionalLong.of(BODY.length), Optional.empty(), "u1",
                (size, sha) -> new Upload("u1", owner, size, sha, "application/octet-stream", "u1", Instant.now()));
    }

    private byte[] read(Upload upload, long position, long length) throws IOException {
        try (InputStream in = store.open(upload, position, length)) {
            return in.readNBytes((int) length);
        }
    }

    @Test
    void aRangeDeepInsideReadsOnlyItsOwnBytesWithOneQueryPerChunkItTouches() throws IOException {
        Upload upload = stored();
        connections.set(0);
        bytesRead.set(0);

        byte[] inOneChunk = read(upload, 90_000, 100);
        long oneChunkQueries = connections.getAndSet(0);
        long oneChunkBytes = bytesRead.getAndSet(0);
        byte[] acrossThree = read(upload, 4000, 2 * CHUNK);

        assertThat(inOneChunk).isEqualTo(Arrays.copyOfRange(BODY, 90_000, 90_100));
        assertThat(oneChunkQueries).isEqualTo(1);
        assertThat(oneChunkBytes).isEqualTo(100);
        assertThat(acrossThree).isEqualTo(Arrays.copyOfRange(BODY, 4000, 4000 + 2 * CHUNK));
        assertThat(connections.get()).isEqualTo(3);
        assertThat(bytesRead.get()).isEqualTo(2 * CHUNK);
    }

    @Test
    void aWholeReadFetchesEachChunkOnceAndTheBytesComeBackIntact() throws IOException {
        Upload upload = stored();
        bytesRead.set(0);

        assertThat(read(upload, 0, BODY.length)).isEqualTo(BODY);
        assertThat(bytesRead.get()).isEqualTo(BODY.length);
        assertThat(db.count("SELECT COUNT(*) FROM upload_chunks")).isEqualTo((BODY.length + CHUNK - 1) / CHUNK);
        assertThat(db.count("SELECT MAX(OCTET_LENGTH(data)) FROM upload_chunks")).isEqualTo(CHUNK);
    }

    @Test
    void aChecksumMismatchStoresNothingAnywhere() throws IOException {
        ExpectedChecksum wrong = ExpectedChecksum.parse(Optional.empty(), Optional.of("0".repeat(64))).orElseThrow();

        assertThatThrownBy(() -> store.store(new ByteArrayInputStream(BODY), OptionalLong.empty(), Optional.of(wrong),
                "u2", (size, sha) -> new Upload("u2", owner, size, sha, "x/y", "u2", Instant.now())))
                .isInstanceOf(ChecksumMismatchException.class);

        assertThat(db.count("SELECT COUNT(*) FROM uploads")).isZero();
        assertThat(db.count("SELECT COUNT(*) FROM upload_chunks")).isZero();
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void deletingTheRowTakesTheChunksWithIt() {
        Upload upload = stored();

        assertThat(store.delete(upload, owner + 1)).isFalse();
        assertThat(store.delete(upload, owner)).isTrue();

        assertThat(db.count("SELECT COUNT(*) FROM upload_chunks")).isZero();
    }

    /** Wraps JDBC objects so that borrowed connections and bytes read with {@code getBytes} are counted. */
    private <T> T counting(T target, Class<T> type) {
        return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    return switch (result) {
                        case Connection c -> {
                            connections.incrementAndGet();
                            yield counting(c, Connection.class);
                        }
                        case PreparedStatement p -> counting(p, PreparedStatement.class);
                        case ResultSet r -> counting(r, ResultSet.class);
                        case byte[] b when method.getName().equals("getBytes") -> {
                            bytesRead.addAndGet(b.length);
                            yield b;
                        }
                        case null, default -> result;
                    };
                }));
    }
}
