//! Extensions: declaration and rules. SIP credentials are write-only and stored as the digest
//! `MD5(<number>-<TENANT>:<realm>:<secret>)` that Asterisk accepts as `md5secret` (chan_sip) and
//! `md5_cred` (PJSIP), so the secret itself is never at rest.

use md5::{Digest as _, Md5};
use serde_json::Value as Json;

use super::catalog::{CONDITION, CONFERENCE, MEDIAFILE, MUSICONHOLD, ROUTINGPROFILE};
use super::objects::{Mode, ObjectRules, Prepare, effective_text, set};
use super::{ServiceError, ServiceResult};
use crate::domain::ExtensionNumber;
use crate::domain::object::{Check, FieldDef, Length, ObjectDef, Scope, SecretKind};
use crate::store::objects::{Changes, Row, Value};

/// `ex_extensions`: the full legacy row (CONTRACT §2.6) in legacy order, then the SIP digest and the
/// gateway's `disabled`.
pub static EXTENSION: ObjectDef = ObjectDef {
    name: "extension",
    table: "ex_extensions",
    id_column: "ex_id",
    scope: Scope::Tenant { column: "ex_te_id" },
    fields: &[
        FieldDef::text("ex_name").length(Length::NAME),
        FieldDef::text("ex_tech"),
        FieldDef::text("ex_number").length(ExtensionNumber::LENGTH),
        FieldDef::text("ex_trunk"),
        FieldDef::text("ex_tech_id").check(Check::ExternalId),
        FieldDef::text("ex_cidnum"),
        FieldDef::text("ex_cidname"),
        FieldDef::text("ex_cidusage"),
        FieldDef::text("ex_blockcid"),
        FieldDef::text("ex_prefix"),
        FieldDef::text("ex_mindigitprefix"),
        FieldDef::text("ex_maxdigitprefix"),
        FieldDef::text("ex_fmfmstatus"),
        FieldDef::text("ex_fmfmnumber"),
        FieldDef::text("ex_fmfmdialtimeout"),
        FieldDef::text("ex_fmfmdialmethod"),
        FieldDef::text("ex_fmfmcallerid"),
        FieldDef::text("ex_fmfmnumprefix"),
        FieldDef::text("ex_fmfmnameprefix"),
        FieldDef::text("ex_recording"),
        FieldDef::text("ex_dialtimeout"),
        FieldDef::text("ex_callgroup"),
        FieldDef::text("ex_pickupgroup"),
        FieldDef::text("ex_unconditionalstatus"),
        FieldDef::text("ex_onbusystatus"),
        FieldDef::text("ex_onofflinestatus"),
        FieldDef::text("ex_onnoanswerstatus"),
        FieldDef::text("ex_callallowed"),
        FieldDef::text("ex_destallowregex"),
        FieldDef::text("ex_rp_id").check(Check::Reference(&ROUTINGPROFILE)),
        FieldDef::text("ex_dnd"),
        FieldDef::text("ex_emergencycidnum"),
        FieldDef::secret("ex_webpassword", SecretKind::Argon2).length(Length::PASSWORD),
        FieldDef::secret("ex_token", SecretKind::Stored),
        FieldDef::text("ex_token_validity"),
        FieldDef::text("ex_up_id").check(Check::ExternalId),
        FieldDef::text("ex_userpanel"),
        FieldDef::managed("ex_datecreation"),
        FieldDef::text("ex_emailrecording"),
        FieldDef::text("ex_fmfmconfirm"),
        FieldDef::text("ex_fmfmconfirmmessage_id").check(Check::Reference(&MEDIAFILE)),
        FieldDef::text("ex_minemailrecording"),
        FieldDef::text("ex_branch"),
        FieldDef::text("ex_department"),
        FieldDef::text("ex_autocallerid"),
        FieldDef::text("ex_trunkcidoverride"),
        FieldDef::text("ex_trunkemergencycidoverride"),
        FieldDef::text("ex_cr_id").check(Check::Reference(&CONFERENCE)),
        FieldDef::text("ex_trunkcidsource"),
        FieldDef::text("ex_description"),
        FieldDef::text("ex_fmfmholdmessage_id").check(Check::Reference(&MEDIAFILE)),
        FieldDef::text("ex_notifymissingemail"),
        FieldDef::text("ex_webuseldap"),
        FieldDef::text("ex_webuser"),
        FieldDef::text("ex_txvolume"),
        FieldDef::text("ex_rxvolume"),
        FieldDef::text("ex_mu_id").check(Check::Reference(&MUSICONHOLD)),
        FieldDef::text("ex_faxgateway"),
        FieldDef::text("ex_faxalert"),
        FieldDef::text("ex_trunkdid"),
        FieldDef::text("ex_fmfmdelay"),
        FieldDef::text("ex_includeindbn"),
        FieldDef::text("ex_abusedetection"),
        FieldDef::text("ex_referenceid"),
        FieldDef::text("ex_notes"),
        FieldDef::text("ex_callwaiting"),
        FieldDef::text("ex_costlimits"),
        FieldDef::text("ex_dailycostlimit"),
        FieldDef::text("ex_dailycostlimitdom"),
        FieldDef::text("ex_dailycostlimitint"),
        FieldDef::text("ex_routecostlimit"),
        FieldDef::text("ex_dailycostwarning"),
        FieldDef::text("ex_dailycostwarningdom"),
        FieldDef::text("ex_dailycostwarningint"),
        FieldDef::nullable("ex_lastcostalert"),
        FieldDef::text("ex_cl_id").check(Check::ExternalId),
        FieldDef::text("ex_alertemail"),
        FieldDef::text("ex_includeinpb"),
        FieldDef::text("ex_onconditionstatus"),
        FieldDef::text("ex_oncondition_id").check(Check::Reference(&CONDITION)),
        FieldDef::text("ex_autoanswer"),
        FieldDef::text("ex_autocidname"),
        FieldDef::text("ex_regexprefix"),
        FieldDef::text("ex_fromfilterregex"),
        FieldDef::text("ex_ignoreemptyemergcallerid"),
        FieldDef::text("ex_overridesippermit"),
        FieldDef::text("ex_webrtcsupport"),
        FieldDef::text("ex_blockanonymous"),
        FieldDef::text("ex_dn_me_id").check(Check::Reference(&MEDIAFILE)),
        FieldDef::text("ex_spygroups"),
        FieldDef::text("ex_email"),
        FieldDef::text("ex_inboundblockcid"),
        FieldDef::text("ex_inboundblockcidname"),
        FieldDef::text("ex_applyalwaysrpid"),
        FieldDef::text("ex_mailbox"),
        FieldDef::text("ex_outboundtimeout"),
        FieldDef::text("ex_smscidnum"),
        FieldDef::text("ex_useragentsecurity"),
        FieldDef::text("ex_useragentallowed"),
        FieldDef::text("ex_sms_rp_id").check(Check::Reference(&ROUTINGPROFILE)),
        FieldDef::text("ex_callallowedreason"),
        FieldDef::text("ex_permit"),
        FieldDef::text("ex_permit_fqdn"),
        FieldDef::text("ex_calleridregexsamesms"),
        FieldDef::text("ex_ignoreinternalmissed"),
        FieldDef::text("ex_webphone"),
        FieldDef::text("ex_prefixdefault"),
        FieldDef::text("ex_regexprefixdefault"),
        FieldDef::text("ex_alertwhenoffline"),
        FieldDef::nullable("ex_lastofflinealert"),
        FieldDef::text("ex_emergencynotes"),
        FieldDef::text("ex_parkinglot"),
        FieldDef::text("ex_monthlycostlimit"),
        FieldDef::text("ex_monthlycostlimitdom"),
        FieldDef::text("ex_monthlycostlimitint"),
        FieldDef::text("ex_monthlycostwarning"),
        FieldDef::text("ex_monthlycostwarningdom"),
        FieldDef::text("ex_monthlycostwarningint"),
        FieldDef::text("ex_workinghours"),
        FieldDef::text("ex_enableworkinghours"),
        FieldDef::text("ex_useextcallerid"),
        FieldDef::text("ex_pushnotification"),
        FieldDef::text("ex_ignorequeuemissed"),
        FieldDef::text("ex_fmfmonconditionid").check(Check::Reference(&CONDITION)),
        FieldDef::text("ex_transcript"),
        FieldDef::text("ex_outboundrecordingmessage"),
        FieldDef::text("ex_sw_id").check(Check::ExternalId),
        FieldDef::text("ex_overridecidnum"),
        FieldDef::text("ex_overridecidname"),
        FieldDef::text("ex_privacyrecording"),
        FieldDef::text("ex_userapp"),
        FieldDef::text("ex_ipfilter"),
        FieldDef::text("ex_useipfilter"),
        FieldDef::text("ex_switchboard"),
        FieldDef::text("ex_aisummary"),
        FieldDef::text("ex_aisentiment"),
        FieldDef::text("ex_2fatype"),
        FieldDef::secret("ex_2fa_param1", SecretKind::Stored),
        FieldDef::secret("ex_2fa_param2", SecretKind::Stored),
        FieldDef::secret("ex_2fa_param3", SecretKind::Stored),
        FieldDef::managed("ex_lastchange"),
        FieldDef::text("ex_neverexpire"),
        FieldDef::text("ex_passwordlocked"),
        FieldDef::secret("ex_lockpin", SecretKind::Stored),
        FieldDef::text("ex_pinlocked"),
        FieldDef::secret("ex_md5secret", SecretKind::Derived),
        // The gateway's own: a disabled extension is no PBX endpoint (it cannot register or be
        // called) but keeps its settings, numbers and memberships.
        FieldDef::flag("disabled"),
    ],
    deletable: true,
    created_column: Some("ex_datecreation"),
    updated_column: Some("ex_lastchange"),
};

