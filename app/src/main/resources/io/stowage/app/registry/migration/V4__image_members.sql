-- Image members (Glance v2 sharing): the projects a shared image is offered to, and where
-- each stands (pending, accepted, rejected). Timestamps as epoch milliseconds.
CREATE TABLE image_members (
  image_id   VARCHAR(255) NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  member     VARCHAR(255) NOT NULL,
  status     VARCHAR(16)  NOT NULL,
  created_at BIGINT       NOT NULL,
  updated_at BIGINT       NOT NULL,
  PRIMARY KEY (image_id, member)
);
-- What a project's image list joins on: its memberships, by status.
CREATE INDEX image_members_member ON image_members (member, status);
