package io.keel.store.accounts;

import io.keel.store.NativePath;
import jdk.incubator.vector.LongVector;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        Argon2Engine vector = VectorArgon2.unchecked();
        Random random = new Random(42);
        // memory below the minimum of 8 blocks and not a multiple of 4 is rounded as Bouncy Castle rounds it; more
        // than 128 blocks per segment crosses the Argon2i address blocks; one to three passes
        for (int memoryKib : new int[] {1, 7, 8, 9, 23, 64, 513, 2048}) {
            for (int iterations = 1; iterations <= 3; iterations++) {
                byte[] password = new byte[random.nextInt(40)];
                byte[] salt = new byte[8 + random.nextInt(24)];
                random.nextBytes(password);
                random.nextBytes(salt);
                assertThat(vector.derive(password, salt, memoryKib, iterations, 1))
                        .as("m=%d t=%d", memoryKib, iterations)
                        .isEqualTo(JavaArgon2.compute(password, salt, memoryKib, iterations, 1));
            }
        }
        assertThat(vector.derive(PASSWORD, SALT, 19456, 2, 1))
                .isEqualTo(JavaArgon2.compute(PASSWORD, SALT, 19456, 2, 1));
    }

    @Test
    void shapesTheKernelDoesNotComputeGoToBouncyCastle() {
        Argon2Engine vector = VectorArgon2.unchecked();
        vector.derive(PASSWORD, SALT, 64, 1, 1); // leaves a finished hash's blocks in the free list

        // two lanes (a hash written elsewhere) verify; no pass is refused, not answered from the last hash's blocks
        assertThat(vector.derive(PASSWORD, SALT, 64, 2, 2)).isEqualTo(JavaArgon2.compute(PASSWORD, SALT, 64, 2, 2));
        assertThatThrownBy(() -> vector.derive(PASSWORD, SALT, 64, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("iterations out of range");
    }

    @Test
    void hashesOnOneThreadReuseTheKernelsMemoryInsteadOfAllocating19MiBEachTime() {
        Argon2Engine vector = VectorArgon2.unchecked();
        vector.derive(PASSWORD, SALT, 19456, 2, 1); // the first hash allocates its block memory
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 3; i++) {
            vector.derive(PASSWORD, SALT, 19456, 2, 1);
        }
        // a few KiB of working arrays per hash; memory taken anew would be 19 MiB each time
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated by three hashes")
                .isLessThan(1 << 20);
    }

    @Test
    void aJvmStartedWithoutTheVectorModuleUsesLibargon2AndLogsHowToEnableTheKernel() throws Exception {
        Path log = Files.createTempFile("argon2-path", ".log");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ChosenPath.class.getName())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        process.destroyForcibly();
        String output = Files.readString(log);
        Files.delete(log);
        assertThat(exited).as(output).isTrue();

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
