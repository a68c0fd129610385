package io.keel.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import io.keel.runtime.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The H2 standby's rehearsal: where it runs, what it leaves, and that it never points at the real data. */
class StandbyTest {
    @TempDir
    Path dataDir;

    @Test
    void theScratchDirectoryIsUnderTheDataDirAndThoseOfStandbysNoLongerRunningAreSwept() throws Exception {
        Path parent = dataDir.resolve("standby");
        Path dead = Files.createDirectories(parent.resolve("2147483646")); // no such process
        Files.writeString(dead.resolve("leftover.mv.db"), "x");
        Path stray = Files.createDirectories(parent.resolve("not-a-pid"));
        Path live = Files.createDirectories(parent.resolve(Long.toString(ProcessHandle.current().parent()
                .orElseThrow().pid())));

        Path scratch = Standby.scratchDir(dataDir);

        assertThat(scratch).isEqualTo(parent.resolve(Long.toString(ProcessHandle.current().pid()))).isDirectory();
        assertThat(dead).doesNotExist();
        assertThat(stray).doesNotExist();
        assertThat(live).as("a running standby's scratch stays").isDirectory();
    }

    @Test
    void theRehearsalRunsOnTheDefaultH2FileInTheScratchDirectoryAndSeedsNothingAndListensOnAFreeLoopbackPort() {
        Path scratch = dataDir.resolve("standby/1");
        Map<String, String> flags = Map.of("data-dir", dataDir.toString(), "db-url", "jdbc:h2:file:/srv/keel/store",
                "seed-orders", "100000", "port", "8080", "host", "0.0.0.0", "reuse-port", "true",
                "management-port", "9090");

        Map<String, String> rehearsal = Standby.rehearsalFlags(flags, scratch);

        assertThat(rehearsal).containsEntry("data-dir", scratch.toString()).containsEntry("seed-orders", "0")
                .containsEntry("drain-delay", "0s").containsEntry("port", "0").containsEntry("host", "127.0.0.1")
                .containsEntry("reuse-port", "false").containsEntry("management-port", "-1");
        assertThat(rehearsal.get("db-url")).as("the default: <data-dir>/db/keel, under the scratch data dir").isEmpty();
        assertThat(flags).as("the worker's own flags are left as they were")
                .containsEntry("db-url", "jdbc:h2:file:/srv/keel/store");
    }

    @Test
    void aRehearsalOfTheOpenAfterAKillThatFailsIsLoggedAndTheStandbyGoesOnWithoutOverwritingAnything()
            throws Exception {
        Path scratch = dataDir.resolve("standby/1");
        Settings settings = Settings.of(Standby.rehearsalFlags(Map.of(), scratch));
        Files.writeString(Files.createDirectories(scratch.resolve("db")).resolve("keel.mv.db"), "not H2");
        Path inTheWay = Files.createDirectories(scratch.resolve("killed/db")).resolve("keel.mv.db");
        Files.writeString(inTheWay, "in the way");

        assertThat(Standby.rehearseOpenAfterKill(settings, scratch)).isEmpty();
        assertThat(inTheWay).hasContent("in the way");
    }
}
