//! Destination lists (CONTRACT §3) and condition schedules, for both doors.
//!
//! A list belongs to an owner row (`typesrc` + `typeidsrc`: a DID, an IVR key, a condition branch, a
//! hunt list). Every tag is validated against the owner's tenant: its target must exist *in that
//! tenant*, so `EXT-<id of another tenant's extension>` is refused exactly like an unknown id.
//! Replacing a list is atomic: all entries are valid and stored, or nothing changes.
//!
//! Deletion policy: an object that destinations point to cannot be deleted (`Conflict` naming the
//! lists that use it, see [`referenced_by`]); references from the object's own lists do not count,
//! because those lists are deleted with it (see [`before_delete`]).

use std::collections::HashSet;

use sqlx::AnyConnection;

use super::access::{self, Intent};
use super::audit::{self, Change};
use super::{Core, ServiceError, ServiceResult, catalog};
use crate::auth::{Principal, Reach};
use crate::domain::destination::{DestinationKind, DestinationTag, Target, TypeSrc};
use crate::domain::object::ObjectDef;
use crate::domain::schedule::{ScheduleKind, ScheduleRow};
use crate::service::ConflictKind;
use crate::service::Missing;
use crate::store::destinations as store;
use crate::store::objects as rows;

/// Most entries one list may hold.
pub const MAX_ENTRIES: usize = 100;

/// Most rows one condition schedule may hold.
pub const MAX_SCHEDULE_ROWS: usize = 200;

/// Longest raw entry echoed back in an error message.
const MAX_ECHO: usize = 64;

/// The targets that are stored objects, i.e. the ones [`def_of`] resolves.
const STORED_TARGETS: [Target; 19] = [
    Target::Extension,
    Target::Flow,
    Target::ResponsePath,
    Target::Phonebook,
    Target::Disa,
    Target::PagingGroup,
    Target::Special,
    Target::CallerIdMod,
    Target::Campaign,
    Target::MediaFile,
    Target::Condition,
    Target::Voicemail,
    Target::Ivr,
    Target::HuntList,
    Target::Conference,
    Target::Queue,
    Target::Custom,
    Target::Did,
    Target::MusicOnHold,
];

/// The declaration of the objects a target kind names; `None` for `Target::None` (id must be 0).
pub fn def_of(target: Target) -> Option<&'static ObjectDef> {
    Some(match target {
        Target::Extension => &catalog::EXTENSION,
        Target::MediaFile => &catalog::MEDIAFILE,
        Target::Condition => &catalog::CONDITION,
        Target::Voicemail => &catalog::VOICEMAIL,
        Target::Ivr => &catalog::IVR,
        Target::HuntList => &catalog::HUNTLIST,
        Target::Conference => &catalog::CONFERENCE,
        Target::Queue => &catalog::QUEUE,
        Target::Custom => &catalog::CUSTOM,
        Target::Did => &catalog::DID,
        Target::MusicOnHold => &catalog::MUSICONHOLD,
        Target::Flow => &catalog::FLOW,
        Target::ResponsePath => &catalog::RESPONSEPATH,
        Target::Phonebook => &super::catalog::PHONEBOOK_TABLE,
        Target::Disa => &catalog::DISA,
        Target::PagingGroup => &catalog::PAGINGGROUP,
        Target::Special => &catalog::SPECIAL,
        Target::CallerIdMod => &catalog::CALLERIDMOD,
        Target::Campaign => &catalog::CAMPAIGN,
        Target::None => return None,
    })
}

/// The target kind of a declared object, if destinations can point at it.
fn target_of(def: &ObjectDef) -> Option<Target> {
    STORED_TARGETS.into_iter().find(|target| def_of(*target).is_some_and(|d| d.name == def.name))
}

