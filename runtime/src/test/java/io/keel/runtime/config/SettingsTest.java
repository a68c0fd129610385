package io.keel.runtime.config;

import io.keel.runtime.KeelConfig;
import io.keel.runtime.KeelSettingTable;
import io.keel.runtime.cpu.CpuPoolSettings;
import io.keel.runtime.limit.LimitSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {
    @TempDir
    Path dir;

    @Test
    void flagsBeatTheEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
        Path file = Files.writeString(dir.resolve("keel.properties"), "port=7000\nhost=10.0.0.1\ncpu-threads=3\n");
        Settings s = Settings.load(Map.of("KEEL_CONFIG", file.toString(), "KEEL_PORT", "7100", "KEEL_HOST", "127.0.0.2"),
                Map.of("port", "7200"));
        KeelConfig config = KeelConfig.from(s);
        assertThat(config.port()).isEqualTo(7200);
        assertThat(config.host()).isEqualTo("127.0.0.2");
        assertThat(config.cpuThreads()).isEqualTo(3);
        assertThat(config.maxBodySize()).isEqualTo(1 << 20);
        assertThat(s.effective().get("port").value()).isEqualTo("7200");
        assertThat(s.effective().get("port").source()).isEqualTo("flag --port");
        assertThat(s.effective().get("port").declaration()).contains(KeelSettingTable.PORT);
        assertThat(s.effective().get("host").source()).isEqualTo("env KEEL_HOST");
        assertThat(s.effective().get("cpu-threads").source()).startsWith("file ");
        assertThat(s.effective().get("max-body-size").source()).isEqualTo("default");
    }

    @Test
    void anInvalidValueFailsNamingKeyValueAndRange() {
        assertThatThrownBy(() -> KeelConfig.from(Settings.load(Map.of("KEEL_PORT", "70000"), Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("port").hasMessageContaining("70000").hasMessageContaining("0..65535");
        assertThatThrownBy(() -> KeelConfig.from(Settings.of(Map.of("max-body-size", "lots"))))
                .hasMessageContaining("max-body-size").hasMessageContaining("lots");
        assertThatThrownBy(() -> KeelConfig.from(Settings.of(Map.of("shutdown-grace", "soon"))))
                .hasMessageContaining("shutdown-grace");
    }

    @Test
    void unknownKeysInFlagsAreRefusedSoTyposDoNotPassSilently() {
        Settings s = Settings.of(Map.of("prot", "8080"));
        KeelConfig.from(s);
        assertThatThrownBy(s::requireAllKnown).isInstanceOf(ConfigException.class).hasMessageContaining("prot");
    }

    @Test
    void secretsAreMaskedInTheEffectiveView() {
        Settings s = Settings.of(Map.of("admin-token", "hunter2hunter2"));
        assertThat(KeelConfig.from(s).adminToken()).hasValue("hunter2hunter2");
        assertThat(s.effective().get("admin-token").value()).isEqualTo("****");
    }

    @Test
    void sizesAndDurationsParseTheWayOperatorsWriteThem() {
        assertThat(ByteSize.parse("256m")).isEqualTo(256L << 20);
        assertThat(ByteSize.parse("2G")).isEqualTo(2L << 30);
        assertThat(ByteSize.parse("64KiB")).isEqualTo(64L << 10);
        assertThat(ByteSize.parse("512")).isEqualTo(512);
        assertThat(ByteSize.format(1 << 20)).isEqualTo("1m");
        assertThatThrownBy(() -> ByteSize.parse("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Settings.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Settings.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Settings.parseDuration("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Settings.parseDuration("5 parsecs")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void perTaskTimeoutsAreAMapOfDurations() {
        KeelConfig config = KeelConfig.from(Settings.of(Map.of("cpu-task-timeouts", "thumbnail=10s, invoice=500ms")));
        assertThat(config.cpuTaskTimeouts()).containsEntry("thumbnail", Duration.ofSeconds(10))
                .containsEntry("invoice", Duration.ofMillis(500));
        assertThatThrownBy(() -> KeelConfig.from(Settings.of(Map.of("cpu-task-timeouts", "thumbnail"))))
                .hasMessageContaining("cpu-task-timeouts");
    }

    @Test
    void theProductHasNoSwitchThatTurnsItsProtectionsOff() {
        Settings settings = Settings.of(Map.of("protections", "off"));
        KeelConfig.from(settings);

        assertThatThrownBy(settings::requireAllKnown).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting(s) [protections]");
    }

    @Test
    void countsTakePlainIntegersAndRefuseSizeSuffixesWithAClearMessage() {
        assertThat(KeelConfig.from(Settings.of(Map.of("cpu-threads", "12"))).cpuThreads()).isEqualTo(12);
        assertThatThrownBy(() -> KeelConfig.from(Settings.of(Map.of("cpu-threads", "4k"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cpu-threads='4k'")
                .hasMessageContaining("a whole number in 1..1024 written in plain digits")
                .hasMessageContaining("size suffixes such as 40m are refused");
    }

    @Test
    void cpuThreadsAllowExactlyWhatTheCpuPoolAllows() {
        assertThat(KeelConfig.from(Settings.of(Map.of("cpu-threads", "1024"))).cpuThreads()).isEqualTo(1024);
        assertThatThrownBy(() -> KeelConfig.from(Settings.of(Map.of("cpu-threads", "1025"))))
                .hasMessageContaining("1..1024");
        assertThat(KeelSettingTable.CPU_THREADS.max()).isEqualTo(CpuPoolSettings.MAX_THREADS);
    }

    @Test
    void theCpuPoolsFairQuantumIsReadAsADurationWithinItsRange() {
        assertThat(KeelConfig.defaults().cpuFairQuantum()).isEqualTo(CpuPoolSettings.DEFAULT_FAIR_QUANTUM);
        assertThat(KeelConfig.from(Settings.of(Map.of("cpu-fair-quantum", "12ms"))).cpuFairQuantum())
                .isEqualTo(Duration.ofMillis(12));
        assertThatThrownBy(() -> KeelConfig.from(Settings.of(Map.of("cpu-fair-quantum", "0ms"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cpu-fair-quantum='0ms'");
        assertThatThrownBy(() -> KeelConfig.from(Settings.of(Map.of("cpu-fair-quantum", "fast"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cpu-fair-quantum='fast'");
    }

    @Test
    void limitDefaultsAreTheLimiterDefaults() {
        KeelConfig config = KeelConfig.defaults();
        assertThat(config.limit()).isEqualTo(LimitSettings.defaults());
        assertThat(config.limit().initialLimit()).isEqualTo(200);
        assertThat(config.limit().minLimit()).isEqualTo(100);
        assertThat(config.limit().maxLimit()).isEqualTo(2000);
    }

    @Test
    void everyKeyTheRuntimeReadsIsDeclared() {
        Settings s = Settings.of(Map.of());
        KeelConfig.from(s);
        assertThat(s.effective().values()).allSatisfy(e -> assertThat(e.declaration()).isPresent());
        assertThat(s.effective().keySet()).containsExactlyInAnyOrderElementsOf(KeelSettingTable.ALL.stream()
                .map(Setting::key).filter(k -> !k.equals("pid-file") && !k.equals("parent-watch")
                        && !k.equals("standby")).toList()); // read by the store's main, not by KeelConfig
    }
}
