package io.keel.store.accounts;

import io.keel.store.NativePath;
import jdk.incubator.vector.LongVector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class Argon2EnginesTest {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SALT = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theVectorKernelIsChosenWhereTheCpuHas512BitVectorsAndLibargon2ElsewhereSayingWhy() {
        NativePath path = Argon2Engines.preferred().path();

        if (LongVector.SPECIES_PREFERRED.vectorBitSize() >= 512) {
            assertThat(path.path()).isEqualTo("vector");
            assertThat(path.detail()).isEqualTo("Java Vector API, 512-bit lanes");
        } else {
            assertThat(path.path()).isEqualTo("native");
        }
        assertThat(path.accelerated()).isTrue();
    }

    @Test
    void withoutTheVectorKernelLibargon2RunsAndWithoutEitherBouncyCastleWithBothReasons() {
        Argon2Engine nativeEngine = Argon2Engines.preferred(() -> {
            throw new UnsupportedOperationException("no vectors in this test");
        }, NativeArgon2::new);
        Argon2Engine javaEngine = Argon2Engines.preferred(() -> {
            throw new UnsupportedOperationException("no vectors in this test");
        }, () -> {
            throw new UnsatisfiedLinkError("no libargon2 in this test");
        });

        assertThat(nativeEngine.path().path()).isEqualTo("native");
        assertThat(javaEngine.path().path()).isEqualTo("java");
        assertThat(javaEngine.path().accelerated()).isFalse();
        assertThat(javaEngine.path().detail()).contains("no vectors in this test", "no libargon2 in this test");
        assertThat(nativeEngine.derive(PASSWORD, SALT, 1024, 2, 1))
                .isEqualTo(javaEngine.derive(PASSWORD, SALT, 1024, 2, 1));
    }

    @Test
    void anEngineThatComputesAWrongProbeHashIsPassedOver() {
        Argon2Engine wrong = new Argon2Engine() {
            @Override
            public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism) {
                return new byte[HASH_BYTES];
            }

            @Override
            public NativePath path() {
                return NativePath.vector("argon2", "broken kernel");
            }
        };

        Argon2Engine chosen = Argon2Engines.preferred(() -> wrong, NativeArgon2::new);

        assertThat(chosen.path().path()).isEqualTo("native");
    }

    @Test
    void theVectorKernelComputesWhatBouncyCastleDoesForEveryShape() {
        Argon2Engine vector = VectorArgon2.create();
        Random random = new Random(42);
        // memory below the minimum of 8 blocks and not a multiple of 4 is rounded as the reference rounds it; more
        // than 128 blocks per segment crosses the Argon2i address blocks; one and three passes and two lanes too
        for (int memoryKib : new int[] {8, 9, 23, 64, 513, 2048}) {
            for (int iterations = 1; iterations <= 3; iterations++) {
                byte[] password = new byte[random.nextInt(40)];
                byte[] salt = new byte[8 + random.nextInt(24)];
                random.nextBytes(password);
                random.nextBytes(salt);
                for (int lanes : new int[] {1, 2}) {
                    assertThat(vector.derive(password, salt, memoryKib, iterations, lanes))
                            .as("m=%d t=%d p=%d", memoryKib, iterations, lanes)
                            .isEqualTo(JavaArgon2.derive(password, salt, memoryKib, iterations, lanes,
                                    Argon2Engine.HASH_BYTES));
                }
            }
        }
        assertThat(vector.derive(PASSWORD, SALT, 19456, 2, 1))
                .isEqualTo(JavaArgon2.derive(PASSWORD, SALT, 19456, 2, 1, Argon2Engine.HASH_BYTES));
    }

    @Test
    void hashesOnOneThreadReuseTheKernelsMemoryInsteadOfFaultingIn19MiBEachTime() throws IOException {
        Argon2Engine vector = VectorArgon2.create();
        vector.derive(PASSWORD, SALT, 19456, 2, 1); // the first hash allocates and touches its block memory
        long before = minorFaultsOfThisThread();
        for (int i = 0; i < 3; i++) {
            vector.derive(PASSWORD, SALT, 19456, 2, 1);
        }
        // 19 MiB is 4,864 pages: memory taken anew for every hash would fault all of them in each time
        assertThat(minorFaultsOfThisThread() - before).as("page faults in three hashes").isLessThan(4864);
    }

    /** Field 10 of {@code /proc/thread-self/stat}, after the command name in parentheses. */
    static long minorFaultsOfThisThread() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
    }

    @Test
    void aJvmStartedWithoutTheVectorModuleUsesLibargon2AndLogsHowToEnableTheKernel() throws Exception {
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ChosenPath.class.getName())).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("path=native")
                .contains("module jdk.incubator.vector not resolved (start the JVM with "
                        + "--add-modules=jdk.incubator.vector)");
    }

    /** Prints the engine a JVM chooses; run by the test above in a JVM of its own. */
    static final class ChosenPath {
        private ChosenPath() {
        }

        public static void main(String[] args) {
            NativePath path = Argon2Engines.preferred().path();
            System.out.println("path=" + path.path() + " detail=" + path.detail());
        }
    }
}
