-- An Idempotency-Key is bound to the request it first came with (IETF Idempotency-Key draft): reusing the key with a
-- different body is 422, not a replay of the first order. The fingerprint is the SHA-256 (hex) of the order's lines as
-- requested (product and quantity, in order). Orders placed before this column existed have NULL and replay as before.
-- Numbered 4.1 so that a V4 written on another branch at the same time cannot collide with it.
ALTER TABLE orders ADD COLUMN idempotency_fingerprint VARCHAR(64);
