package io.keel.store;

import io.keel.runtime.config.ConfigException;
import io.keel.runtime.config.Setting;
import io.keel.runtime.config.Settings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreConfigTest {
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
