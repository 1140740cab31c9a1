//! Faxes: a send validates the options, accepts only a PDF (recognised by content), stores it under
//! the fax directory and records it as `QUEUED`. Transmission belongs to the live-PBX issue: a
//! queued fax waits for the AMI adapter to pick it up, and nothing here pretends it was sent.
//!
//! A REST send carries an idempotency key: the same key with the same request gives the first fax
//! back, with a different request it is refused. The key is unique per tenant in the table, so two
//! concurrent retries cannot create two faxes; the loser removes its file and answers like a retry.

use chrono::{DateTime, Datelike as _, Utc};
use sha2::{Digest as _, Sha256};

use super::access::{self, Intent, TenantScope};
use super::download::Download;
use super::files::{FileRoot, is_safe_segment};
use super::page::{Page, PageRequest};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::domain::call_id::CallId;
use crate::domain::{pdf, time};
use crate::service::ConflictKind;
use crate::service::Missing;
use crate::store::faxes::{self as store, FaxRow, NewFax};

/// Largest document accepted: a long fax is a few hundred KiB; this leaves room for scans.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;

/// Resolutions a fax may be sent in (standard, fine, super fine).
pub const QUALITIES: [&str; 3] = ["204x98", "204x196", "204x392"];
/// Paper sizes.
pub const PAGE_SIZES: [&str; 3] = ["a4", "letter", "legal"];
/// Page rotations: none, east, west, explicitly none.
pub const ROTATIONS: [&str; 4] = ["", "E", "W", "no"];

/// A fax as both doors show it.
pub type Fax = FaxRow;

/// What a caller asks to send. Option values are checked here, not in the doors.
#[derive(Debug, Clone, Default)]
pub struct FaxRequest {
    /// Sending number (digits, optional leading `+`).
    pub source_number: String,
    /// Receiving number (digits, optional leading `+`).
    pub dest_number: String,
    /// Resolution, one of [`QUALITIES`]; default `204x196`.
    pub quality: Option<String>,
    /// Paper size, one of [`PAGE_SIZES`]; default `a4`.
    pub pagesize: Option<String>,
    /// Rotation, one of [`ROTATIONS`]; default none.
    pub rotate: Option<String>,
    /// Remove the document once sent.
    pub delete_after_send: bool,
    /// Send not before this time.
    pub schedule: Option<DateTime<Utc>>,
    /// Address told about the outcome.
    pub status_email: Option<String>,
    /// The document bytes (must be a PDF).
    pub document: Vec<u8>,
}

/// The result of a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// A new fax was queued.
    Created(Fax),
    /// The idempotency key was used before for the same request: that fax.
    Replayed(Fax),
    /// The idempotency key was used before for a different request; nothing was queued.
    KeyReused,
}

fn root(core: &Core) -> FileRoot {
    FileRoot::new(core.config().dirs.faxes.clone(), "faxes")
}

/// A fax number as [`number`] takes it.
pub const NUMBER_PATTERN: &str = "^ *[+]?[0-9]{1,32} *$";

fn number(field: &'static str, value: &str) -> ServiceResult<String> {
    let value = value.trim();
    let digits = value.strip_prefix('+').unwrap_or(value);
    if digits.is_empty() || digits.len() > 32 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ServiceError::invalid(field, "must be digits with an optional leading +"));
    }
    Ok(value.to_string())
}

fn one_of(field: &'static str, value: Option<&str>, allowed: &[&str], default: &str) -> ServiceResult<String> {
    let value = value.map(str::trim).unwrap_or(default);
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value))
        .map(|a| a.to_string())
        .ok_or_else(|| ServiceError::invalid(field, format!("must be one of {}", allowed.join(", "))))
}

/// A plausible single address (`local@domain.tld`); delivery is the mailer's business.
fn email(value: &str) -> ServiceResult<String> {
    let value = value.trim();
    let valid = value.len() <= 254
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        })
        && !value.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | ';' | '<' | '>' | '"'));
    if valid { Ok(value.to_string()) } else { Err(ServiceError::invalid("statusemail", "is not an e-mail address")) }
}

