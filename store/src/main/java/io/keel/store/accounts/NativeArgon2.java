package io.keel.store.accounts;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import io.keel.store.NativePath;

/**
 * Argon2id in libargon2, the reference C implementation that argon2-jvm bundles for common platforms (loaded through
 * JNA), as the Node.js peer's {@code argon2} package uses it: the path where {@link VectorArgon2} cannot run. The
 * bundled build is the portable one, without SIMD code. It takes its 19 MiB per hash from {@code malloc}, which
 * keeps the freed block for the next hash on the same thread, so a worker touches that memory once, not once per
 * login. libsodium, the native path before it, maps and unmaps fresh memory for every hash: 4,864 page faults per
 * login, which on session 12's machine (13-16 µs a fault) cost more than its SIMD code saved (one thread,
 * interleaved: 41-44 ms per hash against 20 ms here; docs/benchmarks.md, session 12).
 *
 * <p>Stateless and thread-safe; the library loads in the constructor and throws {@link LinkageError} when it cannot.
 */
final class NativeArgon2 implements Argon2Engine {
    static final String FEATURE = "argon2";
    private static final int SALT_BYTES = 16;

    private final Argon2Advanced argon2 =
            Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id, SALT_BYTES, HASH_BYTES);

    @Override
    public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism) {
        return argon2.rawHash(iterations, memoryKib, parallelism, password, salt);
    }

    @Override
    public NativePath path() {
        return NativePath.loaded(FEATURE, "libargon2 bundled in argon2-jvm");
    }
}
