-- The image registry. One script for SQLite and PostgreSQL alike: portable types only,
-- timestamps as epoch milliseconds, enums as their lowercase wire names.
CREATE TABLE images (
  id               VARCHAR(255) NOT NULL PRIMARY KEY,
  name             VARCHAR(255),
  status           VARCHAR(32)  NOT NULL,
  size             BIGINT,
  virtual_size     BIGINT,
  disk_format      VARCHAR(255),
  container_format VARCHAR(255),
  checksum         VARCHAR(32),
  os_hash_algo     VARCHAR(64),
  os_hash_value    VARCHAR(128),
  min_disk         INTEGER      NOT NULL DEFAULT 0,
  min_ram          INTEGER      NOT NULL DEFAULT 0,
  is_protected     BOOLEAN      NOT NULL DEFAULT FALSE,
  os_hidden        BOOLEAN      NOT NULL DEFAULT FALSE,
  visibility       VARCHAR(16)  NOT NULL,
  owner            VARCHAR(255),
  created_at       BIGINT       NOT NULL,
  updated_at       BIGINT       NOT NULL
);
CREATE INDEX images_owner ON images (owner);
CREATE INDEX images_status ON images (status);
CREATE INDEX images_visibility ON images (visibility);
CREATE INDEX images_created_at ON images (created_at, id);
CREATE INDEX images_name ON images (name);

CREATE TABLE image_tags (
  image_id VARCHAR(255) NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  tag      VARCHAR(255) NOT NULL,
  PRIMARY KEY (image_id, tag)
);
CREATE INDEX image_tags_tag ON image_tags (tag);

CREATE TABLE image_properties (
  image_id VARCHAR(255) NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  name     VARCHAR(255) NOT NULL,
  value    TEXT         NOT NULL,
  PRIMARY KEY (image_id, name)
);

-- metadata: the store's metadata for the location, as a JSON object of strings.
CREATE TABLE image_locations (
  image_id VARCHAR(255) NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  ordinal  INTEGER      NOT NULL,
  url      TEXT         NOT NULL,
  store_id VARCHAR(255),
  metadata TEXT         NOT NULL,
  PRIMARY KEY (image_id, ordinal)
);

CREATE TABLE upload_progress (
  image_id       VARCHAR(255) NOT NULL PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
  bytes_received BIGINT       NOT NULL,
  bytes_total    BIGINT,
  started_at     BIGINT       NOT NULL,
  updated_at     BIGINT       NOT NULL
);