/// The error every door shows for a refused entry: `Invalid destination: <entry as sent>`.
fn invalid_destination(raw: &str) -> ServiceError {
    let shown: String = raw.trim().chars().filter(|c| !c.is_control()).take(MAX_ECHO).collect();
    ServiceError::InvalidDestination { entry: shown }
}

/// The tenant a call acts in: `Some` when `tenant` is given (authorized for `intent`), `None` for an
/// admin addressing an owner by id alone (CONTRACT §2.1).
async fn scope(core: &Core, principal: &Principal, tenant: Option<&str>, intent: Intent) -> ServiceResult<Option<i64>> {
    match tenant {
        Some(code) => Ok(Some(access::tenant_scope(core, principal, code, intent).await?.tenant_id)),
        None if principal.reach == Reach::Global => {
            if intent == Intent::Write {
                access::require_write(principal)?;
            }
            Ok(None)
        }
        None => Err(ServiceError::TenantNotFound),
    }
}

/// Loads the owner row (within `scope` when given) and returns its tenant; another tenant's owner
/// is `NotFound`, like a missing one.
async fn owner_tenant(conn: &mut AnyConnection, scope: Option<i64>, owner: Target, id: i64) -> ServiceResult<i64> {
    let def = def_of(owner).ok_or(ServiceError::NotFound(Missing::DestinationOwner))?;
    let row = rows::get(conn, def, scope, id).await?.ok_or(ServiceError::NotFound(Missing::Object(def.name)))?;
    row.tenant_id.ok_or(ServiceError::NotFound(Missing::Object(def.name)))
}

