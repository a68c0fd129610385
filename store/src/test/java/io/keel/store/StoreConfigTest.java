package io.keel.store;

import io.keel.runtime.config.ConfigException;
import io.keel.runtime.config.Setting;
import io.keel.runtime.config.Settings;
import io.keel.store.uploads.UploadStorage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settings issue 11 added: defaults, accepted values, and a refusal naming the key and the value. */
class StoreConfigTest {
    private static StoreConfig config(Map<String, String> flags) {
        return StoreConfig.from(Settings.of(flags), Path.of("data"));
    }

    @Test
    void theDefaultsKeepUploadsOnDiskAndReadTheEventFeedEverySecond() {
        StoreConfig config = config(Map.of());

        assertThat(config.uploadStorage()).isEqualTo(UploadStorage.DISK);
        assertThat(config.uploadChunkSize()).isEqualTo(256 * 1024);
        assertThat(config.events().poll()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.events().reconnectMax()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.events().batch()).isEqualTo(500);
        assertThat(config.db().compactInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theH2CompactIntervalIsASettingThatZeroTurnsOff() {
        assertThat(config(Map.of("db-compact-interval", "0")).db().compactInterval()).isZero();
        assertThat(config(Map.of("db-compact-interval", "5s")).db().compactInterval())
                .isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> config(Map.of("db-compact-interval", "2h")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("db-compact-interval");
    }

    @Test
    void theDatabaseStoreAndItsChunkSizeAreChosenBySettings() {
        StoreConfig config = config(Map.of("upload-store", "Database", "upload-chunk-size", "64k",
                "events-poll", "200ms"));

        assertThat(config.uploadStorage()).isEqualTo(UploadStorage.DATABASE);
        assertThat(config.uploadChunkSize()).isEqualTo(64 * 1024);
        assertThat(config.events().poll()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void anUnknownUploadStoreOrAnOutOfRangeValueStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> config(Map.of("upload-store", "s3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("upload-store='s3'")
                .hasMessageContaining("disk or database");
        assertThatThrownBy(() -> config(Map.of("upload-chunk-size", "2m")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("upload-chunk-size");
        assertThatThrownBy(() -> config(Map.of("events-batch", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("events-batch");
        assertThatThrownBy(() -> config(Map.of("events-poll", "5ms")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("events-poll");
    }

    @Test
    void imagePixelsAreACountSo40mIsRefusedInsteadOfMeaning41943040() {
        assertThat(StoreConfig.from(Settings.of(Map.of("max-image-pixels", "40000000")), Path.of("d"))
                .maxImagePixels()).isEqualTo(40_000_000);
        assertThatThrownBy(() -> StoreConfig.from(Settings.of(Map.of("max-image-pixels", "40m")), Path.of("d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("max-image-pixels='40m'")
                .hasMessageContaining("size suffixes such as 40m are refused for counts");
        assertThatThrownBy(() -> StoreConfig.from(Settings.of(Map.of("seed-orders", "1k")), Path.of("d")))
                .hasMessageContaining("seed-orders='1k'");
    }

    @Test
    void everyKeyTheStoreReadsIsDeclaredOnce() {
        Settings s = Settings.of(Map.of());
        StoreConfig.from(s, Path.of("d"));
        assertThat(s.effective().values()).allSatisfy(e -> assertThat(e.declaration()).isPresent());
        assertThat(s.effective().keySet()).containsExactlyInAnyOrderElementsOf(
                StoreSettingTable.ALL.stream().map(Setting::key).toList());
    }

    @Test
    void startHelpListsTheRuntimeAndStoreSettingsFromTheirDeclarations() {
        String help = StoreMain.commandLine().getSubcommands().get("start").getUsageMessage();
        assertThat(help).contains("--max-image-pixels=count", "KEEL_MAX_IMAGE_PIXELS", "1..4294967296",
                "--cpu-threads=count", "--max-body-size=bytes");
    }
}
