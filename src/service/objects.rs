//! Generic capabilities of declared objects: list, get, create, update, delete with the same
//! authorization and validation for both doors. An object contributes only its declaration and its
//! `ObjectRules`; nothing here knows a particular object.

use serde_json::Value as Json;
use sqlx::AnyConnection;

use super::access::{self, Intent, TenantScope};
use super::audit::{self, Change};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::{Principal, Reach, passwords};
use crate::domain::object::{Check, FieldDef, FieldKind, ObjectDef, Scope, SecretKind, Writable};
use crate::service::ConflictKind;
use crate::service::Missing;
use crate::store::objects::{self as store, Changes, CondOp, Condition, ListQuery, Row, RowLock, Value};

pub use super::page::{Page, PageRequest};
pub use super::rules::{Declared, Input, Mode, ObjectRules, Prepare, effective_text, set};

/// Which tenant a call targets: resolves and authorizes. Global objects need an admin; tenant
/// objects need the tenant (or, for an admin, `None` meaning every tenant).
async fn target(
    core: &Core,
    principal: &Principal,
    def: &ObjectDef,
    tenant: Option<&str>,
    intent: Intent,
) -> ServiceResult<Option<TenantScope>> {
    match (def.scope, tenant) {
        (Scope::Global, _) => {
            access::require_admin(principal)?;
            Ok(None)
        }
        (Scope::Catalog, _) if intent == Intent::Read => Ok(None),
        (Scope::Catalog, _) => {
            access::require_admin(principal)?;
            Ok(None)
        }
        (Scope::Tenant { .. }, Some(code)) => Ok(Some(access::tenant_scope(core, principal, code, intent).await?)),
        (Scope::Tenant { .. }, None) if principal.reach == Reach::Global => {
            if intent == Intent::Write {
                access::require_write(principal)?;
            }
            Ok(None)
        }
        (Scope::Tenant { .. }, None) => Err(ServiceError::TenantNotFound),
    }
}

/// A row as `principal` may see it: fields the declaration hides from read-only callers are blank
/// for them (both doors read rows through this rule).
pub fn visible_to<'a>(principal: &Principal, row: &'a Row) -> std::borrow::Cow<'a, Row> {
    if principal.read_only {
        std::borrow::Cow::Owned(row.blanked(|field| field.hidden_from_read_only))
    } else {
        std::borrow::Cow::Borrowed(row)
    }
}

/// One condition of a list, on a column of the object listed. Doors hold filters, never SQL
/// conditions: `Filter::new` checks the column against the declaration (the id column or a declared
/// field that is no secret) and converts the value to the column's kind, so a column the declaration
/// lacks is refused where it is named instead of matching nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    def: &'static ObjectDef,
    condition: Condition,
}

impl Filter {
    /// `column op value` on the object of `rules`. A flag column takes `on`/`1`/`yes` as set, any other
    /// value as clear, and compares exactly; so does the id column, whose value must be a number.
    pub fn new(rules: &dyn ObjectRules, column: &str, op: CondOp, value: &str) -> ServiceResult<Filter> {
        let def = rules.def();
        let refuse = |why: &str| ServiceError::invalid(column, why);
        let exact = |op: CondOp, why: &str| if op == CondOp::Like { Err(refuse(why)) } else { Ok(op) };
        let condition = if column == def.id_column {
            let id = value.trim().parse::<i64>().map_err(|_| refuse("an id is a number"))?;
            Condition { column: def.id_column, op: exact(op, "an id compares exactly")?, value: Value::Int(id) }
        } else {
            let (_, field) = def
                .field(column)
                .filter(|(_, field)| field.secret.is_none())
                .ok_or_else(|| refuse("is not a column this object can be filtered on"))?;
            match field.kind {
                FieldKind::Flag => {
                    let set = matches!(value.to_ascii_lowercase().as_str(), "on" | "1" | "yes");
                    Condition {
                        column: field.name,
                        op: exact(op, "a flag compares exactly")?,
                        value: Value::Int(set.into()),
                    }
                }
                FieldKind::Text | FieldKind::NullableText => {
                    Condition { column: field.name, op, value: Value::Text(value.to_string()) }
                }
            }
        };
        Ok(Filter { def, condition })
    }

