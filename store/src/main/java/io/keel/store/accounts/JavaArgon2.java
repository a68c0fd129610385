package io.keel.store.accounts;

import io.keel.store.NativePath;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id in pure Java (Bouncy Castle): the fallback where no fast path can run, and the vector engine's for shapes
 * it does not take. Stateless and thread-safe.
 */
final class JavaArgon2 implements Argon2Engine {
    private final NativePath path;

    JavaArgon2(NativePath path) {
        this.path = path;
    }

    @Override
    public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism) {
        return compute(password, salt, memoryKib, iterations, parallelism);
    }

    /** The hash; {@link IllegalArgumentException} for a shape Argon2 does not define (no pass, no lane). */
    static byte[] compute(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build());
        byte[] out = new byte[HASH_BYTES];
        generator.generateBytes(password, out);
        return out;
    }

    @Override
    public NativePath path() {
        return path;
    }
}
