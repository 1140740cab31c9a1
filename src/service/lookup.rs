//! Finding a tenant's extension by id, number or username (`<number>-<TENANT>`), for the
//! capabilities that name extensions in their calls (queues, DND, virtual extensions).

use sqlx::AnyConnection;

use super::access::TenantScope;
use super::catalog::EXTENSION;
use super::{ServiceError, ServiceResult};
use crate::service::Missing;
use crate::store::objects::{self as store, CondOp, Condition, ListQuery, Row, Value};

/// How a call names an extension: its id, its number, or its username `<number>-<TENANT>`.
#[derive(Debug, Clone, Copy)]
pub enum ExtensionRef<'a> {
    /// `ex_id`.
    Id(i64),
    /// Number or username.
    Name(&'a str),
}

/// The extension `ext` of the scoped tenant; `NotFound(Missing::Extension)` when the tenant has none such
/// (an extension of another tenant is "none such" too).
pub async fn extension(conn: &mut AnyConnection, scope: &TenantScope, ext: ExtensionRef<'_>) -> ServiceResult<Row> {
    let row = match ext {
        ExtensionRef::Id(id) => store::get(conn, &EXTENSION, Some(scope.tenant_id), id).await?,
        ExtensionRef::Name(name) => {
            let suffix = format!("-{}", scope.code);
            let number = name.trim();
            let number = number.strip_suffix(&suffix).unwrap_or(number);
            if number.is_empty() {
                None
            } else {
                let query = ListQuery {
                    tenant_id: Some(scope.tenant_id),
                    conditions: vec![Condition {
                        column: "ex_number",
                        op: CondOp::Eq,
                        value: Value::Text(number.to_string()),
                    }],
                    limit: Some(1),
                    ..Default::default()
                };
                store::list(conn, &EXTENSION, &query).await?.into_iter().next()
            }
        }
    };
    row.ok_or(ServiceError::NotFound(Missing::Extension))
}
