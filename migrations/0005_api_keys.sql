-- API keys: only a SHA-256 of each key is stored (keys are 32 random bytes, shown once when
-- created with `callwright-api keys create`).
CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    key_prefix  text NOT NULL,
    key_hash    bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
