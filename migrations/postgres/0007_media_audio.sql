-- Audio of media files, in the database so every replica serves the same bytes.
CREATE TABLE mb_mediabinaries (
    mb_me_id BIGINT PRIMARY KEY REFERENCES me_mediafiles (me_id) ON DELETE CASCADE,
    mb_content BYTEA NOT NULL,
    mb_content_type TEXT NOT NULL,
    mb_updated_at TEXT NOT NULL
);
