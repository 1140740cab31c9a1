//! Output templates of INFO cdrs (CONTRACT §4): named, per tenant, plus global admin templates used
//! for all-tenant (`tenant=%`) output. One template per scope may be marked as its CSV export
//! template. Managed through REST (`/cdr-templates`) and legacy SETTING (`CDRTEMPLATE:<name>`).

use super::access::{self, Intent};
use super::audit::{self, Change};
use super::cdrs::CdrScope;
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::service::Missing;
use crate::store::cdr_templates::{self as store, GLOBAL, TemplateRow};

/// Whose templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateScope<'a> {
    /// A tenant's, by code.
    Tenant(&'a str),
    /// The admin templates.
    Global,
}

/// Largest template text.
pub const MAX_BODY: usize = 64 * 1024;

/// A template to store.
#[derive(Debug, Clone)]
pub struct TemplateInput<'a> {
    /// Template text (§4 syntax).
    pub body: &'a str,
    /// Make it the scope's CSV export template.
    pub csv_default: bool,
}

async fn scope_id(core: &Core, principal: &Principal, scope: TemplateScope<'_>, intent: Intent) -> ServiceResult<i64> {
    match scope {
        TemplateScope::Tenant(code) => Ok(access::tenant_scope(core, principal, code, intent).await?.tenant_id),
        TemplateScope::Global => {
            access::require_admin(principal)?;
            Ok(GLOBAL)
        }
    }
}

/// The audit entry of a change to template `name` of a scope (`tenant_id` as `scope_id` answers).
fn template_change(scope: TemplateScope<'_>, tenant_id: i64, action: &'static str, name: &str) -> Change {
    let change = Change::new("cdr_template", action).id(name);
    match scope {
        TemplateScope::Tenant(code) => change.tenant(tenant_id, code),
        TemplateScope::Global => change,
    }
}

/// A usable template name as a schema shows it ([`is_valid_name`]).
pub const NAME_PATTERN: &str = "^[A-Za-z0-9_.-]{1,64}$";

/// True for a usable template name: 1-64 of `[A-Za-z0-9_.-]`.
pub fn is_valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn check_name(name: &str) -> ServiceResult<()> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(ServiceError::Invalid { field: "name".into(), message: "1-64 letters, digits, _ . -".into() })
    }
}

fn check_body(body: &str) -> ServiceResult<()> {
    if body.is_empty() || body.len() > MAX_BODY {
        return Err(ServiceError::Invalid { field: "body".into(), message: format!("1 to {MAX_BODY} bytes") });
    }
    if body.matches("{row_loop}").count() > 1 {
        return Err(ServiceError::Invalid { field: "body".into(), message: "at most one {row_loop}".into() });
    }
    Ok(())
}

/// The templates of a scope.
pub async fn list(core: &Core, principal: &Principal, scope: TemplateScope<'_>) -> ServiceResult<Vec<TemplateRow>> {
    let id = scope_id(core, principal, scope, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    Ok(store::list(&mut conn, id).await?)
}

/// One template.
pub async fn get(
    core: &Core,
    principal: &Principal,
    scope: TemplateScope<'_>,
    name: &str,
) -> ServiceResult<TemplateRow> {
    let id = scope_id(core, principal, scope, Intent::Read).await?;
    check_name(name).map_err(|_| ServiceError::NotFound(Missing::Template))?;
    let mut conn = core.db().pool().acquire().await?;
    store::get(&mut conn, id, name).await?.ok_or(ServiceError::NotFound(Missing::Template))
}

/// Creates or replaces a template; `Ok(true)` when created.
pub async fn put(
    core: &Core,
    principal: &Principal,
    scope: TemplateScope<'_>,
    name: &str,
    input: TemplateInput<'_>,
) -> ServiceResult<(TemplateRow, bool)> {
    let id = scope_id(core, principal, scope, Intent::Write).await?;
    check_name(name)?;
    check_body(input.body)?;
    let mut tx = core.db().begin().await?;
    let before = store::get(&mut tx, id, name).await?;
    let created = store::upsert(&mut tx, id, name, input.body, input.csv_default, &crate::store::now_text()).await?;
    let row = store::get(&mut tx, id, name).await?.ok_or(ServiceError::NotFound(Missing::Template))?;
    let mut change = template_change(scope, id, if created { "create" } else { "update" }, name).after_view(&row);
    if let Some(before) = &before {
        change = change.before_view(before);
    }
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await.map_err(crate::store::StoreError::from)?;
    Ok((row, created))
}

/// Deletes a template.
pub async fn delete(core: &Core, principal: &Principal, scope: TemplateScope<'_>, name: &str) -> ServiceResult<()> {
    let id = scope_id(core, principal, scope, Intent::Write).await?;
    check_name(name).map_err(|_| ServiceError::NotFound(Missing::Template))?;
    let mut tx = core.db().begin().await?;
    let Some(before) = store::get(&mut tx, id, name).await? else {
        return Err(ServiceError::NotFound(Missing::Template));
    };
    if !store::delete(&mut tx, id, name).await? {
        return Err(ServiceError::NotFound(Missing::Template));
    }
    audit::record(&mut tx, principal, template_change(scope, id, "delete", name).before_view(&before)).await?;
    tx.commit().await.map_err(crate::store::StoreError::from)?;
    Ok(())
}

/// The template text INFO cdrs uses: the named one (a tenant's own first, then, for admins, the
/// global one of that name), or without a name the scope's CSV export template when `csv` is asked.
/// An unknown name gives `None`: output as if no template was given (§4).
pub async fn for_output(
    core: &Core,
    principal: &Principal,
    scope: CdrScope<'_>,
    name: Option<&str>,
    csv: bool,
) -> ServiceResult<Option<String>> {
    let tenant_id = match scope {
        CdrScope::Tenant(code) => Some(access::tenant_scope(core, principal, code, Intent::Read).await?.tenant_id),
        CdrScope::AllTenants => None,
    };
    let admin = principal.reach == crate::auth::Reach::Global;
    // All-tenant output uses the admin templates; a tenant's output its own, and for admins a named
    // admin template too. A tenant without its own CSV template gets the built-in default.
    let scopes = match tenant_id {
        None if admin => vec![GLOBAL],
        None => return Err(ServiceError::AdminRequired),
        Some(id) if admin && name.is_some() => vec![id, GLOBAL],
        Some(id) => vec![id],
    };
    let mut conn = core.db().pool().acquire().await?;
    for scope in scopes {
        let found = match name {
            Some(name) if is_valid_name(name) => store::get(&mut conn, scope, name).await?,
            Some(_) => None,
            None if csv => store::csv_default(&mut conn, scope).await?,
            None => None,
        };
        if let Some(row) = found {
            return Ok(Some(row.body));
        }
    }
    Ok(None)
}
