package io.keel.runtime.memory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The plan's flags make a worker that runs out of heap write a dump into the data dir and exit (status 3). */
class OutOfMemoryDumpTest {
    @TempDir
    Path dataDir;

    /** Allocates until the heap is gone. */
    public static final class Hog {
        public static void main(String[] args) {
            List<long[]> held = new ArrayList<>();
            while (true) {
                held.add(new long[1 << 16]);
            }
        }
    }

    @Test
    void aWorkerOutOfHeapWritesADumpAndExitsSoTheSupervisorRestartsIt() throws Exception {
        DumpDirectory dumps = DumpDirectory.of(dataDir);
        Files.createDirectories(dumps.path());
        HeapSizing.Plan plan = HeapSizing.plan(MemorySettings.defaults(),
                new CgroupMemory.Limit(OptionalLong.empty(), "test"), 1, false, dumps.path());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(plan.jvmFlags());
        command.addAll(List.of("-Xmx32m", "-Xms16m", "-cp", System.getProperty("java.class.path"), Hog.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("hog.log").toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(dataDir.resolve("hog.log"))).isEqualTo(3);
        assertThat(hprofs(dumps)).singleElement().satisfies(f -> assertThat(Files.size(f)).isPositive());
        assertThat(Files.readString(dataDir.resolve("hog.log"))).contains("Dumping heap to " + dumps.path());
    }

    @Test
    void pruningKeepsTheNewestDumps() throws IOException {
        DumpDirectory dumps = DumpDirectory.of(dataDir);
        Files.createDirectories(dumps.path());
        for (int i = 0; i < 5; i++) {
            Path f = Files.writeString(dumps.path().resolve("java_pid" + i + ".hprof"), "x");
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Files.writeString(dumps.path().resolve("notes.txt"), "not a dump, kept");
        assertThat(dumps.prune(2)).isEqualTo(3);
        assertThat(hprofs(dumps)).map(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("java_pid3.hprof", "java_pid4.hprof");
        assertThat(dumps.path().resolve("notes.txt")).exists();
        assertThat(DumpDirectory.of(dataDir.resolve("absent")).prune(1)).isZero();
    }

    private static List<Path> hprofs(DumpDirectory dumps) throws IOException {
        try (Stream<Path> files = Files.list(dumps.path())) {
            return files.filter(f -> f.toString().endsWith(".hprof")).toList();
        }
    }
}