    /// `column = value` on the object of `rules`.
    pub fn equals(rules: &dyn ObjectRules, column: &str, value: &str) -> ServiceResult<Filter> {
        Filter::new(rules, column, CondOp::Eq, value)
    }
}

/// Lists rows the caller may see, optionally filtered, in id order.
#[tracing::instrument(name = "service.objects.list", skip_all, fields(object = rules.def().name))]
pub async fn list(
    core: &Core,
    principal: &Principal,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    filters: Vec<Filter>,
    page: PageRequest,
) -> ServiceResult<Page<Row>> {
    let def = rules.def();
    let mut conditions = Vec::with_capacity(filters.len());
    for filter in filters {
        if !std::ptr::eq(filter.def, def) {
            let why = format!("a filter of {} used on a list of {}", filter.def.name, def.name);
            return Err(ServiceError::Internal(anyhow::anyhow!(why)));
        }
        conditions.push(filter.condition);
    }
    let scope = target(core, principal, def, tenant, Intent::Read).await?;
    let query = ListQuery {
        tenant_id: scope.map(|s| s.tenant_id),
        conditions,
        after_id: page.after_id,
        limit: Some(page.limit.saturating_add(1)),
    };
    let mut conn = core.db().pool().acquire().await?;
    let items = store::list(&mut conn, def, &query).await?;
    Ok(Page::from_overfetch(items, page.limit, |row| row.id))
}