/// Input names that carry the SIP secret (CONTRACT §2.4: `secret` for SIP, `password` for PJSIP,
/// synonyms on input).
const SECRET_INPUTS: [&str; 2] = ["secret", "password"];

/// Rules of the extension object.
#[derive(Debug)]
pub struct ExtensionRules;

impl ObjectRules for ExtensionRules {
    fn def(&self) -> &'static ObjectDef {
        &EXTENSION
    }

    fn prepare(&self, ctx: &Prepare<'_>, changes: &mut Changes) -> ServiceResult<()> {
        let number = ExtensionNumber::parse(&effective_text(ctx, changes, "ex_number"))?;
        set(changes, "ex_number", Value::Text(number.to_string()));
        let tech = match effective_text(ctx, changes, "ex_tech").to_ascii_uppercase().as_str() {
            "" if ctx.mode == Mode::Create => "PJSIP",
            "SIP" => "SIP",
            "PJSIP" => "PJSIP",
            _ => return Err(ServiceError::invalid("ex_tech", "must be SIP or PJSIP")),
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
fn sip_secret(input: &super::objects::Input) -> ServiceResult<Option<String>> {
    let Some((name, value)) = SECRET_INPUTS.iter().find_map(|name| input.get(*name).map(|v| (*name, v))) else {
        return Ok(None);
    };
    let secret = match value {
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
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