/// Locks the rows of a replace (the owner and every stored target) until the transaction ends and
/// returns those that exist in the tenant, as `(table, id)`. Rows are locked in one global order
/// (table, then id) so concurrent replaces cannot deadlock; the owner lock serializes replaces of
/// the same list, the target locks keep a concurrent delete from removing a row a new entry names.
async fn lock_all(
    conn: &mut AnyConnection,
    tenant_id: i64,
    mut wanted: Vec<(&'static ObjectDef, i64)>,
) -> ServiceResult<HashSet<(&'static str, i64)>> {
    wanted.sort_by_key(|(def, id)| (def.table, *id));
    wanted.dedup_by_key(|(def, id)| (def.table, *id));
    let mut existing = HashSet::with_capacity(wanted.len());
    for (def, id) in wanted {
        if store::lock_row(conn, def, Some(tenant_id), id).await? {
            existing.insert((def.table, id));
        }
    }
    Ok(existing)
}

/// Whether the target of `tag` is among the locked rows.
fn target_exists(existing: &HashSet<(&'static str, i64)>, tag: &DestinationTag) -> bool {
    match tag.kind.target() {
        Target::None => tag.id == 0,
        target => def_of(target).is_some_and(|def| existing.contains(&(def.table, tag.id))),
    }
}

/// One list of an owner, in order.
pub async fn list(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    typesrc: TypeSrc,
    typeidsrc: i64,
) -> ServiceResult<Vec<DestinationTag>> {
    let scope = scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let tenant_id = owner_tenant(&mut conn, scope, typesrc.owner(), typeidsrc).await?;
    Ok(store::list(&mut conn, tenant_id, typesrc, typeidsrc).await?)
}

/// Every list of an owner of kind `owner` (an IVR's 15 lists, a condition's two branches), each
/// present even when empty, in [`TypeSrc::owned_by`] order.
pub async fn lists_of(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    owner: Target,
    id: i64,
) -> ServiceResult<Vec<(TypeSrc, Vec<DestinationTag>)>> {
    let scope = scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let tenant_id = owner_tenant(&mut conn, scope, owner, id).await?;
    Ok(store::lists(&mut conn, tenant_id, TypeSrc::owned_by(owner), id).await?)
}

/// Replaces one list with `entries` (raw `TAG-ID` strings, in priority order; duplicates allowed)
/// and returns the stored list. The owner must exist in the tenant (`NotFound`); every entry must
/// parse and name an object of the owner's tenant, else `Invalid` with field `destination` and
/// message `Invalid destination: <entry>`, and nothing changes.
pub async fn replace(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    typesrc: TypeSrc,
    typeidsrc: i64,
    entries: &[String],
) -> ServiceResult<Vec<DestinationTag>> {
    let scope = scope(core, principal, tenant, Intent::Write).await?;
    if entries.len() > MAX_ENTRIES {
        return Err(ServiceError::invalid("destination", format!("at most {MAX_ENTRIES} destinations per list")));
    }
    let owner = def_of(typesrc.owner()).ok_or(ServiceError::NotFound(Missing::DestinationOwner))?;
    let mut tx = core.db().begin().await?;
    let tenant_id = owner_tenant(&mut tx, scope, typesrc.owner(), typeidsrc).await?;
    let tags = entries
        .iter()
        .map(|raw| DestinationTag::parse(raw).map_err(|_| invalid_destination(raw)))
        .collect::<ServiceResult<Vec<_>>>()?;
    let mut wanted = vec![(owner, typeidsrc)];
    wanted.extend(tags.iter().filter_map(|tag| def_of(tag.kind.target()).map(|def| (def, tag.id))));
    let existing = lock_all(&mut tx, tenant_id, wanted).await?;
    if !existing.contains(&(owner.table, typeidsrc)) {
        return Err(ServiceError::NotFound(Missing::Object(owner.name)));
    }
    if let Some((raw, _)) = entries.iter().zip(&tags).find(|(_, tag)| !target_exists(&existing, tag)) {
        return Err(invalid_destination(raw));
    }
    let before = store::list(&mut tx, tenant_id, typesrc, typeidsrc).await?;
    store::replace(&mut tx, tenant_id, typesrc, typeidsrc, &tags).await?;
    let texts =
        |tags: &[DestinationTag]| serde_json::Value::from(tags.iter().map(ToString::to_string).collect::<Vec<_>>());
    let change = Change::new("destinations", "replace").id(format!("{typesrc}/{typeidsrc}")).tenant_id(tenant_id);
    audit::record(&mut tx, principal, change.before(texts(&before)).after(texts(&tags))).await?;
    tx.commit().await?;
    Ok(tags)
}

/// The schedule rows of a condition, in order.
pub async fn schedule(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    condition_id: i64,
) -> ServiceResult<Vec<ScheduleRow>> {
    let scope = scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let tenant_id = owner_tenant(&mut conn, scope, Target::Condition, condition_id).await?;
    Ok(store::schedule(&mut conn, tenant_id, condition_id).await?)
}

/// Replaces a condition's schedule atomically with `entries` (raw parameters, validated here by the
/// condition's type, see `domain::schedule`) and returns the stored rows. `[]` clears it.
pub async fn replace_schedule(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    condition_id: i64,
    entries: &[ScheduleRow],
) -> ServiceResult<Vec<ScheduleRow>> {
    let scope = scope(core, principal, tenant, Intent::Write).await?;
    if entries.len() > MAX_SCHEDULE_ROWS {
        return Err(ServiceError::invalid("schedule", format!("at most {MAX_SCHEDULE_ROWS} rows")));
    }
    let mut tx = core.db().begin().await?;
    if !store::lock_row(&mut tx, &catalog::CONDITION, scope, condition_id).await? {
        return Err(ServiceError::NotFound(Missing::Object(catalog::CONDITION.name)));
    }
    let condition = rows::get(&mut tx, &catalog::CONDITION, scope, condition_id)
        .await?
        .ok_or(ServiceError::NotFound(Missing::Object(catalog::CONDITION.name)))?;
    let tenant_id = condition.tenant_id.ok_or(ServiceError::NotFound(Missing::Object(catalog::CONDITION.name)))?;
    let co_type = condition.text("co_type");
    let kind = ScheduleKind::of_condition_type(co_type)
        .ok_or_else(|| ServiceError::invalid("co_type", format!("a {co_type} condition has no schedule")))?;
    let mut valid = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let row = ScheduleRow::parse(kind, &entry.param1, &entry.param2, &entry.param3)
            .map_err(|e| ServiceError::invalid(e.field, format!("row {}: {}", i + 1, e.message)))?;
        valid.push(row);
    }
    let before = store::schedule(&mut tx, tenant_id, condition_id).await?;
    store::replace_schedule(&mut tx, tenant_id, condition_id, &valid).await?;
    let rows = |rows: &[ScheduleRow]| {
        serde_json::Value::from(
            rows.iter().map(|r| vec![r.param1.clone(), r.param2.clone(), r.param3.clone()]).collect::<Vec<_>>(),
        )
    };
    let change = Change::new("condition_schedule", "replace").id(condition_id).tenant_id(tenant_id);
    audit::record(&mut tx, principal, change.before(rows(&before)).after(rows(&valid))).await?;
    tx.commit().await?;
    Ok(valid)
}

/// Who still points at row `id` of `def`: `Some("still used by destinations: DID 12 position 1,
/// …")` when destinations of other owners name it, `None` when it may go. Lists the row owns itself
/// (an IVR key that loops back to its own IVR) do not count. `tenant_id` restricts the search
/// (`None`: an admin deleting by id alone).
pub async fn referenced_by(
    conn: &mut AnyConnection,
    tenant_id: Option<i64>,
    def: &ObjectDef,
    id: i64,
) -> ServiceResult<Option<String>> {
    let Some(target) = target_of(def) else {
        return Ok(None);
    };
    let own = TypeSrc::owned_by(target);
    let refs: Vec<_> = store::references(conn, tenant_id, &DestinationKind::pointing_at(target), id)
        .await?
        .into_iter()
        .filter(|r| !(r.typeidsrc == id && own.iter().any(|t| t.as_str() == r.typesrc)))
        .collect();
    if refs.is_empty() {
        return Ok(None);
    }
    const SHOWN: usize = 5;
    let mut parts: Vec<String> =
        refs.iter().take(SHOWN).map(|r| format!("{} {} position {}", r.typesrc, r.typeidsrc, r.position)).collect();
    if refs.len() > SHOWN {
        parts.push(format!("and {} more", refs.len() - SHOWN));
    }
    Ok(Some(format!("still used by destinations: {}", parts.join(", "))))
}

/// Deletes the lists (and, for a condition, the schedule) that row `id` of `def` owns.
pub async fn delete_owned(
    conn: &mut AnyConnection,
    tenant_id: Option<i64>,
    def: &ObjectDef,
    id: i64,
) -> ServiceResult<()> {
    let Some(target) = target_of(def) else {
        return Ok(());
    };
    store::delete_lists(conn, tenant_id, TypeSrc::owned_by(target), id).await?;
    if target == Target::Condition {
        store::delete_schedule(conn, tenant_id, id).await?;
    }
    Ok(())
}

/// The destination side of deleting row `id` of `def`, for `service::objects::delete` to call inside
/// its transaction before the row goes: refuses with `Conflict` while other lists point at the row,
/// otherwise deletes the row's own lists and schedule. The row is locked first, so a concurrent
/// replace that names it either commits before the check or finds the row gone. A missing row is
/// left to the caller (nothing happens here).
pub async fn before_delete(
    conn: &mut AnyConnection,
    tenant_id: Option<i64>,
    def: &ObjectDef,
    id: i64,
) -> ServiceResult<()> {
    if target_of(def).is_none() || !store::lock_row(conn, def, tenant_id, id).await? {
        return Ok(());
    }
    if let Some(message) = referenced_by(conn, tenant_id, def, id).await? {
        return Err(ServiceError::conflict(ConflictKind::InUse, message));
    }
    delete_owned(conn, tenant_id, def, id).await
}