/// Loads one row; another tenant's row is `NotFound`, exactly like a missing one.
#[tracing::instrument(name = "service.objects.get", skip_all, fields(object = rules.def().name))]
pub async fn get(
    core: &Core,
    principal: &Principal,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    id: i64,
) -> ServiceResult<Row> {
    let def = rules.def();
    let scope = target(core, principal, def, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    store::get(&mut conn, def, scope.map(|s| s.tenant_id), id)
        .await?
        .ok_or(ServiceError::NotFound(Missing::Object(def.name)))
}

/// Creates a row from input (legacy field names) and returns it as stored.
pub async fn create(
    core: &Core,
    principal: &Principal,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    input: &Input,
) -> ServiceResult<Row> {
    create_then(core, principal, rules, tenant, input, async |_, _| Ok(())).await
}

/// `create`, then `then(conn, id)` in the same transaction (e.g. a user's tenant links): both
/// happen or neither does.
#[tracing::instrument(name = "service.objects.create", skip_all, fields(object = rules.def().name))]
pub async fn create_then(
    core: &Core,
    principal: &Principal,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    input: &Input,
    then: impl AsyncFnOnce(&mut AnyConnection, i64) -> ServiceResult<()>,
) -> ServiceResult<Row> {
    let def = rules.def();
    let scope = target(core, principal, def, tenant, Intent::Write).await?;
    if def.tenant_column().is_some() && scope.is_none() {
        return Err(ServiceError::invalid("tenant", "a tenant is required to create this object"));
    }
    let converted = converted_input(def, input).await?;
    let mut tx = core.db().begin().await?;
    let changes = prepare_changes(core, &mut tx, rules, Mode::Create, input, converted, None, scope.as_ref()).await?;
    let id = store::insert(&mut tx, def, scope.as_ref().map(|s| s.tenant_id), &changes)
        .await
        .map_err(|e| conflict_on(def, e))?;
    then(&mut tx, id).await?;
    let row = store::get(&mut tx, def, None, id).await?.ok_or(ServiceError::NotFound(Missing::Object(def.name)))?;
    audit::record(&mut tx, principal, Change::created(&row)).await?;
    tx.commit().await?;
    Ok(row)
}

/// Applies input to an existing row (only the members present) and returns the new row.
pub async fn update(
    core: &Core,
    principal: &Principal,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    id: i64,
    input: &Input,
) -> ServiceResult<Row> {
    update_then(core, principal, rules, tenant, id, input, None, async |_, _| Ok(())).await
}

/// A caller's condition on the stored row (REST `If-Match`): the write happens only while it holds,
/// checked on the row locked inside the write's transaction, so two writers holding the same
/// version cannot both pass it.
pub type Precondition<'a> = Option<&'a (dyn Fn(&Row) -> bool + Send + Sync)>;

/// `update` only while `precondition` holds on the stored row (`PreconditionFailed` otherwise).
#[allow(clippy::too_many_arguments)]
pub async fn update_if(
    core: &Core,
    principal: &Principal,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    id: i64,
    input: &Input,
    precondition: Precondition<'_>,
) -> ServiceResult<Row> {
    update_then(core, principal, rules, tenant, id, input, precondition, async |_, _| Ok(())).await
}

/// The stored row of `def` with `id`, locked for the rest of `tx` when a precondition must hold
/// until the write, and the precondition checked on it.
async fn current_row(
    tx: &mut AnyConnection,
    def: &'static ObjectDef,
    tenant_id: Option<i64>,
    id: i64,
    precondition: Precondition<'_>,
) -> ServiceResult<Row> {
    let lock = precondition.map(|_| RowLock::Update);
    let current = store::get_locked(tx, def, tenant_id, id, lock)
        .await?
        .ok_or(ServiceError::NotFound(Missing::Object(def.name)))?;
    match precondition {
        Some(holds) if !holds(&current) => Err(ServiceError::PreconditionFailed),
        _ => Ok(current),
    }
}

/// `update` (only while `precondition` holds), then `then(conn, id)` in the same transaction.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(name = "service.objects.update", skip_all, fields(object = rules.def().name))]
pub async fn update_then(
    core: &Core,
    principal: &Principal,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    id: i64,
    input: &Input,
    precondition: Precondition<'_>,
    then: impl AsyncFnOnce(&mut AnyConnection, i64) -> ServiceResult<()>,
) -> ServiceResult<Row> {
    let def = rules.def();
    let scope = target(core, principal, def, tenant, Intent::Write).await?;
    let tenant_id = scope.as_ref().map(|s| s.tenant_id);
    let converted = converted_input(def, input).await?;
    let mut tx = core.db().begin().await?;
    let current = current_row(&mut tx, def, tenant_id, id, precondition).await?;
    // An admin addressing a tenant object by id alone still needs its tenant for the rules.
    let row_scope = match &scope {
        None => access::scope_of_row(principal, &current),
        Some(_) => scope.clone(),
    };
    let changes =
        prepare_changes(core, &mut tx, rules, Mode::Update, input, converted, Some(&current), row_scope.as_ref())
            .await?;
    store::update(&mut tx, def, tenant_id, id, &changes).await.map_err(|e| conflict_on(def, e))?;
    then(&mut tx, id).await?;
    let row = store::get(&mut tx, def, None, id).await?.ok_or(ServiceError::NotFound(Missing::Object(def.name)))?;
    audit::record_update(&mut tx, principal, &current, &row).await?;
    tx.commit().await?;
    let written: Vec<&str> = changes.iter().map(|(column, _)| *column).collect();
    super::live::endpoints::after_change(core, def, Some(&written));
    Ok(row)
}

/// Deletes a row; refuses a tenant that still owns objects.
pub async fn delete(
    core: &Core,
    principal: &Principal,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    id: i64,
) -> ServiceResult<()> {
    delete_if(core, principal, rules, tenant, id, None).await
}

/// `delete` only while `precondition` holds on the stored row (`PreconditionFailed` otherwise).
#[tracing::instrument(name = "service.objects.delete", skip_all, fields(object = rules.def().name))]
pub async fn delete_if(
    core: &Core,
    principal: &Principal,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    id: i64,
    precondition: Precondition<'_>,
) -> ServiceResult<()> {
    let def = rules.def();
    if !def.deletable {
        return Err(ServiceError::Unsupported("delete"));
    }
    let scope = target(core, principal, def, tenant, Intent::Write).await?;
    let tenant_id = scope.map(|s| s.tenant_id);
    let mut tx = core.db().begin().await?;
    // The caller's own row first: a foreign id must answer exactly like a missing one. Locked before
    // the reference scan below, so a write linking to it either committed before (and is seen) or
    // waits and then finds it gone.
    let Some(current) = store::get_locked(&mut tx, def, tenant_id, id, Some(RowLock::Update)).await? else {
        return Err(ServiceError::NotFound(Missing::Object(def.name)));
    };
    if precondition.is_some_and(|holds| !holds(&current)) {
        return Err(ServiceError::PreconditionFailed);
    }
    for dependent in rules.dependents() {
        if store::count_in_tenant(&mut tx, dependent, id).await? > 0 {
            return Err(ServiceError::TenantNotEmpty);
        }
    }
    if let Some(user) = referenced_by(&mut tx, def, id).await? {
        return Err(ServiceError::conflict(ConflictKind::InUse, format!("{} {id} is still used by {user}", def.name)));
    }
    // Destination lists naming the row refuse the delete; the row's own lists go with it.
    super::destinations::before_delete(&mut tx, tenant_id, def, id).await?;
    rules.before_delete(&mut tx, id).await?;
    if !store::delete(&mut tx, def, tenant_id, id).await.map_err(|e| conflict_on(def, e))? {
        return Err(ServiceError::NotFound(Missing::Object(def.name)));
    }
    audit::record(&mut tx, principal, Change::deleted(&current)).await?;
    tx.commit().await?;
    super::live::endpoints::after_change(core, def, None);
    Ok(())
}

/// The first declared object whose `Reference` field points at row `id` of `def` (e.g. a route using
/// a provider), as `route 12`; `None` when nothing does.
async fn referenced_by(conn: &mut AnyConnection, def: &'static ObjectDef, id: i64) -> ServiceResult<Option<String>> {
    for other in super::catalog::all() {
        for field in other.fields {
            if let Check::Reference(target) = field.check
                && std::ptr::eq(target, def)
                && let Some(row) = store::find_by(conn, other, field.name, &id.to_string()).await?
            {
                return Ok(Some(format!("{} {}", other.name, row.id)));
            }
        }
    }
    Ok(None)
}

fn conflict_on(def: &ObjectDef, err: crate::store::StoreError) -> ServiceError {
    match err {
        crate::store::StoreError::Duplicate => {
            ServiceError::conflict(ConflictKind::Duplicate, format!("a {} with these values already exists", def.name))
        }
        other => other.into(),
    }
}

/// Input to column values by the declaration, with password secrets hashed off the async runtime.
/// Needs no database, so writes run it before their transaction: argon2 must not hold SQLite's
/// write lock.
async fn converted_input(def: &ObjectDef, input: &Input) -> ServiceResult<Changes> {
    let mut changes = Changes::new();
    for field in def.fields {
        let Some(raw) = input.get(field.name) else {
            continue;
        };
        if field.writable == Writable::Never || field.secret == Some(SecretKind::Derived) {
            continue;
        }
        changes.push((field.name, convert(field, raw)?));
    }
    hash_secrets(&mut changes, def).await?;
    Ok(changes)
}

/// Completes converted input on the write's own connection (inside its transaction): create-only
/// columns, value checks (references included), timestamps, then the object's rules.
#[allow(clippy::too_many_arguments)] // the write's context, passed down unchanged
async fn prepare_changes(
    core: &Core,
    conn: &mut AnyConnection,
    rules: &dyn ObjectRules,
    mode: Mode,
    input: &Input,
    mut changes: Changes,
    current: Option<&Row>,
    tenant: Option<&TenantScope>,
) -> ServiceResult<Changes> {
    let def = rules.def();
    if mode == Mode::Update {
        // A create-only column may be sent unchanged (clients echo whole records), never changed.
        let mut changed = None;
        changes.retain(|(name, value)| {
            if def.field(name).is_none_or(|(_, field)| field.writable != Writable::OnCreate) {
                return true;
            }
            if current.and_then(|row| row.get(name)) != Some(value) {
                changed = Some(*name);
            }
            false
        });
        if let Some(name) = changed {
            return Err(ServiceError::invalid(name, "cannot be changed after creation"));
        }
    }
    check_values(conn, def, mode, &mut changes, tenant).await?;
    let now = crate::store::now_text();
    if let (Mode::Create, Some(column)) = (mode, def.created_column) {
        set(&mut changes, column, Value::Text(now.clone()));
    }
    if let Some(column) = def.updated_column {
        set(&mut changes, column, Value::Text(now));
    }
    let ctx = Prepare { core, mode, input, current, tenant };
    rules.prepare(&ctx, &mut changes)?;
    Ok(changes)
}

/// Applies the declaration's `required` flags and value checks; normalises values where the check
/// says how (upper-case words, MAC addresses).
async fn check_values(
    conn: &mut AnyConnection,
    def: &ObjectDef,
    mode: Mode,
    changes: &mut Changes,
    tenant: Option<&TenantScope>,
) -> ServiceResult<()> {
    if mode == Mode::Create {
        for field in def.fields.iter().filter(|f| f.required) {
            if !changes.iter().any(|(name, _)| *name == field.name) {
                return Err(ServiceError::invalid(field.name, "is required"));
            }
        }
    }
    for (name, value) in changes.iter_mut() {
        let Some((_, field)) = def.field(name) else { continue };
        let text = value.to_text();
        if text.trim().is_empty() {
            if field.required {
                return Err(ServiceError::invalid(field.name, "must not be empty"));
            }
            continue;
        }
        match field.check {
            Check::Any => {}
            Check::Digits if !text.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(ServiceError::invalid(field.name, "must contain digits only"));
            }
            Check::Digits => {}
            Check::Integer | Check::ExternalId => {
                let number: i64 =
                    text.trim().parse().map_err(|_| ServiceError::invalid(field.name, "must be a whole number"))?;
                *value = Value::Text(number.to_string());
            }
            Check::OneOf(words) => {
                let word = words
                    .iter()
                    .find(|w| w.eq_ignore_ascii_case(text.trim()))
                    .ok_or_else(|| ServiceError::invalid(field.name, format!("must be one of {}", words.join(", "))))?;
                *value = Value::Text((*word).to_string());
            }
            Check::Mac => {
                let hex: String = text.chars().filter(|c| !matches!(c, ':' | '-' | '.')).collect();
                if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(ServiceError::invalid(field.name, "invalid MAC"));
                }
                *value = Value::Text(hex.to_ascii_uppercase());
            }
            Check::Reference(_) if !field.required && text.trim() == "0" => {
                *value = Value::Text("0".into());
            }
            Check::Reference(target) => {
                let id: i64 = text.trim().parse().map_err(|_| ServiceError::invalid(field.name, "must be an id"))?;
                let tenant_id = target.tenant_column().and(tenant.map(|t| t.tenant_id));
                // On the write's own transaction: the row is checked where it is linked (SQLite
                // serialises writers, so no delete can come between).
                if store::get_locked(conn, target, tenant_id, id, Some(RowLock::KeyShare)).await?.is_none() {
                    return Err(ServiceError::invalid(field.name, format!("no {} with id {id}", target.name)));
                }
                *value = Value::Text(id.to_string());
            }
        }
    }
    Ok(())
}

