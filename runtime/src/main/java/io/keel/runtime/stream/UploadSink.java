package io.keel.runtime.stream;

import io.helidon.common.buffers.DataReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Streams request bodies into files of one directory without ever holding a body in memory and without ever making a
 * partial file visible.
 * <p>
 * Each body goes to {@code <dir>/.incoming/<host>-<pid>/<finalName>.part} (a folder per process, so processes sharing
 * the directory never clean each other's uploads in progress) while it is hashed (SHA-256) and counted; the size limit
 * is enforced while reading, so at most {@code maxBytes + 1} bytes are read from a client that lies or sends no
 * length. Only a complete, verified, fsynced and committed file is renamed ({@code ATOMIC_MOVE}) to the caller's final
 * name; on every failure (limit, checksum mismatch, client abort, disk error, a failed commit, any runtime exception)
 * the part file is deleted.
 * <p>
 * Thread-safe; {@link #receive} blocks on the body and the disk, so call it on a virtual thread. The body is read on
 * the calling thread and hashed and written on another ({@link DiskWriter}), so the two use two cores. Memory:
 * {@value #BUFFERS} buffers of {@link Config#bufferBytes()} per call in progress. Metric: {@code keel_stream_bytes_total{stream="upload"}} counts
 * every body byte read, including bytes of bodies that were later discarded.
 */
public final class UploadSink {
    static final String INCOMING = ".incoming";
    static final String PART_SUFFIX = ".part";
    private static final HexFormat HEX = HexFormat.of();
    private static final Logger LOG = LoggerFactory.getLogger(UploadSink.class);
    /** Buffers per upload in flight between the reading thread and the hashing and writing one. */
    static final int BUFFERS = 4;

    /**
     * Settings of an upload sink.
     *
     * @param maxBytes    largest body accepted, in bytes (at least 1)
     * @param bufferBytes read buffer per upload in progress, 1 KiB to 1 MiB; default 256 KiB (one hash update and
     *                    one file write per full buffer: the socket delivers 8 KiB per read)
     */
    public record Config(long maxBytes, int bufferBytes) {
        public static final int DEFAULT_BUFFER_BYTES = 256 * 1024;

        public Config {
            if (maxBytes < 1) {
                throw new IllegalArgumentException("upload maxBytes must be >= 1, was " + maxBytes);
            }
            if (bufferBytes < 1024 || bufferBytes > 1024 * 1024) {
                throw new IllegalArgumentException("upload bufferBytes must be in 1024..1048576, was " + bufferBytes);
            }
        }

        /** A config with the given limit and the default 256 KiB buffer. */
        public static Config ofMaxBytes(long maxBytes) {
            return new Config(maxBytes, DEFAULT_BUFFER_BYTES);
        }
    }

    private final Path dir;
    private final Path incoming;
    private final Config config;
    private final Counter bytes;

    private UploadSink(Path dir, Config config, MeterRegistry registry) {
        this.dir = dir;
        this.incoming = dir.resolve(INCOMING).resolve(IncomingOwner.current().folderName());
        this.config = config;
        this.bytes = Counter.builder("keel.stream.bytes").tag("stream", "upload")
                .description("Body bytes streamed").baseUnit("bytes").register(registry);
        Gauge.builder("keel.uploads.incoming.files", this, UploadSink::incomingFiles)
                .description("Upload part files of this process on disk: uploads in progress, or leaked temp files")
                .baseUnit("files")
                .register(registry);
    }

    /** Part files in this process's incoming folder; at most max-streams while nothing leaks (one listing). */
    private double incomingFiles() {
        try (Stream<Path> files = Files.list(incoming)) {
            return files.count();
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /**
     * Creates a sink storing into {@code dir}, creating {@code dir} and {@code dir/.incoming} when missing. Does not
     * clean orphans: call {@link UploadOrphans#clean} once at process start, before any upload can be in progress.
     *
     * @throws UncheckedIOException when the directories cannot be created
     */
    public static UploadSink create(Path dir, Config config, MeterRegistry registry) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(registry, "registry");
        try {
            UploadSink sink = new UploadSink(dir, config, registry);
            Files.createDirectories(sink.incoming);
            return sink;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create upload directory " + dir.resolve(INCOMING), e);
        }
    }

    /**
     * Refuses a body whose declared length is already over the limit, before any byte is read. Does not block.
     *
     * @throws StreamLimitExceededException when {@code declaredLength} is above {@link Config#maxBytes()}
     */
    public void checkDeclaredLength(OptionalLong declaredLength) {
        if (declaredLength.isPresent() && declaredLength.getAsLong() > config.maxBytes) {
            throw new StreamLimitExceededException("Declared Content-Length " + declaredLength.getAsLong()
                    + " exceeds the upload limit of " + config.maxBytes + " bytes", config.maxBytes);
        }
    }

    /** Records a complete, verified and fsynced body (a database row) before it becomes visible under its name. */
    @FunctionalInterface
    public interface Commit {
        /** Throwing keeps the body invisible: its part file is deleted and the exception propagates. */
        void commit(UploadResult stored);
    }

    /** Same as {@link #receive(InputStream, OptionalLong, Optional, String, Commit)} with nothing to record. */
    public UploadResult receive(InputStream body, OptionalLong declaredLength, Optional<ExpectedChecksum> expected,
                                String finalName) {
        return receive(body, declaredLength, expected, finalName, stored -> { });
    }

    /**
     * Reads {@code body} to its end into {@code <dir>/<finalName>}. Blocks until the body ends or fails. The body is
     * written to {@code .incoming/<host>-<pid>/<finalName>.part}, hashed, counted, verified and fsynced; then {@code commit} runs
     * (a row naming the file is written then, while the file is not yet visible); then the part file is renamed to
     * its final name and the directory fsynced. So a visible file always has its record, and a crash between the
     * commit and the rename leaves a part file that {@link UploadOrphans#clean} finishes. An existing file of that name is
     * replaced atomically (POSIX rename), so callers should use fresh ids as names.
     *
     * @param body           request body; not closed here
     * @param declaredLength Content-Length when the client sent one
     * @param expected       checksum the client declared, if any
     * @param finalName      a plain file name (no separators, not starting with '.')
     * @param commit         runs once the body is complete and durable, before it becomes visible
     * @return size, SHA-256 and path of the stored file
     * @throws StreamLimitExceededException when the body is (or is declared) larger than the limit
     * @throws ChecksumMismatchException    when the body does not hash to {@code expected}
     * @throws ClientGoneException          when reading the body fails (client abort, truncated body)
     * @throws UncheckedIOException         when writing to the disk fails; if that is the final rename, the commit
     *                                      already happened and the caller must undo it
     */
    public UploadResult receive(InputStream body, OptionalLong declaredLength, Optional<ExpectedChecksum> expected,
                                String finalName, Commit commit) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(commit, "commit");
        Path target = dir.resolve(checkName(finalName));
        checkDeclaredLength(declaredLength);
        Path part = incoming.resolve(finalName + PART_SUFFIX);
        boolean moved = false;
        try {
            MessageDigest sha256 = sha256();
            long size = copy(body, part, sha256, true);
            String actual = HEX.formatHex(sha256.digest());
            if (expected.isPresent() && !expected.get().sha256Hex().equals(actual)) {
                throw new ChecksumMismatchException(expected.get().sha256Hex(), actual);
            }
            UploadResult stored = new UploadResult(size, actual, target);
            commit.commit(stored);
            publish(part, target);
            moved = true;
            return stored;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store upload " + finalName + " in " + dir, e);
        } finally {
            if (!moved) {
                deleteQuietly(part);
            }
        }
    }

    /** Consumes a staged body: a complete, verified part file that is deleted after this returns or throws. */
    @FunctionalInterface
    public interface Staged<T> {
        T accept(Path part, long size, String sha256Hex) throws IOException;
    }

    /**
     * Reads {@code body} to its end into a part file, with the same limit, hashing, checksum check and failure
     * handling as {@link #receive}, then hands the part file to {@code consumer} (for a store that keeps the bytes
     * elsewhere, e.g. in a database) and deletes it, whether {@code consumer} returns or throws. Nothing is ever
     * published in the sink's directory and the part is not fsynced (it is never the durable copy). Blocks.
     *
     * @throws StreamLimitExceededException when the body is (or is declared) larger than the limit
     * @throws ChecksumMismatchException    when the body does not hash to {@code expected}
     * @throws ClientGoneException          when reading the body fails (client abort, truncated body)
     * @throws UncheckedIOException when the disk or {@code consumer} fails with an {@link IOException}
     */
    public <T> T stage(InputStream body, OptionalLong declaredLength, Optional<ExpectedChecksum> expected,
                       String name, Staged<T> consumer) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(consumer, "consumer");
        checkDeclaredLength(declaredLength);
        Path part = incoming.resolve(checkName(name) + PART_SUFFIX);
        try {
            MessageDigest sha256 = sha256();
            long size = copy(body, part, sha256, false);
            String actual = HEX.formatHex(sha256.digest());
            if (expected.isPresent() && !expected.get().sha256Hex().equals(actual)) {
                throw new ChecksumMismatchException(expected.get().sha256Hex(), actual);
            }
            return consumer.accept(part, size, actual);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stage upload " + name + " in " + incoming, e);
        } finally {
            deleteQuietly(part);
        }
    }

    /** Renames a durable part file to its final name and makes the rename itself durable. */
    static void publish(Path part, Path target) throws IOException {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private long copy(InputStream body, Path part, MessageDigest sha256, boolean durable) throws IOException {
        long size = 0;
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             DiskWriter disk = new DiskWriter(out, sha256, BUFFERS, config.bufferBytes)) {
            while (true) {
                byte[] buffer = disk.take();
                // Never ask for more than one byte past the limit: a lying client cannot make us read further.
                int want = (int) Math.min(buffer.length, config.maxBytes - size + 1);
                int n = fill(body, buffer, want);
                if (n == 0) {
                    disk.giveBack(buffer);
                    break;
                }
                bytes.increment(n);
                size += n;
                if (size > config.maxBytes) {
                    disk.giveBack(buffer);
                    throw new StreamLimitExceededException("Upload body exceeds the limit of " + config.maxBytes
                            + " bytes", config.maxBytes);
                }
                disk.hand(buffer, n);
            }
            disk.finish();
            if (durable) {
                out.force(true); // the rename must never publish a file whose bytes are still in the page cache
            }
        }
        return size;
    }

    /**
     * Reads until {@code want} bytes or the end of the body: the socket hands over a few KiB per read, and one
     * hash update and one file write per full buffer cost far less than one per read. Returns 0 at the end.
     */
    private static int fill(InputStream body, byte[] buffer, int want) {
        int filled = 0;
        while (filled < want) {
            int n = read(body, buffer, filled, want - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled;
    }

    private static int read(InputStream body, byte[] buffer, int offset, int want) {
        try {
            return body.read(buffer, offset, want);
        } catch (IOException | UncheckedIOException | DataReader.InsufficientDataAvailableException e) {
            // Helidon reports a connection closed before Content-Length bytes arrived as InsufficientData.
            throw new ClientGoneException("Upload body ended before it was complete", e);
        }
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "finalName");
        if (name.isEmpty() || name.startsWith(".") || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0
                || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("finalName must be a plain file name not starting with '.', was '"
                    + name + "'");
        }
        return name;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK ships SHA-256", e);
        }
    }

    private static void deleteQuietly(Path part) {
        try {
            Files.deleteIfExists(part);
        } catch (IOException e) {
            // The orphan is removed by UploadOrphans.clean at the next start; the original failure matters more here.
            LOG.warn("Cannot delete partial upload {}", part, e);
        }
    }
}
