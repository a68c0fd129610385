package io.keel.store.uploads;

import io.keel.runtime.stream.UploadOrphans;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The start-up sweep of the upload directory, so that what a killed process left behind is neither kept nor lost:
 * <ul>
 *   <li>part files: a committed upload (its row exists, the process died before the rename) is put in place, every
 *   other one deleted ({@link UploadOrphans});</li>
 *   <li>files whose row never committed (a database that lost its last commits in the kill) or whose row was deleted
 *   while deleting the file failed: deleted. Safe even while other processes serve uploads from the same directory,
 *   because a file gets its name only after its row committed ({@link DiskBlobStore}).</li>
 * </ul>
 * Stateless; blocks on the file system and the database. Run it once at start, before uploads are accepted.
 */
public final class UploadSweep {
    private static final Logger LOG = LoggerFactory.getLogger(UploadSweep.class);

    /**
     * What a sweep found and did.
     *
     * @param parts     part files of bodies that never completed, deleted
     * @param completed committed uploads whose rename was cut off, put in place
     * @param unnamed   files without a row, deleted
     */
    public record Result(int parts, int completed, int unnamed) {
    }

    private UploadSweep() {
    }

    /**
     * Sweeps {@code dir} (a missing one is fine) and logs what it did.
     *
     * @throws UncheckedIOException when the directory cannot be read or a file cannot be moved or deleted
     * @throws io.keel.store.db.DataAccessException when the database fails
     */
    public static Result atStart(Path dir, UploadRepository uploads) {
        UploadOrphans.Swept swept = UploadOrphans.clean(dir, name -> uploads.find(name).isPresent());
        int unnamed = 0;
        if (Files.isDirectory(dir)) {
            List<String> files = storedFiles(dir);
            Set<String> named = uploads.namedFiles(files);
            for (String file : files) {
                if (!named.contains(file) && delete(dir.resolve(file))) {
                    unnamed++;
                }
            }
        }
        Result result = new Result(swept.deleted(), swept.completed(), unnamed);
        if (swept.deleted() + swept.completed() + unnamed > 0) {
            LOG.info("upload sweep: deleted {} partial upload(s), completed {} committed one(s), deleted {} file(s)"
                    + " without a row", swept.deleted(), swept.completed(), unnamed);
        }
        return result;
    }

    private static List<String> storedFiles(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile).map(path -> path.getFileName().toString())
                    .filter(name -> !name.startsWith(".")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list upload directory " + dir, e);
        }
    }

    private static boolean delete(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete upload file " + file + " that has no row", e);
        }
    }
}
