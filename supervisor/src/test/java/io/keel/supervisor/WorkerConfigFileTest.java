package io.keel.supervisor;

import io.keel.runtime.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerConfigFileTest {
    @TempDir
    Path dir;

    private static Properties read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }

    @Test
    void theWorkersCopyHasEveryKeyButTheSupervisorsAndOnlyItsOwnerCanReadIt() throws Exception {
        Path source = Files.writeString(dir.resolve("keel.properties"), """
                workers=2
                worker-heap-limit=300m
                supervisor-port=0
                port=9000
                db-password=s3cret
                """);
        WorkerConfigFile file = WorkerConfigFile.of(Map.of("config", source.toString()), Map.of(), dir.resolve("data"))
                .orElseThrow();

        file.refresh();

        assertThat(read(file.copy())).containsOnlyKeys("port", "db-password").containsEntry("db-password", "s3cret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.copy()))).isEqualTo("rw-------");
    }

    @Test
    void eachRefreshReadsTheFileAgainSoAReloadSeesAnEdit() throws Exception {
        Path source = Files.writeString(dir.resolve("keel.properties"), "port=9000\n");
        WorkerConfigFile file = WorkerConfigFile.of(Map.of(), Map.of("KEEL_CONFIG", source.toString()), dir)
                .orElseThrow();
        file.refresh();
        Files.writeString(source, "port=9001\nworkers=3\n");

        file.refresh();

        assertThat(read(file.copy())).containsOnlyKeys("port").containsEntry("port", "9001");
    }

    @Test
    void withoutAConfigFileThereIsNoCopy() {
        assertThat(WorkerConfigFile.of(Map.of(), Map.of(), dir)).isEmpty();
    }

    @Test
    void anUnreadableFileFailsNamingIt() {
        WorkerConfigFile file = WorkerConfigFile.of(Map.of("config", dir.resolve("gone.properties").toString()),
                Map.of(), dir).orElseThrow();

        assertThatThrownBy(file::refresh).isInstanceOf(ConfigException.class).hasMessageContaining("gone.properties");
    }
}
