//! What the PBX nodes must mirror from the database (DND and flows), read for every tenant at once
//! when a node (re)connects.

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// `(tenant code, extension number)` of every extension with DND on (legacy spellings included).
pub async fn dnd_on(conn: &mut AnyConnection) -> StoreResult<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT t.te_code, e.ex_number FROM ex_extensions e JOIN te_tenants t ON t.te_id = e.ex_te_id \
         WHERE LOWER(TRIM(e.ex_dnd)) IN ('on', 'yes', '1') ORDER BY t.te_code, e.ex_number",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("te_code")?, r.try_get("ex_number")?))).collect()
}

/// A flow to mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirroredFlow {
    /// Tenant code.
    pub tenant: String,
    /// Flow number.
    pub number: String,
    /// Stored state.
    pub state: String,
    /// Stored value.
    pub value: String,
}

/// Every flow of every tenant.
pub async fn flows(conn: &mut AnyConnection) -> StoreResult<Vec<MirroredFlow>> {
    let rows = sqlx::query(
        "SELECT t.te_code, f.fl_number, f.fl_state, f.fl_value FROM fl_flows f JOIN te_tenants t ON t.te_id = f.fl_te_id \
         ORDER BY t.te_code, f.fl_number",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MirroredFlow {
                tenant: r.try_get("te_code")?,
                number: r.try_get("fl_number")?,
                state: r.try_get("fl_state")?,
                value: r.try_get("fl_value")?,
            })
        })
        .collect()
}
