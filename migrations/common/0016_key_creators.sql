-- Who created each API key: another key (`ak_created_by_key`) or a user (`ak_created_by_user`);
-- both NULL for keys made at the command line or on first start. A key lives no longer than its
-- creator's right to act: revoking a key, or disabling or deleting a user, revokes every key they
-- created, transitively (service::api_keys). Same text for both backends.
ALTER TABLE ak_api_keys ADD COLUMN ak_created_by_key BIGINT NULL;
ALTER TABLE ak_api_keys ADD COLUMN ak_created_by_user BIGINT NULL;
CREATE INDEX ak_api_keys_created_by_key ON ak_api_keys (ak_created_by_key);
CREATE INDEX ak_api_keys_created_by_user ON ak_api_keys (ak_created_by_user);
