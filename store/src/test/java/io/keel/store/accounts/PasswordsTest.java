package io.keel.store.accounts;

import io.keel.runtime.cpu.CpuWork;
import io.keel.store.NativePath;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordsTest {
    private static final String PASSWORD = "correct horse battery staple";
    /** Written by the Bouncy Castle code before the native path existed: stored hashes must keep working. */
    private static final String STORED_BEFORE = "$argon2id$v=19$m=19456,t=2,p=1$D6k9t3V/wHB1jAwD1A1gcQ"
            + "$wXCQ12H+wQRzF+kVEJ0P1pXq+5jv+1LpLE1F936Te1k";
    /** Written by node-argon2 (libargon2), which orders the parameters m, p, t. */
    private static final String WRITTEN_BY_NODE = "$argon2id$v=19$m=19456,p=1,t=2$McPfnC1+vFVFEip0DObxDA"
            + "$CLRuBQSecRNMJ5d60qS5pxwoVMlSAfMFLpL2YarKLQQ";

    private final Passwords vectorPath = new Passwords(null, 19456, 2, VectorArgon2::unchecked);
    private final Passwords nativePath = new Passwords(null, 19456, 2, () -> Argon2Engines.preferred(() -> {
        throw new UnsupportedOperationException("no vectors in this test");
    }, NativeArgon2::new));
    private final Passwords javaPath = new Passwords(null, 19456, 2, () -> Argon2Engines.preferred(() -> {
        throw new UnsupportedOperationException("no vectors in this test");
    }, () -> {
        throw new UnsatisfiedLinkError("no libargon2 in this test");
    }));

    @Test
    void theNativeLibraryLoadsOnThisPlatform() {
        assertThat(nativePath.path().accelerated()).isTrue();
        assertThat(nativePath.path().path()).isEqualTo("native");
        assertThat(nativePath.path().detail()).startsWith("libargon2 ");
    }

    @Test
    void aLibraryThatCannotLoadFallsBackToPureJavaAndSaysWhy() {
        assertThat(javaPath.path().accelerated()).isFalse();
        assertThat(javaPath.path().path()).isEqualTo("java");
        assertThat(javaPath.path().detail()).contains("no libargon2 in this test");
    }

    @Test
    void aHashFromAnyPathVerifiesOnTheOthers() {
        Passwords[] paths = {vectorPath, nativePath, javaPath};
        for (Passwords writer : paths) {
            String hash = writer.hashInline(PASSWORD);
            assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
            for (Passwords reader : paths) {
                assertThat(reader.verifyInline(PASSWORD, hash)).as("%s reads %s", reader.path(), writer.path())
                        .isTrue();
                assertThat(reader.verifyInline("wrong", hash)).isFalse();
            }
        }
    }

    @Test
    void everyPathComputesTheSameBytesForTheSameSaltWithTwoLanesToo() {
        byte[] salt = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);
        byte[] password = PASSWORD.getBytes(StandardCharsets.UTF_8);

        byte[] expected = new JavaArgon2(NativePath.loaded("argon2", "test")).derive(password, salt, 64, 3, 2);
        assertThat(Argon2Engines.preferred().derive(password, salt, 64, 3, 2)).isEqualTo(expected);
        assertThat(new NativeArgon2().derive(password, salt, 64, 3, 2)).isEqualTo(expected);
    }

    @Test
    void libargon2ComputesTheSameBytesAsBouncyCastleForTheShapeKeelWritesAndForOthers() {
        byte[] password = PASSWORD.getBytes(StandardCharsets.UTF_8);
        Argon2Engine java = new JavaArgon2(NativePath.loaded("argon2", "test"));
        Argon2Engine libargon2 = new NativeArgon2();
        byte[] sixteen = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);
        byte[] eight = "8bytesal".getBytes(StandardCharsets.US_ASCII);

        assertThat(libargon2.derive(password, sixteen, 19456, 2, 1))
                .isEqualTo(java.derive(password, sixteen, 19456, 2, 1));
        assertThat(libargon2.derive(password, sixteen, 64, 3, 2)).isEqualTo(java.derive(password, sixteen, 64, 3, 2));
        assertThat(libargon2.derive(password, eight, 64, 3, 1)).isEqualTo(java.derive(password, eight, 64, 3, 1));
    }

    @Test
    void aThreadThatHashesAgainReusesItsMemoryInsteadOfFaultingIn19MiBEachTime() throws IOException {
        byte[] password = PASSWORD.getBytes(StandardCharsets.UTF_8);
        byte[] salt = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);
        Argon2Engine libargon2 = new NativeArgon2();
        for (int i = 0; i < 3; i++) {
            libargon2.derive(password, salt, 19456, 2, 1); // malloc maps the first block, then keeps the freed one
        }
        long before = minorFaultsOfThisThread();
        for (int i = 0; i < 3; i++) {
            libargon2.derive(password, salt, 19456, 2, 1);
        }
        // 19 MiB is 4,864 pages: a library that maps fresh memory per hash (libsodium did) faults in all of them
        assertThat(minorFaultsOfThisThread() - before).as("page faults in three hashes")
                .isLessThan(4864);
    }

    /** Field 10 of {@code /proc/thread-self/stat}, after the command name in parentheses. */
    private static long minorFaultsOfThisThread() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
    }

    @Test
    void hashesStoredBeforeAndHashesWrittenByTheNodeReferenceVerifyOnBothPaths() {
        for (Passwords passwords : new Passwords[] {vectorPath, nativePath, javaPath}) {
            assertThat(passwords.verifyInline(PASSWORD, STORED_BEFORE)).isTrue();
            assertThat(passwords.verifyInline(PASSWORD, WRITTEN_BY_NODE)).isTrue();
            assertThat(passwords.verifyInline(PASSWORD + "!", STORED_BEFORE)).isFalse();
        }
    }

    @Test
    void anEncodedStringOfAnotherTypeOrShapeIsAMismatch() {
        assertThat(nativePath.verifyInline(PASSWORD, STORED_BEFORE.replace("argon2id", "argon2i"))).isFalse();
        assertThat(nativePath.verifyInline(PASSWORD, "not-a-hash")).isFalse();
    }

    @Test
    void theActivePathIsLoggedAsAGaugeNamedByFeatureAndPath() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        javaPath.path().report(registry);

        assertThat(registry.get("keel.native.library").tag("feature", "argon2").tag("path", "java").gauge().value())
                .isEqualTo(1.0);
    }

    @Test
    void neitherTheEngineNorTheDecoyCostAnythingAtStartAndAnUnknownAccountCostsOneDerivationAtTheConfiguredCost() {
        List<String> derivations = new ArrayList<>();
        Argon2Engine java = new JavaArgon2(NativePath.loaded("argon2", "test"));
        Argon2Engine counting = new Argon2Engine() {
            @Override
            public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism) {
                derivations.add("m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism);
                return java.derive(password, salt, memoryKib, iterations, parallelism);
            }

            @Override
            public NativePath path() {
                return java.path();
            }
        };
        CpuWork inline = new CpuWork() {
            @Override
            public <T> T run(String task, Callable<T> work) {
                try {
                    return work.call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };

        AtomicInteger loads = new AtomicInteger();
        Passwords passwords = new Passwords(inline, 256, 2, () -> {
            loads.incrementAndGet();
            return counting;
        });
        assertThat(derivations).isEmpty();
        assertThat(loads).as("the engine loads on first use, not at start").hasValue(0);

        assertThat(passwords.verifyDecoy(PASSWORD)).isFalse();
        assertThat(derivations).containsExactly("m=256,t=2,p=1");
        assertThat(passwords.path().feature()).isEqualTo("argon2");
        assertThat(loads).hasValue(1);
    }
}
