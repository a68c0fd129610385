package io.keel.store.db;

import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Gives back the last commits of an embedded H2 file that was not closed (a SIGKILL, an OOM kill, a crash) before the
 * pool opens it.
 *
 * <p>Why: H2 2.5.252's MVStore writes each commit as a chunk, and once old chunks may be overwritten (after its 45 s
 * retention) it places a chunk in a free gap of the file. When that gap is not where the previous chunk predicted
 * ({@code next}), it rewrites the file header, but with the previous chunk, because {@code FileStore.storeBuffer}
 * sets {@code lastChunk} only after {@code RandomAccessStore.writeChunk} wrote the header. H2's quick recovery after
 * an unclean stop follows the header's chunk and its {@code next} chain, so it stops before that chunk and drops it
 * and every later commit up to the next header write (at most about 20): acknowledged commits lost to a process kill
 * although each was written to the file before the commit returned ({@code WRITE_DELAY=0}). The chunks are in the
 * file; H2's recovery mode, which scans the whole file for chunks, finds the newest complete one. So after an unclean
 * stop the file is opened once in recovery mode and closed without compaction, which writes a clean header that
 * points at that chunk; the pool then opens a cleanly closed file.
 *
 * <p>Blocking: the scan reads the whole file (about 1-1.5 s for 170 MB on two busy cores), only after an unclean stop.
 * Not thread-safe: call before anything opens the file. Nothing is done for other databases, for H2 files another
 * process may share ({@code AUTO_SERVER}) or that are encrypted, or when the file is missing or was closed cleanly.
 */
final class H2FileRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(H2FileRecovery.class);
    static final String FILE_PREFIX = "jdbc:h2:file:";
    static final String SUFFIX = ".mv.db";
    /** H2 writes its file header twice, in the first two 4 KiB blocks; the first one is read. */
    private static final int HEADER_BLOCK = 4096;

    /** What {@link #recoverIfUnclean} did; {@link #toString()} says it for the start's log line. */
    enum Outcome {
        NOT_H2_FILE("not an embedded H2 file"),
        CLEAN("closed cleanly"),
        FULL_SCAN("unclean, recovered by a full scan"),
        FAILED("unclean, recovery failed: left to H2");

        private final String text;

        Outcome(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private H2FileRecovery() {
    }

    /**
     * Recovers the file {@code settings} opens if it was not closed cleanly. A failure is logged and left to H2's own
     * open, which then does its own recovery (or reports the file corrupt).
     */
    static Outcome recoverIfUnclean(DbSettings settings) {
        Optional<Path> file = file(settings);
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            return Outcome.NOT_H2_FILE;
        }
        try {
            if (closedCleanly(file.get())) {
                return Outcome.CLEAN;
            }
            long start = System.nanoTime();
            MVStore store = new MVStore.Builder().fileName(file.get().toString()).recoveryMode().open();
            long version = store.getCurrentVersion();
            store.close(0);
            LOG.warn("H2 file {} was not closed cleanly (process killed?): recovered to version {} by a full scan "
                    + "in {} ms", file.get(), version, (System.nanoTime() - start) / 1_000_000);
            return Outcome.FULL_SCAN;
        } catch (IOException | RuntimeException e) {
            LOG.warn("H2 file {} was not closed cleanly and its full-scan recovery failed; H2's own recovery goes on, "
                    + "and may lose the last commits: {}", file.get(), e.toString());
            return Outcome.FAILED;
        }
    }

    /** The {@code .mv.db} file of an embedded, unshared, unencrypted {@code jdbc:h2:file:} url. */
    static Optional<Path> file(DbSettings settings) {
        String url = settings.jdbcUrl();
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith(FILE_PREFIX) || !settings.exclusive() || lower.contains(";cipher=")) {
            return Optional.empty();
        }
        int options = url.indexOf(';');
        String name = url.substring(FILE_PREFIX.length(), options < 0 ? url.length() : options);
        if (name.isBlank() || name.startsWith("~")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(name + SUFFIX));
    }

    /** True when the file header carries H2's clean-close mark ({@code clean:1}, written only by a clean close). */
    static boolean closedCleanly(Path file) throws IOException {
        byte[] block;
        try (InputStream in = Files.newInputStream(file)) {
            block = in.readNBytes(HEADER_BLOCK);
        }
        String header = new String(block, StandardCharsets.ISO_8859_1);
        int end = header.indexOf('\n');
        return end > 0 && Arrays.asList(header.substring(0, end).split(",")).contains("clean:1");
    }
}
