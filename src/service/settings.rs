//! Tenant settings (legacy SETTING reqtype, REST `settings/{code}`). Only the codes declared in
//! [`SETTINGS`] exist: each has a description, a value rule and a default, and a tenant that never
//! set a code reads its default. Values are stored normalised (`yes`, `mp3`, `3600`, `en`), so GET
//! answers the same spelling whichever spelling SET received.

use super::access::{self, Intent};
use super::audit::{self, Change};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::service::Missing;
use crate::store::tenant_settings as store;

/// What a setting accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    /// `yes` or `no` (any letter case).
    YesNo,
    /// One of these words (any letter case); stored as listed.
    OneOf(&'static [&'static str]),
    /// Whole seconds from 0 to `max`.
    Seconds {
        /// Largest accepted value.
        max: i64,
    },
    /// A two-letter ISO 639-1 language code, stored lower-case.
    Language,
}

impl Allowed {
    /// The normalised value, or what is wrong with `raw`.
    pub fn normalize(&self, raw: &str) -> Result<String, String> {
        let value = raw.trim();
        match self {
            Allowed::YesNo | Allowed::OneOf(_) => self
                .words()
                .iter()
                .find(|w| w.eq_ignore_ascii_case(value))
                .map(|w| (*w).to_string())
                .ok_or_else(|| format!("must be {}", self.describe())),
            Allowed::Seconds { max } => value
                .parse::<i64>()
                .ok()
                .filter(|v| (0..=*max).contains(v) && value.bytes().all(|b| b.is_ascii_digit()))
                .map(|v| v.to_string())
                .ok_or_else(|| format!("must be {}", self.describe())),
            Allowed::Language => {
                if value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic()) {
                    Ok(value.to_ascii_lowercase())
                } else {
                    Err(format!("must be {}", self.describe()))
                }
            }
        }
    }

    fn words(&self) -> &'static [&'static str] {
        match self {
            Allowed::YesNo => &["yes", "no"],
            Allowed::OneOf(words) => words,
            Allowed::Seconds { .. } | Allowed::Language => &[],
        }
    }

    /// The rule in words, for error messages and the REST listing.
    pub fn describe(&self) -> String {
        match self {
            Allowed::YesNo => "yes or no".to_string(),
            Allowed::OneOf(words) => format!("one of {}", words.join(", ")),
            Allowed::Seconds { max } => format!("whole seconds from 0 to {max}"),
            Allowed::Language => "a two-letter language code (ISO 639-1)".to_string(),
        }
    }
}

/// A declared setting.
#[derive(Debug)]
pub struct SettingDef {
    /// The code callers pass (`name`/`code`), upper-case.
    pub code: &'static str,
    /// What it does.
    pub description: &'static str,
    /// Its value rule.
    pub allowed: Allowed,
    /// The value of a tenant that never set it.
    pub default: &'static str,
}

/// Every setting a tenant has. Adding one is one entry here; nothing else changes.
pub static SETTINGS: [SettingDef; 5] = [
    SettingDef {
        code: "VMAUTORECOVER",
        description: "Keep voicemail messages that a user deletes recoverable instead of removing them at once.",
        allowed: Allowed::YesNo,
        default: "no",
    },
    SettingDef {
        code: "RECORDINGFORMAT",
        description: "Audio format of new call recordings.",
        allowed: Allowed::OneOf(&["wav", "mp3"]),
        default: "wav",
    },
    SettingDef {
        code: "CALLERIDPRIVACY",
        description: "Withhold the caller id on outbound calls unless an extension overrides it.",
        allowed: Allowed::YesNo,
        default: "no",
    },
    SettingDef {
        code: "MAXCALLDURATION",
        description: "Longest allowed call in seconds; 0 means no limit.",
        allowed: Allowed::Seconds { max: 86_400 },
        default: "0",
    },
    SettingDef {
        code: "LANGUAGE",
        description: "Language of prompts and voicemail for the tenant.",
        allowed: Allowed::Language,
        default: "en",
    },
];

