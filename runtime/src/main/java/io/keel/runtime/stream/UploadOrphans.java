package io.keel.runtime.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * What a process that died mid-upload left in an {@link UploadSink} directory, put right at the next start: a part
 * file whose upload was committed (its record written, the process killed before the rename) is renamed into place;
 * every other part file is a body that never completed and is deleted. Only the part files of processes that are gone
 * are touched ({@link IncomingOwner}): other live processes sharing the directory keep their uploads in progress.
 * Stateless; blocks on the file system. Call it once at start, before this process accepts uploads.
 */
public final class UploadOrphans {
    /**
     * What a sweep did.
     *
     * @param deleted   part files of bodies that never completed
     * @param completed committed uploads put in place
     */
    public record Swept(int deleted, int completed) {
    }

    private UploadOrphans() {
    }

    /**
     * Cleans {@code <dir>/.incoming}. A missing directory is not an error.
     *
     * @param committed whether the upload of a final name was committed (its record exists)
     * @throws UncheckedIOException when the directory cannot be listed or a file cannot be moved or deleted
     */
    public static Swept clean(Path dir, Predicate<String> committed) {
        return clean(dir, committed, IncomingOwner.current());
    }

    static Swept clean(Path dir, Predicate<String> committed, IncomingOwner self) {
        Path incoming = dir.resolve(UploadSink.INCOMING);
        if (!Files.isDirectory(incoming)) {
            return new Swept(0, 0);
        }
        Swept swept = cleanParts(dir, incoming, committed); // part files of the layout before owner folders
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(incoming, Files::isDirectory)) {
            for (Path folder : folders) {
                boolean gone = IncomingOwner.parse(folder.getFileName().toString())
                        .map(owner -> owner.isGoneFor(self)).orElse(false);
                if (gone) {
                    Swept inFolder = cleanParts(dir, folder, committed);
                    swept = new Swept(swept.deleted() + inFolder.deleted(), swept.completed() + inFolder.completed());
                    if (!folder.getFileName().toString().equals(self.folderName())) {
                        Files.deleteIfExists(folder);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clean orphaned uploads in " + incoming, e);
        }
        return swept;
    }

    private static Swept cleanParts(Path dir, Path folder, Predicate<String> committed) {
        int deleted = 0;
        int completed = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(folder, "*" + UploadSink.PART_SUFFIX)) {
            for (Path part : parts) {
                String file = part.getFileName().toString();
                String name = file.substring(0, file.length() - UploadSink.PART_SUFFIX.length());
                if (!name.isEmpty() && !name.startsWith(".") && committed.test(name)) {
                    UploadSink.publish(part, dir.resolve(name)); // verified and fsynced before it was committed
                    completed++;
                } else if (Files.deleteIfExists(part)) {
                    deleted++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clean orphaned uploads in " + folder, e);
        }
        return new Swept(deleted, completed);
    }
}
