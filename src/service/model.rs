//! The stored shapes the service hands to the doors. They are defined next to their SQL in
//! `store`, and reach the doors only through here, so the service decides what belongs to its API
//! (`tests/it/layering.rs` keeps the doors from naming `store`).

pub use crate::store::api_keys::ApiKeyRow;
pub use crate::store::audit::AuditRow;
pub use crate::store::balance::Movement;
pub use crate::store::campaign_numbers::NumberRow;
pub use crate::store::cdr_templates::TemplateRow;
pub use crate::store::objects::{CondOp, Row, Value};
pub use crate::store::phonebooks::{Entry, Phonebook};
pub use crate::store::queue_members::Member;
pub use crate::store::recordings::RecordingFilter;
pub use crate::store::report_logs::{IvrLogEntry, QueueLogEntry, Step};
pub use crate::store::sms::SmsRow;
pub use crate::store::virtual_extensions::VirtualExtension;
