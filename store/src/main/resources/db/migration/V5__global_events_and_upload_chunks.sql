-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL 15.

-- Live order events across instances (PostgreSQL). Every placed order gets an event id from one counter row, taken
-- as the last statement of the order's transaction: the row lock is held until commit, so event ids are handed out
-- in commit order, without gaps (a rolled-back order gives its id back). A listener that has read every event up to
-- id n therefore never sees an event below n appear later, and Last-Event-ID resumes by "event_id > n" on any
-- instance. Orders placed on H2 (one process, in-process events) and seeded orders have no event id.
CREATE TABLE event_counters (
    name    VARCHAR(32) PRIMARY KEY,
    last_id BIGINT      NOT NULL
);
INSERT INTO event_counters (name, last_id) VALUES ('orders', 0);
ALTER TABLE orders ADD COLUMN event_id BIGINT;
CREATE UNIQUE INDEX orders_event_idx ON orders (event_id);

-- Upload bytes kept in the database (KEEL_UPLOAD_STORE=database), so every instance serves every upload. A chunk is
-- one row keyed by its first byte's offset: a Range read seeks straight to the chunk holding its first byte. Chunks
-- are written in the transaction that writes their upload row and go with it (cascade), so no chunk outlives its row
-- and no row names missing bytes.
CREATE TABLE upload_chunks (
    upload_id    VARCHAR(36) NOT NULL,
    start_offset BIGINT      NOT NULL,
    data         BYTEA       NOT NULL,
    CONSTRAINT upload_chunks_pk PRIMARY KEY (upload_id, start_offset),
    CONSTRAINT upload_chunks_upload_fk FOREIGN KEY (upload_id) REFERENCES uploads (id) ON DELETE CASCADE
);

-- Failed sign-ins counted for every instance at once (PostgreSQL), so spreading guesses over instances gains nothing:
-- one row per throttled key (an email or a client address) with its fixed window. Rows of ended windows are deleted
-- as new failures arrive, so the table holds at most the keys that failed within one window.
CREATE TABLE login_failures (
    throttle_key VARCHAR(400) PRIMARY KEY,
    window_start TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    failures     INT NOT NULL
);
CREATE INDEX login_failures_window_idx ON login_failures (window_start);
