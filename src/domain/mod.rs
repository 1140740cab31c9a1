//! Domain types: values that are valid by construction (`parse` returns `Result`), and the
//! declaration vocabulary of provisioned objects.

pub mod address_range;
pub mod audio;
pub mod bounds;
pub mod call_id;
pub mod destination;
pub mod extension_number;
pub mod money;
pub mod object;
pub mod pdf;
pub mod schedule;
pub mod tenant_code;
pub mod time;
pub mod username;

pub use extension_number::ExtensionNumber;
pub use tenant_code::TenantCode;
pub use username::Username;

/// Why a value was refused; the message is safe to show to the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidValue {
    /// Name of the offending field (legacy name).
    pub field: &'static str,
    /// Human explanation, without echoing secrets.
    pub message: String,
}

impl InvalidValue {
    /// Builds the error for `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        InvalidValue { field, message: message.into() }
    }
}