/// The declaration of `code` (any letter case).
pub fn find(code: &str) -> Option<&'static SettingDef> {
    SETTINGS.iter().find(|s| s.code.eq_ignore_ascii_case(code.trim()))
}

/// A setting's effective value for a tenant.
#[derive(Debug, Clone)]
pub struct Setting {
    /// Its declaration.
    pub def: &'static SettingDef,
    /// The stored value, or the default.
    pub value: String,
    /// Whether `value` is the default because the tenant never set it.
    pub is_default: bool,
}

impl Setting {
    fn new(def: &'static SettingDef, stored: Option<String>) -> Setting {
        match stored {
            Some(value) => Setting { def, value, is_default: false },
            None => Setting { def, value: def.default.to_string(), is_default: true },
        }
    }
}

/// Every declared setting with the tenant's value, in declaration order.
pub async fn list(core: &Core, principal: &Principal, tenant: &str) -> ServiceResult<Vec<Setting>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let stored = store::list(&mut conn, scope.tenant_id).await?;
    Ok(SETTINGS
        .iter()
        .map(|def| Setting::new(def, stored.iter().find(|(code, _)| code == def.code).map(|(_, v)| v.clone())))
        .collect())
}

/// One setting; `NotFound(Missing::Setting)` for a code that is not declared.
pub async fn get(core: &Core, principal: &Principal, tenant: &str, code: &str) -> ServiceResult<Setting> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let def = find(code).ok_or(ServiceError::NotFound(Missing::Setting))?;
    let mut conn = core.db().pool().acquire().await?;
    Ok(Setting::new(def, store::get(&mut conn, scope.tenant_id, def.code).await?))
}

/// Sets a setting after checking the value against its rule; `NotFound(Missing::Setting)` for a code
/// that is not declared, `Invalid` for a value outside the rule.
pub async fn set(core: &Core, principal: &Principal, tenant: &str, code: &str, value: &str) -> ServiceResult<Setting> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let def = find(code).ok_or(ServiceError::NotFound(Missing::Setting))?;
    let value = def.allowed.normalize(value).map_err(|message| ServiceError::invalid("value", message))?;
    let mut tx = core.db().begin().await?;
    let before = store::get(&mut tx, scope.tenant_id, def.code).await?.unwrap_or_else(|| def.default.to_string());
    store::put(&mut tx, scope.tenant_id, def.code, &value).await?;
    let change = Change::new("setting", "set").id(def.code).in_scope(&scope);
    let change = change.before(serde_json::json!({ "value": before })).after(serde_json::json!({ "value": value }));
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(Setting { def, value, is_default: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_and_normalised() {
        assert_eq!(Allowed::YesNo.normalize(" YES "), Ok("yes".into()));
        assert!(Allowed::YesNo.normalize("maybe").is_err());
        assert!(Allowed::YesNo.normalize("").is_err());
        assert_eq!(Allowed::OneOf(&["wav", "mp3"]).normalize("MP3"), Ok("mp3".into()));
        assert_eq!(Allowed::Seconds { max: 100 }.normalize("0100"), Ok("100".into()));
        for bad in ["-1", "101", "1.5", "+5", "x", ""] {
            assert!(Allowed::Seconds { max: 100 }.normalize(bad).is_err(), "{bad}");
        }
        assert_eq!(Allowed::Language.normalize("IT"), Ok("it".into()));
        for bad in ["ita", "e", "e1", "é"] {
            assert!(Allowed::Language.normalize(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_default_obeys_its_own_rule_and_codes_are_unique() {
        for def in &SETTINGS {
            assert_eq!(def.allowed.normalize(def.default).as_deref(), Ok(def.default), "{}", def.code);
            assert_eq!(def.code, def.code.to_ascii_uppercase());
            assert_eq!(SETTINGS.iter().filter(|s| s.code == def.code).count(), 1);
        }
        assert_eq!(find("vmautorecover").map(|d| d.code), Some("VMAUTORECOVER"));
        assert!(find("NOPE").is_none());
    }
}
