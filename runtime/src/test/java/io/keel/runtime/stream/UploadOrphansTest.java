package io.keel.runtime.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up clean of part files when several processes share one upload directory. */
class UploadOrphansTest {
    private static final IncomingOwner SELF = new IncomingOwner("host-a", ProcessHandle.current().pid());

    @TempDir
    Path dir;

    @Test
    void partFilesOfALiveProcessOnTheSameHostAreLeftAlone() throws Exception {
        Process live = new ProcessBuilder("sleep", "30").start();
        try {
            Path folder = folder(new IncomingOwner("host-a", live.pid()));
            Files.writeString(folder.resolve("in-progress.part"), "half");

            assertThat(UploadOrphans.clean(dir, name -> true, SELF)).isEqualTo(new UploadOrphans.Swept(0, 0));
            assertThat(folder.resolve("in-progress.part")).hasContent("half");
            assertThat(dir.resolve("in-progress")).doesNotExist();
        } finally {
            live.destroy();
        }
    }

    @Test
    void partFilesOfAProcessThatIsGoneAreFinishedOrDeletedAndItsFolderRemoved() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path folder = folder(new IncomingOwner("host-a", gone.pid()));
        Files.writeString(folder.resolve("committed.part"), "whole");
        Files.writeString(folder.resolve("never-committed.part"), "half");

        assertThat(UploadOrphans.clean(dir, "committed"::equals, SELF)).isEqualTo(new UploadOrphans.Swept(1, 1));
        assertThat(dir.resolve("committed")).hasContent("whole");
        assertThat(folder).doesNotExist();
    }

    @Test
    void ownFolderIsCleanedButKeptAndOtherHostsAreNeverJudged() throws IOException {
        Path own = folder(SELF);
        Files.writeString(own.resolve("left-by-an-earlier-run.part"), "half");
        Path otherHost = folder(new IncomingOwner("host-b", 1));
        Files.writeString(otherHost.resolve("theirs.part"), "half");
        Path foreign = Files.createDirectories(dir.resolve(UploadSink.INCOMING).resolve("not-an-owner"));
        Files.writeString(foreign.resolve("unknown.part"), "half");

        assertThat(UploadOrphans.clean(dir, name -> false, SELF)).isEqualTo(new UploadOrphans.Swept(1, 0));
        assertThat(own).isEmptyDirectory();
        assertThat(otherHost.resolve("theirs.part")).exists();
        assertThat(foreign.resolve("unknown.part")).exists();
    }

    @Test
    void folderNamesRoundTripAndOthersAreNotOwners() {
        IncomingOwner owner = new IncomingOwner("web-1.example", 4242);
        assertThat(IncomingOwner.parse(owner.folderName())).contains(owner);
        assertThat(IncomingOwner.parse("no-digits-")).isEmpty();
        assertThat(IncomingOwner.parse("-42")).isEmpty();
        assertThat(IncomingOwner.parse("host-４２")).isEmpty();
        assertThat(IncomingOwner.parse("host-12x")).isEmpty();
    }

    private Path folder(IncomingOwner owner) throws IOException {
        return Files.createDirectories(dir.resolve(UploadSink.INCOMING).resolve(owner.folderName()));
    }
}
