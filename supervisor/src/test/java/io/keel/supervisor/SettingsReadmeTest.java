package io.keel.supervisor;

import io.keel.runtime.KeelSettingTable;
import io.keel.runtime.config.Setting;
import io.keel.runtime.config.SettingTable;
import io.keel.store.StoreSettingTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README's settings table is generated from the declarations of the runtime, the store and the supervisor; this test
 * fails when the two differ. Regenerate the table with
 * {@code mvn -o -pl supervisor -am test -Dtest=SettingsReadmeTest -Dkeel.settings.write=true}.
 */
class SettingsReadmeTest {
    private static final Path README = Path.of("..", "README.md");

    static List<Setting> all() {
        List<Setting> all = new ArrayList<>(KeelSettingTable.ALL);
        all.addAll(StoreSettingTable.ALL);
        all.addAll(SupervisorSettingTable.ALL);
        return all;
    }

    @Test
    void readmeSettingsTableIsTheOneGeneratedFromTheDeclarations() throws IOException {
        String readme = Files.readString(README);
        int begin = readme.indexOf(SettingTable.BEGIN);
        int end = readme.indexOf(SettingTable.END);
        assertThat(begin).as("README has the settings table markers").isPositive();
        assertThat(end).isGreaterThan(begin);
        String generated = SettingTable.markdown(all());
        String current = readme.substring(begin + SettingTable.BEGIN.length() + 1, end);
        if (Boolean.getBoolean("keel.settings.write") && !current.equals(generated)) {
            Files.writeString(README, readme.substring(0, begin + SettingTable.BEGIN.length() + 1) + generated
                    + readme.substring(end));
            current = generated;
        }
        assertThat(current).as("README's settings table differs from the declarations; regenerate it with "
                + "-Dkeel.settings.write=true (see this test's comment)").isEqualTo(generated);
    }

    @Test
    void noTwoModulesDeclareTheSameKey() {
        Set<String> keys = new HashSet<>();
        for (Setting s : all()) {
            assertThat(keys.add(s.key())).as("declared twice: " + s.key()).isTrue();
        }
    }

    @Test
    void helpListsEverySupervisorAndRuntimeSettingWithItsRange() {
        String help = SupervisorMain.help();
        assertThat(help).contains("--workers=count", "--cpu-threads=count", "1..1024", "KEEL_RESTART_BACKOFF");
    }
}