/// Checks a request and builds the row to store (without id and path).
fn validate(request: &FaxRequest) -> ServiceResult<FaxRow> {
    let source_number = number("source_number", &request.source_number)?;
    let dest_number = number("dest_number", &request.dest_number)?;
    let quality = one_of("quality", request.quality.as_deref(), &QUALITIES, "204x196")?;
    let pagesize = one_of("pagesize", request.pagesize.as_deref(), &PAGE_SIZES, "a4")?;
    let rotate = one_of("rotate", request.rotate.as_deref(), &ROTATIONS, "")?;
    let statusemail = match request.status_email.as_deref().filter(|e| !e.trim().is_empty()) {
        Some(address) => email(address)?,
        None => String::new(),
    };
    if request.document.len() > MAX_DOCUMENT_BYTES {
        return Err(ServiceError::invalid("filename", format!("is larger than {MAX_DOCUMENT_BYTES} bytes")));
    }
    if !pdf::is_pdf(&request.document) {
        return Err(ServiceError::invalid("filename", "is not a PDF document"));
    }
    let mut row = FaxRow {
        id: 0,
        direction: "OUT".into(),
        source_number,
        dest_number,
        pages: pdf::count_pages(&request.document),
        status: "QUEUED".into(),
        error: String::new(),
        date: crate::store::now_text(),
        path: String::new(),
        size: i64::try_from(request.document.len()).unwrap_or(i64::MAX),
        quality,
        pagesize,
        rotate,
        deleteaftersend: request.delete_after_send,
        schedule: request.schedule.map(|at| time::storable(at, "schedule")).transpose()?,
        statusemail,
        uniqueid: String::new(),
        request_hash: None,
    };
    row.request_hash = Some(request_hash(&row, &request.document));
    Ok(row)
}

/// Digest of everything the caller chose (not what the server adds: date, page count), so a retry
/// of the same request matches and any changed option or document does not.
fn request_hash(row: &FaxRow, document: &[u8]) -> String {
    let mut hasher = Sha256::new();
    let schedule = row.schedule.clone().unwrap_or_default();
    let delete = if row.deleteaftersend { "1" } else { "0" };
    for part in [&row.source_number, &row.dest_number, &row.quality, &row.pagesize, &row.rotate] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    for part in [delete, schedule.as_str(), row.statusemail.as_str()] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.update(Sha256::digest(document));
    hex::encode(hasher.finalize())
}

fn replay(existing: FaxRow, hash: Option<&String>) -> SendOutcome {
    if existing.request_hash.as_ref() == hash { SendOutcome::Replayed(existing) } else { SendOutcome::KeyReused }
}

/// Where a new document goes: `<TENANT>/<yyyy>/<mm>/<random>.pdf` (a tenant code that is not a
/// safe path segment falls back to its id).
fn document_path(scope: &TenantScope) -> String {
    let now = Utc::now();
    let tenant = if is_safe_segment(&scope.code) { scope.code.clone() } else { format!("tenant-{}", scope.tenant_id) };
    let name: String = crate::auth::secrets::random_token().chars().filter(char::is_ascii_alphanumeric).collect();
    format!("{tenant}/{:04}/{:02}/{name}.pdf", now.year(), now.month())
}

/// Queues a fax for sending (see the module doc for the idempotency rules).
pub async fn send(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    request: &FaxRequest,
    idempotency_key: Option<&str>,
) -> ServiceResult<SendOutcome> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    if let Some(key) = idempotency_key {
        super::idempotency::check_key(key)?;
    }
    let mut row = validate(request)?;
    if let Some(key) = idempotency_key {
        let mut conn = core.db().pool().acquire().await?;
        if let Some(existing) = store::by_idempotency_key(&mut conn, scope.tenant_id, key).await? {
            return Ok(replay(existing, row.request_hash.as_ref()));
        }
    }
    row.path = document_path(&scope);
    let root = root(core);
    root.write_new(&row.path, &request.document).await?;
    let new = NewFax { tenant_id: scope.tenant_id, fax: &row, idempotency_key };
    let inserted: ServiceResult<Option<i64>> = async {
        let mut tx = core.db().begin().await?;
        let id = store::insert(&mut tx, &new).await?;
        if let Some(id) = id {
            let stored = FaxRow { id, ..row.clone() };
            let change = super::audit::Change::new("fax", "send").id(id).in_scope(&scope).after_view(&stored);
            super::audit::record(&mut tx, principal, change).await?;
        }
        tx.commit().await?;
        Ok(id)
    }
    .await;
    match inserted {
        Ok(Some(id)) => {
            row.id = id;
            Ok(SendOutcome::Created(row))
        }
        Ok(None) => {
            // A concurrent retry with the same key got there first: its fax is the answer. A stray
            // file left behind is harmless (nothing points at it), so its removal cannot fail the call.
            if let Err(cleanup) = root.remove(&row.path).await {
                tracing::warn!(error = %cleanup, "could not remove the document of a replayed fax send");
            }
            let mut conn = core.db().pool().acquire().await?;
            let key = idempotency_key.unwrap_or_default();
            let existing = store::by_idempotency_key(&mut conn, scope.tenant_id, key).await?;
            existing.map(|e| replay(e, row.request_hash.as_ref())).ok_or_else(|| {
                ServiceError::conflict(ConflictKind::Busy, "a fax with this idempotency key is being sent")
            })
        }
        Err(err) => {
            if let Err(cleanup) = root.remove(&row.path).await {
                tracing::warn!(error = %cleanup, "could not remove the document of a fax that was not recorded");
            }
            Err(err)
        }
    }
}

