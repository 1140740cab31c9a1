//! Voicemail boxes, in Asterisk's realtime `voicemail` layout so the PBX reads them directly.

use super::ServiceResult;
use super::objects::{Mode, ObjectRules, Prepare, effective_text, set};
use crate::domain::object::{Check, FieldDef, ObjectDef, Scope, SecretKind};
use crate::store::objects::{Changes, Value};

/// `voicemail`: the mailbox row (id `uniqueid`), tenant link `vm_te_id`.
pub static VOICEMAIL: ObjectDef = ObjectDef {
    name: "voicemail",
    table: "voicemail",
    id_column: "uniqueid",
    scope: Scope::Tenant { column: "vm_te_id" },
    fields: &[
        FieldDef::create_only("context"),
        FieldDef::text("mailbox").required().check(Check::Digits),
        // The mailbox PIN: Asterisk compares it as given, so it is kept, and never shown.
        FieldDef::secret("password", SecretKind::Stored).check(Check::Digits),
        FieldDef::text("fullname"),
        FieldDef::text("email"),
        FieldDef::text("pager"),
        FieldDef::text("attach").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("attachfmt"),
        FieldDef::text("serveremail"),
        FieldDef::text("language"),
        FieldDef::text("tz"),
        FieldDef::text("deletevoicemail").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("saycid").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("sendvoicemail").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("review").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("tempgreetwarn").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("operator").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("envelope").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("sayduration").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("saydurationm").check(Check::Integer),
        FieldDef::text("forcename").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("forcegreetings").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("callback"),
        FieldDef::text("dialout"),
        FieldDef::text("exitcontext"),
        FieldDef::text("maxmsg").check(Check::Integer),
        FieldDef::text("volgain"),
        FieldDef::text("imapuser").hidden_from_read_only(),
        FieldDef::secret("imappassword", SecretKind::Stored),
        FieldDef::text("imapserver"),
        FieldDef::text("imapport").check(Check::Digits),
        FieldDef::text("imapflags"),
        FieldDef::managed("stamp"),
    ],
    deletable: true,
    created_column: None,
    updated_column: Some("stamp"),
};

/// Rules of the voicemail object.
#[derive(Debug)]
pub struct VoicemailRules;

impl ObjectRules for VoicemailRules {
    fn def(&self) -> &'static ObjectDef {
        &VOICEMAIL
    }

    /// Each tenant's mailboxes live in a voicemail context named after the tenant, so mailbox numbers
    /// of different tenants never collide in Asterisk; a caller may not pick another context.
    fn prepare(&self, ctx: &Prepare<'_>, changes: &mut Changes) -> ServiceResult<()> {
        if ctx.mode == Mode::Create {
            let tenant_code = ctx.tenant.map(|t| t.code.clone()).unwrap_or_default();
            let given = effective_text(ctx, changes, "context");
            if !given.is_empty() && given != tenant_code {
                return Err(super::ServiceError::invalid("context", "is the tenant's own voicemail context"));
            }
            set(changes, "context", Value::Text(tenant_code));
        }
        Ok(())
    }
}
