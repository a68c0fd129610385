package io.keel.store.db;

import java.io.Serial;

/** A paging cursor that this service did not issue (or that was altered). The HTTP layer answers 400. */
public class InvalidCursorException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    public InvalidCursorException(String cursor) {
        super("invalid paging cursor '" + abbreviate(cursor) + "'");
    }

    private static String abbreviate(String cursor) {
        // Cursors come from clients: keep log lines and problem documents short whatever they send.
        return cursor.length() <= 64 ? cursor : cursor.substring(0, 64) + "...";
    }
}
