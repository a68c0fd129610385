package io.keel.bench.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * A deterministic byte stream of any length made on the fly (a 1 MiB random block, each repetition XOR-ed with its
 * index so no two MiB are equal): large uploads without holding them in memory, and their SHA-256 known before
 * sending. Memory: one 1 MiB block. Not thread-safe; one stream per reader.
 */
final class GeneratedBytes extends InputStream {
    private static final int BLOCK = 1 << 20;
    private final byte[] block = new byte[BLOCK];
    private final long size;
    private long pos;

    GeneratedBytes(long size) {
        this.size = size;
        new Random(42).nextBytes(block);
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (pos >= size) {
            return -1;
        }
        int from = (int) (pos % BLOCK);
        int n = (int) Math.min(Math.min(len, BLOCK - from), size - pos);
        byte salt = (byte) (pos / BLOCK);
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) (block[from + i] ^ salt);
        }
        pos += n;
        return n;
    }

    /** Hex SHA-256 of the {@code size} bytes this class generates. */
    static String sha256(long size) {
        MessageDigest md = digest();
        byte[] buf = new byte[256 * 1024];
        try (GeneratedBytes in = new GeneratedBytes(size)) {
            int n;
            while ((n = in.read(buf, 0, buf.length)) >= 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream cannot fail", e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
