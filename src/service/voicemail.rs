//! Voicemail boxes, in Asterisk's realtime `voicemail` layout so the PBX reads them directly.

use super::ServiceResult;
use super::catalog::VOICEMAIL;
use super::rules::{Mode, ObjectRules, Prepare, effective_text, set};
use crate::domain::object::ObjectDef;
use crate::store::objects::{Changes, Value};

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
