package io.keel.store.accounts;

import com.goterl.lazysodium.SodiumJava;
import com.goterl.lazysodium.interfaces.PwHash;
import com.goterl.lazysodium.utils.LibraryLoader;
import com.sun.jna.NativeLong;
import io.keel.store.NativePath;

/**
 * Argon2id in libsodium, the copy bundled in lazysodium-java (never a system library, so every machine runs the
 * same build), loaded through JNA. libsodium picks its AVX-512, AVX2 or SSSE3 block function at run time; on this
 * project's 2-core machine it costs about 15% less CPU per hash than the portable libargon2 build argon2-jvm
 * bundled, for the same bytes. libsodium computes one lane with a 16-byte salt only, which is what Keel writes
 * ({@code p=1}); other shapes, which only a hand-written stored string could carry, go to {@code other}.
 *
 * <p>Stateless and thread-safe; the library loads in the constructor and throws {@link LinkageError} (or a runtime
 * exception from the loader) when it cannot.
 */
final class SodiumArgon2 implements Argon2Engine {
    static final String FEATURE = "argon2";
    private static final int SALT_BYTES = 16;
    private static final int ARGON2ID13 = PwHash.Alg.PWHASH_ALG_ARGON2ID13.getValue();

    private final SodiumJava sodium = new SodiumJava(LibraryLoader.Mode.BUNDLED_ONLY);
    private final Argon2Engine other;

    SodiumArgon2(Argon2Engine other) {
        this.other = other;
        // Idempotent; it is also what detects the CPU's SIMD and picks the fast block function.
        if (sodium.sodium_init() < 0) {
            throw new UnsatisfiedLinkError("libsodium loaded but sodium_init failed");
        }
    }

    @Override
    public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism) {
        if (parallelism != 1 || salt.length != SALT_BYTES) {
            return other.derive(password, salt, memoryKib, iterations, parallelism);
        }
        byte[] out = new byte[HASH_BYTES];
        int rc = sodium.crypto_pwhash(out, out.length, password, password.length, salt, iterations,
                new NativeLong(memoryKib * 1024L), ARGON2ID13);
        if (rc != 0) {
            // libsodium refuses only out-of-range costs or an allocation it cannot make
            throw new IllegalStateException("libsodium Argon2id failed (m=" + memoryKib + " KiB, t=" + iterations
                    + "): out of memory or a cost outside its range");
        }
        return out;
    }

    @Override
    public NativePath path() {
        return NativePath.loaded(FEATURE, "libsodium bundled in lazysodium-java");
    }
}
