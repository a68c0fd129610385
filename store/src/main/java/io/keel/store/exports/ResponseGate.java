package io.keel.store.exports;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes writes to the response body until {@link #abort()}; after it, writes and close are dropped. A failed export
 * aborts the gate before closing its writer, so the writer's final flush cannot end the chunked body cleanly: the
 * body stays unterminated and the server closes the connection, which a client sees as a cut-off download instead of
 * a complete-looking file. When nothing had been sent yet, the server can still answer with a problem document.
 * Not thread-safe (one producer).
 */
final class ResponseGate extends OutputStream {
    private final OutputStream out;
    private boolean aborted;

    ResponseGate(OutputStream out) {
        this.out = out;
    }

    void abort() {
        aborted = true;
    }

    @Override
    public void write(int b) throws IOException {
        if (!aborted) {
            out.write(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (!aborted) {
            out.write(b, off, len);
        }
    }

    @Override
    public void flush() throws IOException {
        if (!aborted) {
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (!aborted) {
            out.close();
        }
    }
}
