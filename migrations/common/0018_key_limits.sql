-- API keys may expire and may be bound to client address ranges. `ak_expires_at` is UTC text like
-- every time column (NULL = never); `ak_allowed_addresses` is a comma-separated list of networks
-- in `address/prefix` form (NULL = anywhere). A key used after its expiry or from elsewhere is
-- refused exactly as an unknown key (service::access). Same text for both backends.
ALTER TABLE ak_api_keys ADD COLUMN ak_expires_at TEXT NULL;
ALTER TABLE ak_api_keys ADD COLUMN ak_allowed_addresses TEXT NULL;
