package io.keel.store.images;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes at most {@code limit} bytes through and then fails, remembering that it did. The failure is an
 * {@link IOException} because image readers wrap what they get from their stream; the caller asks {@link #exceeded()}
 * instead of trusting whatever the reader turned it into. Not thread-safe: one decode owns it.
 */
final class BoundedInputStream extends FilterInputStream {
    private final long limit;
    private long count;
    private boolean exceeded;

    BoundedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    boolean exceeded() {
        return exceeded;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            account(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            account(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        account(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void account(long n) throws IOException {
        count += n;
        if (count > limit) {
            exceeded = true;
            throw new IOException("image body exceeds " + limit + " bytes");
        }
    }
}
