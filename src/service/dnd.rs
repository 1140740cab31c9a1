//! Do-not-disturb per extension (legacy DND reqtype, REST `dnd/{number}`). The state lives on the
//! extension row's legacy `ex_dnd` column (`on` or empty); every change is then mirrored into the
//! nodes' AstDB and device state (`service::live::devices`).

use super::access::{self, Intent};
use super::catalog::EXTENSION;
use super::lookup;
use super::lookup::ExtensionRef;
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::service::Missing;
use crate::store::objects::{self as store, Value};

/// Stored value of `ex_dnd` when DND is on; off is the empty string.
const ON: &str = "on";

/// An extension's DND state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dnd {
    /// `ex_id`.
    pub extension_id: i64,
    /// `ex_number`.
    pub number: String,
    /// Whether DND is on.
    pub on: bool,
}

/// Whether a stored `ex_dnd` means on. Rows imported from legacy dumps may say `yes` or `1`.
fn is_on(stored: &str) -> bool {
    ["on", "yes", "1"].iter().any(|v| v.eq_ignore_ascii_case(stored.trim()))
}

/// The DND state of an extension of the tenant; `NotFound(Missing::Extension)` when it has none such.
pub async fn get(core: &Core, principal: &Principal, tenant: &str, ext: ExtensionRef<'_>) -> ServiceResult<Dnd> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let row = lookup::extension(&mut conn, &scope, ext).await?;
    Ok(Dnd { extension_id: row.id, number: row.text("ex_number").to_string(), on: is_on(row.text("ex_dnd")) })
}

/// Switches DND on or off and returns the new state.
pub async fn set(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    ext: ExtensionRef<'_>,
    on: bool,
) -> ServiceResult<Dnd> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    let row = lookup::extension(&mut tx, &scope, ext).await?;
    let value = Value::Text(if on { ON } else { "" }.to_string());
    if !store::update(&mut tx, &EXTENSION, Some(scope.tenant_id), row.id, &vec![("ex_dnd", value)]).await? {
        return Err(ServiceError::NotFound(Missing::Extension));
    }
    let after = store::get(&mut tx, &EXTENSION, Some(scope.tenant_id), row.id)
        .await?
        .ok_or(ServiceError::NotFound(Missing::Extension))?;
    super::audit::record_update(&mut tx, principal, &row, &after).await?;
    tx.commit().await?;
    let dnd = Dnd { extension_id: row.id, number: row.text("ex_number").to_string(), on };
    super::live::devices::push_dnd(core, &scope.code, &dnd.number, dnd.on).await;
    Ok(dnd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_spellings_of_on() {
        for on in ["on", "ON", "yes", "1", " on "] {
            assert!(is_on(on), "{on}");
        }
        for off in ["", "off", "no", "0"] {
            assert!(!is_on(off), "{off}");
        }
    }
}
