package io.keel.runtime.memory;

import io.keel.runtime.config.ConfigException;
import io.keel.runtime.config.Settings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeapSizingTest {
    private static final long MIB = 1L << 20;
    private static final Path DUMPS = Path.of("/var/keel/dumps");

    private static CgroupMemory.Limit limit(long bytes) {
        return new CgroupMemory.Limit(OptionalLong.of(bytes), "/sys/fs/cgroup/memory.max");
    }

    private static final CgroupMemory.Limit NONE = new CgroupMemory.Limit(OptionalLong.empty(), "no memory cgroup");

    private static MemorySettings settings(Map<String, String> flags) {
        return MemorySettings.from(Settings.of(flags));
    }

    @Test
    void aCgroupLimitLeavesRoomForEveryNonHeapPart() {
        // 2048 - 192 metaspace - 96 code cache - 64 direct - 64 stacks - 10% (204.8) native = 1427.2 -> 1427 MiB
        HeapSizing.Plan plan = HeapSizing.plan(MemorySettings.defaults(), limit(2048 * MIB), 1, false, DUMPS);
        assertThat(plan.heapBytes()).isEqualTo(1427 * MIB);
        assertThat(plan.jvmFlags()).containsExactly("-Xmx" + 1427 * MIB, "-Xms" + 1427 * MIB,
                "-XX:MaxTenuringThreshold=2", "-XX:TrimNativeHeapInterval=30000",
                "-XX:MaxMetaspaceSize=" + 192 * MIB, "-XX:MetaspaceSize=" + 192 * MIB,
                "-XX:-ClassUnloadingWithConcurrentMark",
                HeapSizing.carriersFlag(Runtime.getRuntime().availableProcessors()),
                "--add-modules=jdk.incubator.vector", "-XX:ReservedCodeCacheSize=" + 96 * MIB,
                "-XX:MaxDirectMemorySize=" + 64 * MIB, "-XX:+HeapDumpOnOutOfMemoryError",
                "-XX:HeapDumpPath=/var/keel/dumps", "-XX:+ExitOnOutOfMemoryError");
        assertThat(plan.arithmetic()).isEqualTo("cgroup limit 2048 MiB (/sys/fs/cgroup/memory.max) / 1 worker(s) = "
                + "2048 MiB per worker - metaspace 192 MiB + code cache 96 MiB + direct 64 MiB + stacks 64 MiB - "
                + "native 10% 204 MiB = heap 1427 MiB");
    }

    @Test
    void aWorkerGetsTwoCarrierThreadsPerCore() {
        assertThat(HeapSizing.carriersFlag(2)).isEqualTo("-Djdk.virtualThreadScheduler.parallelism=4");
        assertThat(HeapSizing.carriersFlag(8)).isEqualTo("-Djdk.virtualThreadScheduler.parallelism=16");
        assertThat(HeapSizing.carriersFlag(0)).as("never fewer than for one core")
                .isEqualTo("-Djdk.virtualThreadScheduler.parallelism=2");
    }

    @Test
    void aWorkerGetsTwoMallocArenasUnlessTheOperatorChoseANumber() {
        assertThat(HeapSizing.workerEnvironment(Map.of("PATH", "/usr/bin"))).containsExactly(
                Map.entry("MALLOC_ARENA_MAX", "2"));
        assertThat(HeapSizing.workerEnvironment(Map.of("MALLOC_ARENA_MAX", "8"))).as("inherited as it is").isEmpty();
    }

    @Test
    void workersAndTheSupervisorShareTheLimit() {
        // (4096 - 96) / 2 = 2000 per worker; 2000 - 416 - 200 = 1384
        HeapSizing.Plan plan = HeapSizing.plan(MemorySettings.defaults(), limit(4096 * MIB), 2, true, DUMPS);
        assertThat(plan.heapBytes()).isEqualTo(1384 * MIB);
        assertThat(plan.arithmetic()).contains("- supervisor 96 MiB / 2 worker(s) = 2000 MiB per worker");
    }

    @Test
    void keelMaxHeapWinsOverTheLimitAndWarnsWhenItCannotFit() {
        HeapSizing.Plan plan = HeapSizing.plan(settings(Map.of("max-heap", "1g")), limit(1024 * MIB), 1, false, DUMPS);
        assertThat(plan.heapBytes()).isEqualTo(1024 * MIB);
        assertThat(plan.jvmFlags()).contains("-Xmx" + 1024 * MIB);
        assertThat(plan.arithmetic()).startsWith("heap 1024 MiB from KEEL_MAX_HEAP")
                .contains("WARNING: 1 worker(s) need more than the cgroup limit 1024 MiB");
        assertThat(HeapSizing.plan(settings(Map.of("max-heap", "256m")), limit(1024 * MIB), 1, false, DUMPS)
                .arithmetic()).doesNotContain("WARNING");
    }

    @Test
    void withoutALimitOrSettingTheHeapIsTheOld512MiBDefault() {
        HeapSizing.Plan plan = HeapSizing.plan(MemorySettings.defaults(), NONE, 1, false, DUMPS);
        assertThat(plan.heapBytes()).isEqualTo(512 * MIB);
        assertThat(plan.arithmetic()).startsWith("no memory limit found (no memory cgroup)");
    }

    @Test
    void aLimitTooSmallForAWorkerIsRefusedWithTheArithmetic() {
        assertThatThrownBy(() -> HeapSizing.plan(MemorySettings.defaults(), limit(512 * MIB), 1, false, DUMPS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("memory limit too small: cgroup limit 512 MiB")
                .hasMessageContaining("= heap 44 MiB, below the minimum heap 64 MiB")
                .hasMessageContaining("KEEL_MAX_HEAP");
        assertThatThrownBy(() -> HeapSizing.plan(MemorySettings.defaults(), limit(MIB), 1, false, DUMPS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("= heap -");
    }

    @Test
    void badSettingsNameTheKeyTheValueAndTheRange() {
        assertThatThrownBy(() -> settings(Map.of("max-heap", "lots")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max-heap").hasMessageContaining("lots");
        assertThatThrownBy(() -> settings(Map.of("max-metaspace", "1m")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max-metaspace");
        assertThatThrownBy(() -> settings(Map.of("native-overhead-percent", "90")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("native-overhead-percent");
        assertThatThrownBy(() -> settings(Map.of("leak-window", "1s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("leak-window");
        assertThatThrownBy(() -> HeapSizing.plan(MemorySettings.defaults(), NONE, 0, false, DUMPS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workers");
    }

    @Test
    void anXmxOfTheOperatorsDropsTheInitialHeapSoTheJvmStillStarts() {
        HeapSizing.Plan plan = HeapSizing.plan(MemorySettings.defaults(), limit(2048 * MIB), 1, false, DUMPS);
        assertThat(plan.before(List.of("-XX:+UseG1GC", "-Xmx128m"))).noneMatch(flag -> flag.startsWith("-Xms"))
                .contains("-Xmx" + 1427 * MIB, "-XX:MaxTenuringThreshold=2");
        assertThat(plan.before(List.of("-XX:MaxHeapSize=128m"))).noneMatch(flag -> flag.startsWith("-Xms"));
        assertThat(plan.before(List.of("-XX:+UseG1GC"))).isEqualTo(plan.jvmFlags());
    }
}