fn convert(field: &FieldDef, raw: &Json) -> ServiceResult<Value> {
    match field.kind {
        FieldKind::Flag => match raw {
            Json::Bool(b) => Ok(Value::Int(i64::from(*b))),
            Json::Null => Ok(Value::Int(0)),
            Json::Number(n) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
                Ok(Value::Int(n.as_i64().unwrap_or(0)))
            }
            Json::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "on" | "yes" | "1" | "true" => Ok(Value::Int(1)),
                "" | "off" | "no" | "0" | "false" => Ok(Value::Int(0)),
                _ => Err(ServiceError::invalid(field.name, "must be on/off")),
            },
            _ => Err(ServiceError::invalid(field.name, "must be on/off")),
        },
        FieldKind::Text | FieldKind::NullableText => {
            let text = match raw {
                Json::String(s) => s.clone(),
                Json::Number(n) => n.to_string(),
                Json::Null if field.kind == FieldKind::NullableText => return Ok(Value::Null),
                Json::Null => String::new(),
                _ => {
                    return Err(ServiceError::invalid(field.name, "must be a string or a number"));
                }
            };
            if !text.is_empty() && !field.length.admits(text.chars().count()) {
                return Err(ServiceError::invalid(field.name, field.length.message()));
            }
            if text.chars().any(|c| c.is_control() && c != '\t') {
                return Err(ServiceError::invalid(field.name, "must not contain control characters"));
            }
            Ok(Value::Text(text))
        }
    }
}

