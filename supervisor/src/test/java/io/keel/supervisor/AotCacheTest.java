package io.keel.supervisor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class AotCacheTest {
    @TempDir
    Path dir;

    private Path file(String name, Instant modified) throws Exception {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, name);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    @Test
    void aCacheNewerThanEveryJarOnTheClassPathIsUsed() throws Exception {
        Instant build = Instant.parse("2026-01-01T00:00:00Z");
        file("store.jar", build);
        file("lib/a.jar", build);
        file("aot/store.aot", build.plusSeconds(60));

        AotCache cache = AotCache.forClasspath(dir.resolve("store.jar") + ":" + dir.resolve("lib") + "/*",
                dir.resolve("aot"));

        assertThat(cache.fresh()).isTrue();
        assertThat(cache.flags()).containsExactly("-XX:AOTCache=" + dir.resolve("aot/store.aot"));
    }

    @Test
    void aJarRebuiltAfterTheCacheMakesItStaleAndItIsNotUsed() throws Exception {
        Instant build = Instant.parse("2026-01-01T00:00:00Z");
        file("store.jar", build);
        file("aot/store.aot", build.plusSeconds(60));
        file("lib/a.jar", build.plusSeconds(120)); // a new dependency after the training

        AotCache cache = AotCache.forClasspath(dir.resolve("store.jar") + ":" + dir.resolve("lib") + "/*",
                dir.resolve("aot"));

        assertThat(cache.fresh()).isFalse();
        assertThat(cache.flags()).isEmpty();
    }

    @Test
    void withoutACacheFileNothingIsUsed() throws Exception {
        file("store.jar", Instant.parse("2026-01-01T00:00:00Z"));

        AotCache cache = AotCache.forClasspath(dir.resolve("store.jar").toString(), dir.resolve("aot"));

        assertThat(cache.flags()).isEmpty();
    }
}
