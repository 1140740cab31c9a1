//! What an object contributes to the generic capabilities of `objects`: its declaration and its
//! `ObjectRules` (validation, derived columns, hooks). Modules with rules of their own implement
//! the trait; every other object is `Declared` and its declaration says everything.

use serde_json::Value as Json;
use sqlx::AnyConnection;

use super::access::TenantScope;
pub use super::catalog::Declared;
use super::{Core, ServiceResult};
use crate::domain::object::ObjectDef;
use crate::store::objects::{Changes, Row, Value};

/// Input members by legacy field name (what `jsondata` carries; REST bodies are mapped to it).
pub type Input = serde_json::Map<String, Json>;

/// Whether a write creates or updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A new row.
    Create,
    /// An existing row.
    Update,
}

/// What an object's rules see while preparing a write.
#[derive(Debug)]
pub struct Prepare<'a> {
    /// Service state (configuration such as the SIP realm).
    pub core: &'a Core,
    /// Create or update.
    pub mode: Mode,
    /// The caller's input.
    pub input: &'a Input,
    /// The row before an update.
    pub current: Option<&'a Row>,
    /// The tenant the row belongs to (tenant-scoped objects).
    pub tenant: Option<&'a TenantScope>,
}

impl Prepare<'_> {
    /// Current value of a column, as text (empty on create).
    pub fn current_text(&self, column: &str) -> &str {
        self.current.map(|row| row.text(column)).unwrap_or("")
    }
}

/// Object-specific rules: validation, derived columns, derived read-only values.
pub trait ObjectRules: Send + Sync + std::fmt::Debug {
    /// The declaration.
    fn def(&self) -> &'static ObjectDef;

    /// Validates and completes generic `changes` (already converted from the input); may add
    /// managed columns (timestamps, digests). Runs before anything is written.
    fn prepare(&self, ctx: &Prepare<'_>, changes: &mut Changes) -> ServiceResult<()>;

    /// Input names that are no column but the rules read (e.g. the extension's SIP `secret`, stored
    /// only as a digest).
    fn input_names(&self) -> &'static [&'static str] {
        &[]
    }

    /// Read-only values computed from a row (e.g. an extension's SIP username), by legacy name.
    fn derived(&self, _row: &Row) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// Objects that must be empty for this tenant before a tenant row may be deleted.
    fn dependents(&self) -> &'static [&'static ObjectDef] {
        &[]
    }

    /// Runs in the delete's transaction once every check has passed, before row `id` goes: what
    /// goes with the row (e.g. a user's API keys are revoked with it).
    fn before_delete<'a>(&'a self, _conn: &'a mut AnyConnection, _id: i64) -> BoxFuture<'a, ServiceResult<()>> {
        Box::pin(async { Ok(()) })
    }
}

/// A boxed future, so hooks of `ObjectRules` stay callable through `dyn ObjectRules`.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Sets (or replaces) a managed column in `changes`.
pub fn set(changes: &mut Changes, column: &'static str, value: Value) {
    match changes.iter_mut().find(|(name, _)| *name == column) {
        Some(slot) => slot.1 = value,
        None => changes.push((column, value)),
    }
}

/// The value `changes` assigns to `column`, else the current row's, as text.
pub fn effective_text<'a>(ctx: &'a Prepare<'_>, changes: &'a Changes, column: &str) -> String {
    match changes.iter().find(|(name, _)| *name == column) {
        Some((_, value)) => value.to_text(),
        None => ctx.current_text(column).to_string(),
    }
}

/// An object whose declaration says everything (fields, checks, timestamps).
impl ObjectRules for Declared {
    fn def(&self) -> &'static ObjectDef {
        self.0
    }

    fn prepare(&self, _ctx: &Prepare<'_>, _changes: &mut Changes) -> ServiceResult<()> {
        Ok(())
    }
}
