//! Extensions: declaration and rules. SIP credentials are write-only and stored as the digest
//! `MD5(<number>-<TENANT>:<realm>:<secret>)` that Asterisk accepts as `md5secret` (chan_sip) and
//! `md5_cred` (PJSIP), so the secret itself is never at rest.

use md5::{Digest as _, Md5};
use serde_json::Value as Json;

use super::catalog::EXTENSION;
use super::rules::{Mode, ObjectRules, Prepare, effective_text, set};
use super::{ServiceError, ServiceResult};
use crate::domain::ExtensionNumber;
use crate::domain::object::{Length, ObjectDef};
use crate::store::objects::{Changes, Row, Value};

/// Input names that carry the SIP secret (CONTRACT §2.4: `secret` for SIP, `password` for PJSIP,
/// synonyms on input).
const SECRET_INPUTS: [&str; 2] = ["secret", "password"];

/// Rules of the extension object.
/// Channel technologies of an extension (any case on input); the first is the default.
pub const TECHS: [&str; 2] = ["PJSIP", "SIP"];

#[derive(Debug)]
pub struct ExtensionRules;

impl ObjectRules for ExtensionRules {
    fn def(&self) -> &'static ObjectDef {
        &EXTENSION
    }

    fn prepare(&self, ctx: &Prepare<'_>, changes: &mut Changes) -> ServiceResult<()> {
        let number = ExtensionNumber::parse(&effective_text(ctx, changes, "ex_number"))?;
        set(changes, "ex_number", Value::Text(number.to_string()));
        let tech = effective_text(ctx, changes, "ex_tech").to_ascii_uppercase();
        let tech = match TECHS.iter().find(|known| **known == tech) {
            Some(known) => *known,
            // Left out on create, or emptied by a patch (`null`): the default.
            None if tech.is_empty() => TECHS[0],
            None => return Err(ServiceError::invalid("ex_tech", "must be PJSIP or SIP")),
        };
        set(changes, "ex_tech", Value::Text(tech.to_string()));

        let tenant_code = ctx.tenant.map(|t| t.code.as_str()).unwrap_or_default();
        let number_changed = ctx.mode == Mode::Update && ctx.current_text("ex_number") != number.as_str();
        match sip_secret(ctx.input)? {
            Some(secret) => {
                let digest = sip_digest(&username(number.as_str(), tenant_code), &ctx.core.config().sip_realm, &secret);
                set(changes, "ex_md5secret", Value::Text(digest));
            }
            // The digest covers the username, so a new number without the secret would lock the phone out.
            None if number_changed && !ctx.current_text("ex_md5secret").is_empty() => {
                return Err(ServiceError::invalid(
                    "secret",
                    "changing ex_number changes the SIP username; send the secret again",
                ));
            }
            None => {}
        }

        Ok(())
    }

    fn input_names(&self) -> &'static [&'static str] {
        &SECRET_INPUTS
    }

    fn derived(&self, row: &Row) -> Vec<(&'static str, String)> {
        vec![("username", username(row.text("ex_number"), row.tenant_code.as_deref().unwrap_or_default()))]
    }
}

/// The SIP/agent username of an extension: `<number>-<TENANT>` (CONTRACT §0.13).
pub fn username(number: &str, tenant_code: &str) -> String {
    format!("{number}-{tenant_code}")
}

/// Asterisk's digest credential: hex `MD5(username:realm:secret)`.
pub fn sip_digest(username: &str, realm: &str, secret: &str) -> String {
    hex::encode(Md5::digest(format!("{username}:{realm}:{secret}").as_bytes()))
}

/// The SIP secret in the input, if any, checked for strength.
fn sip_secret(input: &super::rules::Input) -> ServiceResult<Option<String>> {
    let Some((name, value)) = SECRET_INPUTS.iter().find_map(|name| input.get(*name).map(|v| (*name, v))) else {
        return Ok(None);
    };
    let secret = match value {
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        // As for every write-only secret: `null` (a merge patch's) or empty keeps the one stored.
        Json::Null => String::new(),
        _ => return Err(ServiceError::invalid(name, "must be a string")),
    };
    if secret.is_empty() {
        return Ok(None);
    }
    if !Length::SIP_SECRET.admits(secret.chars().count()) || secret.chars().any(char::is_control) {
        return Err(ServiceError::invalid(name, "must be 8-128 printable characters"));
    }
    Ok(Some(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_matches_asterisk_md5secret() {
        // echo -n "1100-ACME:asterisk:hackmeifyoucan" | md5sum
        assert_eq!(sip_digest("1100-ACME", "asterisk", "hackmeifyoucan"), "33f02e1a7d733857c37e160747a6774e");
        assert_eq!(sip_digest("a", "b", "c").len(), 32);
        assert_ne!(sip_digest("1100-ACME", "asterisk", "x"), sip_digest("1101-ACME", "asterisk", "x"));
    }

    #[test]
    fn declaration_matches_the_legacy_row() {
        // ex_id and ex_te_id are the key and the tenant link; the 145 other legacy columns follow in order.
        assert_eq!(EXTENSION.fields.len(), 147);
        assert_eq!(EXTENSION.fields[0].name, "ex_name");
        assert_eq!(EXTENSION.fields[144].name, "ex_pinlocked");
    }
}
