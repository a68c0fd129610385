package io.keel.store.accounts;

import io.keel.store.NativePath;

/**
 * Raw Argon2id (version 0x13, 32-byte output): the part of {@link Passwords} that has a vector, a native and a
 * pure-Java implementation ({@link Argon2Engines} chooses). All produce the same bytes for the same input, so a hash
 * written by one verifies on the others. Implementations are thread-safe; a call is pure CPU and needs
 * {@code memoryKib} KiB.
 */
interface Argon2Engine {
    int HASH_BYTES = 32;

    byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism);

    NativePath path();
}
