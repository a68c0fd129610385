-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL 15.

-- Exports stream orders with their number of lines. Counting order_items per exported row (a correlated COUNT, or a
-- GROUP BY over the whole items table before the first row) would make a 10M-row export slow to start and costly to
-- run; the count never changes after placement, so it is stored with the order. Existing rows are backfilled once.
ALTER TABLE orders ADD COLUMN item_count INT DEFAULT 0 NOT NULL;
UPDATE orders SET item_count = (SELECT COUNT(*) FROM order_items i WHERE i.order_id = orders.id);
-- No default from here on: every writer must state the count, so a forgotten one fails instead of exporting 0.
ALTER TABLE orders ALTER COLUMN item_count DROP DEFAULT;
ALTER TABLE orders ADD CONSTRAINT orders_item_count_ck CHECK (item_count >= 0);

-- Uploaded files. The bytes live in <data-dir>/uploads/<id>; a row is written only after the file was completely
-- received, verified and atomically moved into place, so a row always names a complete file.
CREATE TABLE uploads (
    id           VARCHAR(36)  PRIMARY KEY,
    owner_id     BIGINT       NOT NULL,
    size         BIGINT       NOT NULL,
    sha256       CHAR(64)     NOT NULL,
    content_type VARCHAR(255) NOT NULL,
    file_name    VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT uploads_owner_fk FOREIGN KEY (owner_id) REFERENCES accounts (id),
    CONSTRAINT uploads_size_ck CHECK (size >= 0)
);
CREATE INDEX uploads_owner_idx ON uploads (owner_id);