/// Replaces password-like values with argon2id hashes. Empty values are dropped: an empty
/// password in an update means "unchanged", never "no password".
async fn hash_secrets(changes: &mut Changes, def: &ObjectDef) -> ServiceResult<()> {
    let mut i = 0;
    while i < changes.len() {
        let (name, value) = &changes[i];
        let kind = def.field(name).and_then(|(_, f)| f.secret);
        if matches!(kind, Some(SecretKind::Argon2 | SecretKind::Argon2Legacy)) {
            let plain = value.to_text();
            if plain.is_empty() {
                changes.remove(i);
                continue;
            }
            let legacy = kind == Some(SecretKind::Argon2Legacy);
            let hashed =
                passwords::bounded(
                    move || {
                        if legacy { passwords::hash_legacy(&plain) } else { passwords::hash(&plain) }
                    },
                )
                .await
                .map_err(ServiceError::Internal)?
                .map_err(ServiceError::Internal)?;
            changes[i].1 = Value::Text(hashed);
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::catalog::{EXTENSION, QUEUES, TENANT};
    use crate::service::extensions::ExtensionRules;
    use crate::service::tenants::TenantRules;

    #[test]
    fn a_filter_names_a_declared_column_and_takes_its_kind() {
        let by_number = Filter::equals(&ExtensionRules, "ex_number", "103").expect("number filter");
        assert_eq!(by_number.condition.value, Value::Text("103".into()));
        assert!(std::ptr::eq(by_number.def, &EXTENSION));
        let by_id = Filter::equals(&ExtensionRules, "ex_id", " 7 ").expect("id filter");
        assert_eq!(by_id.condition, Condition { column: "ex_id", op: CondOp::Eq, value: Value::Int(7) });
        let disabled = Filter::new(&TenantRules, "te_disabled", CondOp::Ne, "ON").expect("flag filter");
        assert_eq!(disabled.condition.value, Value::Int(1));
        assert!(std::ptr::eq(disabled.def, &TENANT));
        assert!(Filter::new(&QUEUES, "qu_name", CondOp::Like, "sales%").is_ok());
    }

    #[test]
    fn a_filter_on_no_column_a_secret_or_a_loose_exact_value_is_refused() {
        for (rules, column, op, value) in [
            (&QUEUES as &dyn ObjectRules, "qu_nmae", CondOp::Eq, "x"),
            (&ExtensionRules, "ex_md5secret", CondOp::Eq, "x"),
            (&ExtensionRules, "ex_id", CondOp::Eq, "seven"),
            (&ExtensionRules, "ex_id", CondOp::Like, "7"),
            (&TenantRules, "te_disabled", CondOp::Like, "on"),
        ] {
            let refused = Filter::new(rules, column, op, value);
            assert!(
                matches!(&refused, Err(ServiceError::Invalid { field, .. }) if field == column),
                "{column}: {refused:?}"
            );
        }
    }
}
