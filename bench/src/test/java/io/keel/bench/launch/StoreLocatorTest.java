package io.keel.bench.launch;

import io.keel.bench.BenchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreLocatorTest {
    @Test
    void findsTheCheckoutAboveTheWorkingDirectoryAndBuildsTheClassPath(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("store/target/lib"));
        Files.writeString(dir.resolve("store/pom.xml"), "<project/>");
        Files.writeString(dir.resolve("store/target/keel-store-0.1.0-SNAPSHOT-sources.jar"), "");
        Files.writeString(dir.resolve("store/target/keel-store-0.1.0-SNAPSHOT.jar"), "");
        Files.createDirectories(dir.resolve("bench/src"));

        Path root = StoreLocator.repoRoot(Optional.empty(), dir.resolve("bench/src"));
        assertThat(root).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(StoreLocator.classpath(root)).isEqualTo(dir.resolve("store/target/keel-store-0.1.0-SNAPSHOT.jar")
                + ":" + dir.resolve("store/target/lib") + "/*");
    }

    @Test
    void anUnbuiltStoreSaysWhatToRun(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("store"));
        Files.writeString(dir.resolve("store/pom.xml"), "<project/>");
        assertThatThrownBy(() -> StoreLocator.classpath(StoreLocator.repoRoot(Optional.of(dir), Path.of("/"))))
                .isInstanceOf(BenchException.class).hasMessageContaining("mvn -o -B -q install -DskipTests");
    }

    @Test
    void aDirectoryThatIsNoCheckoutIsRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> StoreLocator.repoRoot(Optional.of(dir), dir))
                .isInstanceOf(BenchException.class).hasMessageContaining("not a Keel checkout");
        assertThatThrownBy(() -> StoreLocator.repoRoot(Optional.empty(), dir))
                .isInstanceOf(BenchException.class).hasMessageContaining("--store-classpath");
    }
}
