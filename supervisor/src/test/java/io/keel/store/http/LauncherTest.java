package io.keel.store.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code ./keel} launcher's pid handling and start/stop, over real processes (one unsupervised store JVM). */
class LauncherTest {
    private static final Duration START = Duration.ofSeconds(90);
    @TempDir
    Path tmp;
    private Launcher keel;

    @BeforeEach
    void launcher() throws Exception {
        Map<String, String> env = new HashMap<>(Launcher.baseEnv(Launcher.freePort()));
        env.put("KEEL_WORKERS", "0");
        env.put("KEEL_DRAIN_DELAY", "2s");
        keel = new Launcher(Files.createDirectory(tmp.resolve("data")), env);
    }

    @AfterEach
    void stop() throws Exception {
        keel.close();
    }

    @Test
    void aSecondStartOnTheSameDataIsRefusedAtOnceNamingTheRunningPidAndTheFirstKeepsItsPidFile() throws Exception {
        Process first = keel.start(START);
        String pidFile = Files.readString(keel.pidFile());

        Launcher.Result second = keel.run(Duration.ofSeconds(30), "start");

        assertThat(second.code()).isNotZero();
        assertThat(second.output().strip()).isEqualTo("keel: already running as pid " + first.pid() + " (pid file "
                + keel.pidFile() + "); stop it with ./keel stop");
        assertThat(first.isAlive()).isTrue();
        assertThat(Files.readString(keel.pidFile())).isEqualTo(pidFile);
    }

    @Test
    void theHeapIsSizedByTheRuntimeWhichLogsTheArithmeticAndDumpsOnOutOfMemoryIntoTheDataDir() throws Exception {
        Process service = keel.start(START);

        assertThat(keel.output()).contains("keel: memory: no memory limit found", "heap 512 MiB default");
        String cmdline = Files.readString(Path.of("/proc/" + service.pid() + "/cmdline")).replace('\0', ' ');
        assertThat(cmdline).contains("-Xmx536870912", "-XX:MaxMetaspaceSize=201326592", "-XX:TrimNativeHeapInterval=30000",
                "-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=" + keel.dataDir().resolve("dumps"),
                "-XX:+ExitOnOutOfMemoryError");
        assertThat(cmdline.indexOf("-Xmx256m")).as("KEEL_JAVA_OPTS come last, so their -Xmx wins")
                .isGreaterThan(cmdline.indexOf("-Xmx536870912"));
        assertThat(cmdline).as("no planned -Xms above their -Xmx, which the JVM would refuse").doesNotContain("-Xms");
        assertThat(Launcher.environment(service.pid())).as("at most two malloc arenas").contains("MALLOC_ARENA_MAX=2");
    }

    @Test
    void aBadMemorySettingStopsTheStartBeforeTheServiceRuns() throws Exception {
        Map<String, String> env = new HashMap<>(Launcher.baseEnv(Launcher.freePort()));
        env.put("KEEL_WORKERS", "0");
        env.put("KEEL_MAX_METASPACE", "1m");
        Launcher bad = new Launcher(Files.createDirectory(tmp.resolve("bad")), env);

        Launcher.Result start = bad.run(Duration.ofSeconds(60), "start");

        assertThat(start.code()).isEqualTo(2);
        assertThat(start.output()).contains("keel: invalid setting max-metaspace").doesNotContain("store ready");
        assertThat(bad.pidFile()).doesNotExist();
    }

    @Test
    void thePidFileNamesTheJvmAndItsStopTimeAndIsGoneAfterStop() throws Exception {
        Process service = keel.start(START);
        // exec: the pid the launcher got is the JVM's; the stop time is drain delay 2 s + shutdown grace 10 s
        assertThat(Files.readString(keel.pidFile())).isEqualTo(service.pid() + "\nstop-within=12\n");

        Launcher.Result stop = keel.run(Duration.ofSeconds(60), "stop");

        assertThat(stop.output()).isEqualTo("keel: stopped " + service.pid() + "\n");
        assertThat(stop.code()).isZero();
        assertThat(service.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(service.exitValue()).isZero();
        assertThat(keel.pidFile()).doesNotExist();
    }

    @Test
    void stopNeverSignalsAProcessThatReusedTheNumberInAStalePidFile() throws Exception {
        Process stranger = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(keel.pidFile(), stranger.pid() + "\nstop-within=1\n");

            Launcher.Result stop = keel.run(Duration.ofSeconds(30), "stop");

            assertThat(stop.output()).contains("not running (stale pid file");
            assertThat(stranger.isAlive()).isTrue();
            assertThat(keel.pidFile()).doesNotExist();
        } finally {
            stranger.destroyForcibly();
        }
    }

    @Test
    void aStartAfterAKilledRunTakesOverItsLeftoverPidFile() throws Exception {
        Process killed = keel.start(START);
        killed.destroyForcibly(); // SIGKILL: the pid file stays, its lock goes with the process
        assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(keel.pidFile()).exists();

        Process next = keel.start(START);

        assertThat(Files.readString(keel.pidFile())).startsWith(next.pid() + "\n");
    }

    @Test
    void withoutAJdk25EveryCommandStopsAtOnceWithOneLineSayingSo() throws Exception {
        for (String command : new String[] {"start", "status", "bench"}) {
            Launcher.Result result = keel.runWithoutJdk(Duration.ofSeconds(30), command);

            assertThat(result.code()).as(command).isEqualTo(1);
            assertThat(result.output()).as(command).isEqualTo("keel: no JDK 25 found: set JAVA_HOME to a JDK 25+, "
                    + "put its java on PATH, or install one under /usr/lib/jvm\n");
        }
        assertThat(keel.pidFile()).doesNotExist();
    }

    @Test
    void onATerminalTheLogIsTextAndInAPipeItIsJson() throws Exception {
        keel.start(START, true);
        assertThat(keel.output()).contains(" INFO ").contains("store ready at http://127.0.0.1:")
                .doesNotContain("\"level\"");
        keel.close();

        keel.start(START, false);
        assertThat(keel.output()).contains("\"level\":\"INFO\"").contains("\"formattedMessage\":\"store ready at");
    }
}
