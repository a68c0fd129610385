package io.keel.bench.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JavaLocatorTest {
    private static Path jdk(Path dir, String name, String version) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Path java = Files.writeString(home.resolve("bin/java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    @Test
    void takesJavaHomeWhenItIs25OrNewer(@TempDir Path dir) throws IOException {
        Path home = jdk(dir, "temurin-26", "26.0.1");
        assertThat(JavaLocator.find(Map.of("JAVA_HOME", home.toString()), dir.resolve("none")))
                .isEqualTo(home.resolve("bin/java"));
    }

    @Test
    void skipsAnOlderJavaHomeAndThePathAndFindsA25InTheJvmDirectory(@TempDir Path dir) throws IOException {
        Path old = jdk(dir, "jdk-17", "17.0.9");
        Path jvms = dir.resolve("jvm");
        Path jdk25 = jdk(jvms, "temurin-25-jdk-amd64", "25.0.3");
        jdk(jvms, "java-17", "17");
        assertThat(JavaLocator.find(Map.of("JAVA_HOME", old.toString(), "PATH", old.resolve("bin").toString()), jvms))
                .isEqualTo(jdk25.resolve("bin/java"));
    }

    @Test
    void fallsBackToTheJvmRunningTheTool(@TempDir Path dir) {
        assertThat(JavaLocator.find(Map.of(), dir)).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    @Test
    void readsTheFeatureReleaseFromTheReleaseFileOnly(@TempDir Path dir) throws IOException {
        assertThat(JavaLocator.feature(jdk(dir, "a", "25.0.3"))).hasValue(25);
        assertThat(JavaLocator.feature(jdk(dir, "b", "1.8.0_392"))).hasValue(1);
        assertThat(JavaLocator.feature(dir.resolve("missing"))).isEmpty();
    }
}
