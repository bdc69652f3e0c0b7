-- Quota reservations: the bytes an upload still running has claimed against its owner's
-- quota (ImageRegistry.reserve). Set only while the image is saving; every status change
-- clears it, so a failed, finished or reaped upload holds nothing.
ALTER TABLE images ADD COLUMN reserved_bytes BIGINT;
