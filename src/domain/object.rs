//! The vocabulary for declaring a provisioned object once: its table, its columns (named as in the
//! legacy schema, which is also the legacy wire name), their kinds and who may write them. Generic
//! code in `store::objects`, `service::objects` and `legacy::managedb` does the rest.

pub use super::bounds::Length;

/// How a column is stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// TEXT; shown as a string.
    Text,
    /// TEXT that may be NULL; shown as a string or `null`.
    NullableText,
    /// BIGINT 0/1; the legacy door shows `on` / empty, REST a boolean.
    Flag,
}

/// Who may set a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writable {
    /// Set on create and update.
    Always,
    /// Set on create only (e.g. `te_code`): an update that tries to change it is refused.
    OnCreate,
    /// Maintained by the service (timestamps, derived values); input is ignored.
    Never,
}

/// One stored column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    /// Column name = legacy field name.
    pub name: &'static str,
    /// Storage and display kind.
    pub kind: FieldKind,
    /// Write rule.
    pub writable: Writable,
    /// Write-only secret: how it is stored. Never shown: the legacy door blanks it, REST omits it.
    pub secret: Option<SecretKind>,
    /// Must be present and non-empty on create, and never emptied.
    pub required: bool,
    /// Value rule, checked on every write.
    pub check: Check,
    /// Length bounds of a non-empty value, in characters (what JSON Schema's `minLength` and
    /// `maxLength` count); the REST schema shows the same numbers.
    pub length: Length,
    /// Shown blank to read-only callers (CONTRACT §2.2: e.g. a mailbox's IMAP user).
    pub hidden_from_read_only: bool,
}

/// A value rule of a field, checked by generic code before the object's own rules run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Any text.
    Any,
    /// Digits only (phone numbers, extension-like numbers); empty allowed unless required.
    Digits,
    /// A whole number, possibly negative (timeouts, counters); empty allowed unless required.
    Integer,
    /// One of these words, case-insensitive; stored as listed here.
    OneOf(&'static [&'static str]),
    /// A MAC address: 12 hex digits with optional `:`/`-` separators; stored as 12 upper-case digits.
    Mac,
    /// The id of a row of that object; for tenant objects, a row of the same tenant (another
    /// tenant's id is refused exactly as a missing one). `0` means none unless the field is
    /// required: legacy records use it for an unset link.
    Reference(&'static ObjectDef),
    /// The id of something the gateway does not manage (a user profile or phone model of the
    /// legacy web interface...): a whole number, kept for legacy clients. Every `*_id` column is
    /// either this or a [`Check::Reference`] (a test holds the declarations to it).
    ExternalId,
}

/// A [`Check::Integer`] or [`Check::ExternalId`] text as a schema shows it: empty, or a whole number
/// that fits 64 bits (18 digits always do).
pub const WHOLE_NUMBER_PATTERN: &str = "^(-?[0-9]{1,18})?$";

/// How a write-only secret column is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// argon2id of the given value (passwords people type).
    Argon2,
    /// argon2id, accepting a pre-hashed SHA-256 hex value as legacy `us_password` may be (§6 Q8).
    Argon2Legacy,
    /// Kept as given because the system must use the value itself (e.g. the password of a remote
    /// recording host, TOTP seeds); still never shown.
    Stored,
    /// Computed by the object's rules from other input (e.g. a SIP digest); not an input name and not
    /// part of any record.
    Derived,
}

