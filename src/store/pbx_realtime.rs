//! What the PBX reads through realtime (migration 15): the gateway asks the same views, so "is this
//! endpoint still served?" has one answer for Asterisk and for the gateway.

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// The ids among `endpoints` that `ps_endpoints` serves now.
pub async fn served_endpoints(conn: &mut AnyConnection, endpoints: &[String]) -> StoreResult<Vec<String>> {
    let mut served = Vec::new();
    for chunk in endpoints.chunks(super::IN_LIST_CHUNK) {
        let sql = format!("SELECT id FROM ps_endpoints WHERE id IN ({})", super::placeholders(1, chunk.len()));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for endpoint in chunk {
            query = query.bind(endpoint.as_str());
        }
        for row in query.fetch_all(&mut *conn).await? {
            served.push(row.try_get::<String, _>("id")?);
        }
    }
    Ok(served)
}
