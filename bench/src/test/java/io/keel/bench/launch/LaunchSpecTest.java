package io.keel.bench.launch;

import io.keel.bench.BenchException;
import io.keel.bench.naive.NaiveStoreMain;
import io.keel.runtime.config.Settings;
import io.keel.runtime.memory.CgroupMemory;
import io.keel.runtime.memory.HeapSizing;
import io.keel.runtime.memory.MemorySettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaunchSpecTest {
    private static final String CARRIERS = "-Djdk.virtualThreadScheduler.parallelism="
            + 2 * Runtime.getRuntime().availableProcessors();
    private final LaunchSpec spec = new LaunchSpec(Path.of("/jdk/bin/java"), "/s.jar:/lib/*", LaunchSpec.STORE_MAIN,
            LaunchSpec.DEFAULT_JVM_FLAGS, Path.of("/out/data"), true, "secret-token",
            Optional.of("postgresql://127.0.0.1/test?currentSchema=s"), Map.of("cpu-threads", "2"),
            Duration.ofMinutes(1), Duration.ofSeconds(30));

    @Test
    void theStoreStartsWithTheMemoryAndCollectorFlagsOfKeelStart() {
        HeapSizing.Plan plan = HeapSizing.plan(MemorySettings.from(Settings.of(Map.of("max-heap", "512m"))),
                new CgroupMemory.Limit(OptionalLong.empty(), "none"), 1, false, Path.of("/dumps"));
        List<String> shared = plan.jvmFlags().stream().filter(flag -> !flag.contains("HeapDump")
                && !flag.contains("OutOfMemory")).map(flag -> flag.replace("536870912", "512m")).toList();
        assertThat(LaunchSpec.jvmFlags("512m")).containsAll(shared).contains("-XX:+UseG1GC");
    }

    @Test
    void startCommandBindsLoopbackOnAFreePortWithTextLogsAndTheChosenProtections() {
        assertThat(spec.startCommand()).containsExactly("/jdk/bin/java", "-Xms512m", "-Xmx512m", "-XX:MaxTenuringThreshold=2", "-XX:TrimNativeHeapInterval=30000", "-XX:MaxMetaspaceSize=201326592",
                "-XX:MetaspaceSize=201326592", "-XX:-ClassUnloadingWithConcurrentMark", CARRIERS,
                "--add-modules=jdk.incubator.vector", "-XX:ReservedCodeCacheSize=100663296", "-XX:MaxDirectMemorySize=67108864", "-XX:+UseG1GC", "-XX:ThreadPriorityPolicy=1",
                "-Dkeel.log.format=text", "-cp", "/s.jar:/lib/*", "io.keel.store.StoreMain", "start",
                "--host=127.0.0.1", "--port=0", "--data-dir=/out/data", "--cpu-threads=2");
        List<String> naive = spec.withProtections(false).startCommand();
        assertThat(naive).contains(LaunchSpec.NAIVE_MAIN, "--cpu-threads=2").doesNotContain(LaunchSpec.STORE_MAIN)
                .noneMatch(arg -> arg.startsWith("--protections"));
        assertThat(naive.get(naive.indexOf("-cp") + 1)).startsWith("/s.jar:/lib/*:");
        assertThat(spec.withProtections(false).seedCommand(10, 10)).contains(LaunchSpec.STORE_MAIN);
        assertThat(LaunchSpec.NAIVE_MAIN).isEqualTo(NaiveStoreMain.class.getName());
        assertThat(spec.withProtections(false).jvmFlagsText()).isEqualTo("-Xms512m -Xmx512m -XX:MaxTenuringThreshold=2 -XX:TrimNativeHeapInterval=30000 -XX:MaxMetaspaceSize=201326592 -XX:MetaspaceSize=201326592 -XX:-ClassUnloadingWithConcurrentMark " + CARRIERS + " --add-modules=jdk.incubator.vector -XX:ReservedCodeCacheSize=100663296 -XX:MaxDirectMemorySize=67108864 -XX:+UseG1GC -XX:ThreadPriorityPolicy=1 (naive "
                + "store build)");
    }

    @Test
    void secretsAndTheDatabaseGoThroughTheEnvironmentNotTheCommandLine() {
        assertThat(String.join(" ", spec.startCommand())).doesNotContain("secret-token", "postgresql");
        assertThat(spec.environment()).containsEntry("KEEL_ADMIN_TOKEN", "secret-token")
                .containsEntry("KEEL_DB_URL", "postgresql://127.0.0.1/test?currentSchema=s");
        assertThat(spec.withDbUrl(Optional.empty()).environment()).doesNotContainKey("KEEL_DB_URL");
    }

    @Test
    void theStoreGetsTheMallocArenaLimitItShipsWith() {
        assertThat(spec.environment()).containsAllEntriesOf(HeapSizing.workerEnvironment(Map.of()))
                .containsEntry("MALLOC_ARENA_MAX", "2");
    }

    @Test
    void seedCommandSeedsTheSameDataDir() {
        assertThat(spec.seedCommand(5000, 250)).endsWith("seed", "--orders=5000", "--customers=250",
                "--data-dir=/out/data");
    }

    @Test
    void settingsTheToolControlsOrThatAreNotSettingNamesAreRefused() {
        for (String key : List.of("port", "data-dir", "Bad Key")) {
            assertThatThrownBy(() -> new LaunchSpec(spec.java(), spec.classpath(), spec.mainClass(), spec.jvmFlags(),
                    spec.dataDir(), true, "t", Optional.empty(), Map.of(key, "1"), spec.startTimeout(),
                    spec.stopGrace())).isInstanceOf(BenchException.class).hasMessageContaining(key);
        }
    }
}