impl FieldDef {
    /// A plain read-write text column.
    pub const fn text(name: &'static str) -> FieldDef {
        FieldDef {
            name,
            kind: FieldKind::Text,
            writable: Writable::Always,
            secret: None,
            required: false,
            check: Check::Any,
            length: Length::ANY,
            hidden_from_read_only: false,
        }
    }
    /// A read-write nullable text column.
    pub const fn nullable(name: &'static str) -> FieldDef {
        FieldDef {
            name,
            kind: FieldKind::NullableText,
            writable: Writable::Always,
            secret: None,
            required: false,
            check: Check::Any,
            length: Length::ANY,
            hidden_from_read_only: false,
        }
    }
    /// A read-write on/off column.
    pub const fn flag(name: &'static str) -> FieldDef {
        FieldDef {
            name,
            kind: FieldKind::Flag,
            writable: Writable::Always,
            secret: None,
            required: false,
            check: Check::Any,
            length: Length::ANY,
            hidden_from_read_only: false,
        }
    }
    /// A text column set once, at creation.
    pub const fn create_only(name: &'static str) -> FieldDef {
        FieldDef {
            name,
            kind: FieldKind::Text,
            writable: Writable::OnCreate,
            secret: None,
            required: false,
            check: Check::Any,
            length: Length::ANY,
            hidden_from_read_only: false,
        }
    }
    /// A text column only the service sets.
    pub const fn managed(name: &'static str) -> FieldDef {
        FieldDef {
            name,
            kind: FieldKind::Text,
            writable: Writable::Never,
            secret: None,
            required: false,
            check: Check::Any,
            length: Length::ANY,
            hidden_from_read_only: false,
        }
    }
    /// A write-only secret column.
    pub const fn secret(name: &'static str, kind: SecretKind) -> FieldDef {
        FieldDef {
            name,
            kind: FieldKind::Text,
            writable: Writable::Always,
            secret: Some(kind),
            required: false,
            check: Check::Any,
            length: Length::ANY,
            hidden_from_read_only: false,
        }
    }
}

impl FieldDef {
    /// Marks the field required.
    pub const fn required(mut self) -> FieldDef {
        self.required = true;
        self
    }

    /// Adds a value rule.
    pub const fn check(mut self, check: Check) -> FieldDef {
        self.check = check;
        self
    }

    /// Blanks the field for read-only callers.
    pub const fn hidden_from_read_only(mut self) -> FieldDef {
        self.hidden_from_read_only = true;
        self
    }

    /// Sets the length bounds.
    pub const fn length(mut self, length: Length) -> FieldDef {
        self.length = length;
        self
    }
}

/// Whether an object belongs to one tenant or to the whole installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Global objects (tenant, user, provider...): admin only.
    Global,
    /// Global catalogue every principal may read (e.g. custom destination types); admin writes.
    Catalog,
    /// Tenant objects: the named column links the row to its tenant.
    Tenant {
        /// Foreign key column to `te_tenants.te_id`.
        column: &'static str,
    },
}

/// The declaration of a provisioned object.
#[derive(Debug, PartialEq, Eq)]
pub struct ObjectDef {
    /// Legacy object name (`object=` of MANAGEDB), lower case.
    pub name: &'static str,
    /// Table name (legacy schema).
    pub table: &'static str,
    /// Primary key column (BIGINT).
    pub id_column: &'static str,
    /// Tenant or global.
    pub scope: Scope,
    /// Stored columns other than the id and the tenant link, in legacy record order.
    pub fields: &'static [FieldDef],
    /// Whether `delete` exists for this object (legacy `phone` has none).
    pub deletable: bool,
    /// Column set to the creation time by generic code, if the object has one.
    pub created_column: Option<&'static str>,
    /// Column set to the time of every write by generic code, if the object has one.
    pub updated_column: Option<&'static str>,
}

impl ObjectDef {
    /// The length bounds of declared column `name`, at compile time, so the REST schema shows the
    /// declaration's numbers (`api::bounded`); naming an undeclared column fails the build.
    pub const fn length_of(&self, name: &str) -> Length {
        let mut i = 0;
        while i < self.fields.len() {
            if same_text(self.fields[i].name, name) {
                return self.fields[i].length;
            }
            i += 1;
        }
        panic!("length_of: not a declared column")
    }

    /// The declaration of column `name`, if it is one.
    pub fn field(&self, name: &str) -> Option<(usize, &'static FieldDef)> {
        self.fields.iter().enumerate().find(|(_, f)| f.name == name)
    }

    /// The tenant link column, for tenant-scoped objects.
    pub fn tenant_column(&self) -> Option<&'static str> {
        match self.scope {
            Scope::Global | Scope::Catalog => None,
            Scope::Tenant { column } => Some(column),
        }
    }
}

/// `a == b` in a `const fn` (`str`'s `PartialEq` is not const).
const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