/// A fax by id.
pub async fn get(core: &Core, principal: &Principal, tenant: &str, id: i64) -> ServiceResult<Fax> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    store::by_id(&mut conn, scope.tenant_id, id).await?.ok_or(ServiceError::NotFound(Missing::Fax))
}

/// A fax by the legacy `id`: a fax id, or the unique id of the call that carried it.
pub async fn find(core: &Core, principal: &Principal, tenant: &str, id: &str) -> ServiceResult<Fax> {
    if let Ok(id) = id.trim().parse::<i64>() {
        return get(core, principal, tenant, id).await;
    }
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let Some(CallId::Unique(uniqueid)) = CallId::parse(id) else { return Err(ServiceError::NotFound(Missing::Fax)) };
    let mut conn = core.db().pool().acquire().await?;
    store::by_uniqueid(&mut conn, scope.tenant_id, &uniqueid).await?.ok_or(ServiceError::NotFound(Missing::Fax))
}

/// The tenant's faxes dated within `[from, to]` (stored-time text, `None` = open), in id order.
pub async fn list(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    from: Option<&str>,
    to: Option<&str>,
    page: PageRequest,
) -> ServiceResult<Page<Fax>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let after = page.after_id.unwrap_or(0);
    let rows = store::list(&mut conn, scope.tenant_id, from, to, after, page.limit.saturating_add(1)).await?;
    Ok(Page::from_overfetch(rows, page.limit, |f| f.id))
}

/// Opens a fax's PDF for streaming, named `<fax id>.pdf`. A document removed after sending, or a
/// row whose path is unsafe, gives `NotFound`.
pub async fn open_document(core: &Core, fax: &Fax) -> ServiceResult<Download> {
    let file = root(core).open(&fax.path).await?;
    Ok(Download::new(file, "application/pdf", &fax.id.to_string(), "pdf"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> FaxRequest {
        FaxRequest {
            source_number: "+3902123".into(),
            dest_number: "0044123456".into(),
            document: b"%PDF-1.4 /Type /Page".to_vec(),
            ..FaxRequest::default()
        }
    }

    #[test]
    fn options_are_checked_and_normalised() {
        let row = validate(&FaxRequest { quality: Some("204X392".into()), rotate: Some("e".into()), ..request() });
        let row = row.ok().map(|r| (r.quality, r.rotate, r.pagesize, r.pages));
        assert_eq!(row, Some(("204x392".into(), "E".into(), "a4".into(), 1)));
        for bad in [
            FaxRequest { source_number: "12a".into(), ..request() },
            FaxRequest { dest_number: String::new(), ..request() },
            FaxRequest { quality: Some("300x300".into()), ..request() },
            FaxRequest { pagesize: Some("a3".into()), ..request() },
            FaxRequest { rotate: Some("N".into()), ..request() },
            FaxRequest { status_email: Some("not-an-address".into()), ..request() },
            FaxRequest { status_email: Some("a@b.c, d@e.f".into()), ..request() },
            FaxRequest { document: b"GIF89a".to_vec(), ..request() },
            FaxRequest { document: vec![b'%'; MAX_DOCUMENT_BYTES + 1], ..request() },
        ] {
            assert!(matches!(validate(&bad), Err(ServiceError::Invalid { .. })), "{bad:?}");
        }
    }

    #[test]
    fn the_request_hash_ignores_server_fields_and_sees_the_document() {
        let a = validate(&request()).ok().and_then(|r| r.request_hash);
        let b = validate(&request()).ok().and_then(|r| r.request_hash);
        let c = validate(&FaxRequest { document: b"%PDF-1.5".to_vec(), ..request() }).ok().and_then(|r| r.request_hash);
        assert!(a.is_some());
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
