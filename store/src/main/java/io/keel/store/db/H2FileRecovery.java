package io.keel.store.db;

import org.h2.engine.Constants;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
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
 * file; H2's recovery mode, which scans the whole file for chunks, finds the newest complete one.
 *
 * <p>After an unclean stop, first a quick check (issue 10: a killed worker's replacement ready within a second):
 * {@link H2Chunks} finds the newest complete chunk by looking at each block start (tens of ms for 200 MB), and a
 * read-only open asks H2 which version its own recovery reaches. When that is the newest chunk's version nothing is
 * written and H2's open recovers the file itself, losing nothing: no chunk newer than that exists for a full scan to
 * find. When it is older (the lost-commits case above), {@link H2HeaderRepair} writes the header H2 should have
 * written, naming the newest chunk, and a second read-only open must confirm that H2 now reaches it. Only when that
 * fails or throws, when the repair is refused (H2 reaches a newer version than the scan found, the chunks conflict,
 * the file is locked), when the H2 release or the file's format is not the one this was verified against, or when
 * anything cannot be read, is the file opened once in recovery mode and closed without compaction, which
 * writes a clean header that points at the newest chunk; the pool then opens a cleanly closed file.
 *
 * <p>Blocking: the quick check reads the file in 1 MiB pieces and looks at each 4 KiB block's start; the full scan
 * reads the whole file (about 0.6-1.5 s for 200 MB on two busy cores); both only after an unclean stop. Not
 * thread-safe: call before anything opens the file. Nothing is done for other databases, for H2 files another process
 * may share ({@code AUTO_SERVER}) or that are encrypted, or when the file is missing or was closed cleanly.
 *
 * <p>Just over 300 lines: the decision between the quick path, the repair and the full scan, with a log line that
 * says why for each way out, reads best in one place.
 */
final class H2FileRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(H2FileRecovery.class);
    static final String FILE_PREFIX = "jdbc:h2:file:";
    static final String SUFFIX = ".mv.db";
    /** H2 writes its file header twice, in the first two 4 KiB blocks; the first one is read. */
    private static final int HEADER_BLOCK = 4096;
    /**
     * The H2 release whose chunk format, header and lossy recovery the quick check and the header repair were
     * checked against; under any other H2 an unclean file is fully scanned.
     */
    static final String VERIFIED_H2 = "2.5.252";
    /** The header's {@code format} (hex) that H2 {@link #VERIFIED_H2} writes; any other is fully scanned. */
    static final String VERIFIED_FORMAT = "3";

    /** What {@link #recoverIfUnclean} did; {@link #toString()} says it for the start's log line. */
    enum Outcome {
        NOT_H2_FILE("not an embedded H2 file"),
        CLEAN("closed cleanly"),
        INTACT("unclean, H2's own recovery reaches the newest commit: no full scan"),
        REPAIRED("unclean, header pointed at the newest commit, which H2's own recovery then reaches: no full scan"),
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
        return recoverIfUnclean(settings, Constants.VERSION);
    }

    /** {@link #recoverIfUnclean(DbSettings)} as if the H2 on the class path were {@code h2Version}. */
    static Outcome recoverIfUnclean(DbSettings settings, String h2Version) {
        Optional<Path> found = file(settings);
        if (found.isEmpty() || !Files.isRegularFile(found.get())) {
            return Outcome.NOT_H2_FILE;
        }
        Path file = found.get();
        long start = System.nanoTime();
        Map<String, String> header;
        try {
            header = headerFields(file);
        } catch (IOException e) {
            LOG.warn("H2 file {}: its header cannot be read; H2's own open goes on: {}", file, e.toString());
            return Outcome.FAILED;
        }
        if ("1".equals(header.get("clean"))) {
            return Outcome.CLEAN;
        }
        Optional<String> unverified = unverified(h2Version, header);
        if (unverified.isPresent()) {
            LOG.warn("H2 file {} was not closed cleanly (process killed?) and {}: full scan", file, unverified.get());
            return fullScan(file, start);
        }
        return quickRecovery(file, start).orElseGet(() -> fullScan(file, start));
    }

    /**
     * Why the quick check, which reads H2's file format itself, must not be trusted here; empty when this H2 and
     * this file are the ones it was verified against.
     */
    static Optional<String> unverified(String h2Version, Map<String, String> header) {
        if (!VERIFIED_H2.equals(h2Version)) {
            return Optional.of("H2 is " + h2Version + " where the quick check is verified against " + VERIFIED_H2);
        }
        if (!VERIFIED_FORMAT.equals(header.get("format"))) {
            return Optional.of("its header's format is " + header.get("format") + " where the quick check reads "
                    + VERIFIED_FORMAT);
        }
        return Optional.empty();
    }

    /**
     * {@link Outcome#INTACT} or {@link Outcome#REPAIRED}; empty when a full scan must follow: the quick check failed,
     * the repair was refused or failed, or H2 did not confirm it. A failure after the header was written is safe to
     * scan past: H2's recovery mode ignores the header.
     */
    private static Optional<Outcome> quickRecovery(Path file, long start) {
        Optional<QuickCheck> found = quickCheck(file);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        QuickCheck check = found.get();
        if (check.intact()) {
            LOG.warn("H2 file {} was not closed cleanly (process killed?): H2's own recovery reaches its newest "
                    + "commit, no full scan needed ({})", file, check);
            return Optional.of(Outcome.INTACT);
        }
        Optional<String> refusal = check.repairRefusal();
        if (refusal.isPresent()) {
            LOG.warn("H2 file {} was not closed cleanly (process killed?) and its header is left as it is ({}): {}; "
                    + "full scan", file, check, refusal.get());
            return Optional.empty();
        }
        try {
            if (!H2HeaderRepair.pointAt(file, check.newest())) {
                LOG.warn("H2 file {} was not closed cleanly (process killed?) and H2's own recovery would lose its "
                        + "last commits ({}); its header was not repaired (locked by another process, or a field "
                        + "this would not write back): full scan", file, check);
                return Optional.empty();
            }
            long confirmed = h2Opens(file);
            if (confirmed != check.newest().version()) {
                LOG.warn("H2 file {} was not closed cleanly (process killed?) and H2's own recovery would lose its "
                        + "last commits ({}), even from a header that names the newest chunk (H2 opens version {}): "
                        + "full scan", file, check, confirmed);
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("H2 file {} was not closed cleanly (process killed?) and H2's own recovery would lose its last "
                    + "commits ({}); the repair of its header failed, a full scan follows: {}", file, check,
                    e.toString());
            return Optional.empty();
        }
        LOG.warn("H2 file {} was not closed cleanly (process killed?) and H2's own recovery would have lost its last "
                + "commits ({}): its header now names the newest chunk, which H2 opens; no full scan needed ({} ms)",
                file, check, (System.nanoTime() - start) / 1_000_000);
        return Optional.of(Outcome.REPAIRED);
    }

    /** Opens the file once in H2's recovery mode, which scans it for the newest chunk, and closes it cleanly. */
    private static Outcome fullScan(Path file, long start) {
        try {
            MVStore store = new MVStore.Builder().fileName(file.toString()).recoveryMode().open();
            long version = store.getCurrentVersion();
            store.close(0);
            LOG.warn("H2 file {} was not closed cleanly (process killed?): recovered to version {} by a full scan "
                    + "in {} ms", file, version, (System.nanoTime() - start) / 1_000_000);
            return Outcome.FULL_SCAN;
        } catch (RuntimeException e) {
            LOG.warn("H2 file {} was not closed cleanly and its full-scan recovery failed; H2's own recovery goes on, "
                    + "and may lose the last commits: {}", file, e.toString());
            return Outcome.FAILED;
        }
    }

    /**
     * What the quick check found: the newest complete chunk, a conflict among the chunks ({@link H2Chunks.Scan}), the
     * version H2's own recovery opens the file at, and what each took to find out.
     */
    record QuickCheck(H2Chunks.Chunk newest, Optional<String> conflict, long h2Opens, long scanMillis,
                      long openMillis) {
        /** H2's own recovery loses nothing: no chunk newer than the one it opens exists for a full scan to find. */
        boolean intact() {
            return h2Opens == newest.version();
        }

        /**
         * Why the header must not be pointed at {@link #newest}; empty when H2 opens an older version. When H2
         * opens a newer one the scan missed a chunk, and pointing the header at the newest it found would move H2
         * back; when the chunks conflict the newest found may be a stale one.
         */
        Optional<String> repairRefusal() {
            if (h2Opens > newest.version()) {
                return Optional.of("H2 opens a version newer than the newest chunk found");
            }
            return conflict.map(c -> "the chunks are ambiguous, " + c);
        }

        @Override
        public String toString() {
            return "newest chunk version " + newest.version() + " found in " + scanMillis + " ms, H2 opens version "
                    + h2Opens + " (read-only open " + openMillis + " ms)";
        }
    }

    /**
     * Finds the newest complete chunk in {@code file} and asks H2 which version its own (quick) recovery would open;
     * empty when either cannot be found out (no chunk found, a read or parse failure): the caller then scans.
     *
     * <p>H2 itself is asked (a read-only open, which writes nothing and runs the same {@code readStoreHeader} as the
     * pool's open will), so this does not depend on how H2 follows its chain or verifies the chunk it picks.
     */
    static Optional<QuickCheck> quickCheck(Path file) {
        try {
            long start = System.nanoTime();
            H2Chunks.Scan scan = H2Chunks.scan(file);
            Optional<H2Chunks.Chunk> newest = scan.newest();
            if (newest.isEmpty()) {
                LOG.info("H2 file {}: the quick check found no complete chunk; a full scan follows", file);
                return Optional.empty();
            }
            long scanned = System.nanoTime();
            long h2Opens = h2Opens(file);
            return Optional.of(new QuickCheck(newest.get(), scan.conflict(), h2Opens, (scanned - start) / 1_000_000,
                    (System.nanoTime() - scanned) / 1_000_000));
        } catch (IOException | RuntimeException e) {
            LOG.info("H2 file {}: the quick check of its chunks failed, a full scan follows: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /** The version H2's own recovery opens {@code file} at: a read-only open, which writes nothing. */
    private static long h2Opens(Path file) {
        MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            return store.getCurrentVersion();
        } finally {
            store.close();
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
        return "1".equals(headerFields(file).get("clean"));
    }

    /**
     * The fields of the first header line, {@code key:value,...}, as written (the checksum is not checked, so a
     * garbled checksum does not stop the quick check; H2 and {@link H2HeaderRepair} check it); empty when there is
     * no line.
     */
    static Map<String, String> headerFields(Path file) throws IOException {
        byte[] block;
        try (InputStream in = Files.newInputStream(file)) {
            block = in.readNBytes(HEADER_BLOCK);
        }
        String header = new String(block, StandardCharsets.ISO_8859_1);
        int end = header.indexOf('\n');
        Map<String, String> fields = new HashMap<>();
        for (String field : end > 0 ? header.substring(0, end).split(",") : new String[0]) {
            int colon = field.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(field.substring(0, colon), field.substring(colon + 1));
            }
        }
        return fields;
    }
}
