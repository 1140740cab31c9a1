-- Tenant credit. Amounts are fixed-point: ten-thousandths of the currency unit in a BIGINT, so no
-- float ever touches money. An adjustment may not take the balance below the tenant's floor.
CREATE TABLE bl_balances (
    bl_te_id BIGINT PRIMARY KEY REFERENCES te_tenants (te_id) ON DELETE CASCADE,
    bl_amount BIGINT NOT NULL DEFAULT 0,
    bl_floor BIGINT NOT NULL DEFAULT 0
);

-- Every adjustment, with the balance after it. An idempotency key makes a retried REST request
-- return the first result instead of adjusting twice.
CREATE TABLE bm_movements (
    bm_id INTEGER PRIMARY KEY AUTOINCREMENT,
    bm_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id) ON DELETE CASCADE,
    bm_date TEXT NOT NULL,
    bm_amount BIGINT NOT NULL,
    bm_balance BIGINT NOT NULL,
    bm_description TEXT NOT NULL DEFAULT '',
    bm_idempotency_key TEXT,
    UNIQUE (bm_te_id, bm_idempotency_key)
);
CREATE INDEX bm_movements_tenant_date ON bm_movements (bm_te_id, bm_date);
