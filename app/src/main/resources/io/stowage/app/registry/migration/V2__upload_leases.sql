-- Who runs each upload (issue 12): a process that moves an image to saving takes a lease
-- naming itself and renews it while the upload lives. An image left in saving whose lease is
-- stale (not renewed for the configured time, or its process on this host is gone) is moved
-- back to queued by compare-and-set, so a crash mid-upload does not block a retry forever.
-- Portable SQL for SQLite and PostgreSQL alike; times are epoch milliseconds.
CREATE TABLE upload_leases (
  image_id   VARCHAR(255) NOT NULL PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
  holder     VARCHAR(255) NOT NULL,
  store_id   VARCHAR(255),
  started_at BIGINT       NOT NULL,
  renewed_at BIGINT       NOT NULL
);
CREATE INDEX upload_leases_holder ON upload_leases (holder);
