//! Command recognition: turns the merged parameters into a typed command for the families whose
//! parameters are parsed here, so the gateway matches on types rather than re-reading strings.
//! Discriminators are case-insensitive (CONTRACT §0.3); names are not.

mod datetime;
mod output;
mod reqtype;

pub use datetime::LegacyDateTime;
pub use output::{Format, OutputOptions, is_valid_callback};
pub use reqtype::ReqType;

use crate::request::LegacyRequest;

/// The INFO sub-type. Only EXTENSIONS is typed so far; the rest carry the canonical upper-case
/// name for the dispatcher to match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InfoKind {
    /// INFO `extensions` with its optional selectors.
    Extensions {
        /// `ex_id` selector, when given and not blank.
        id: Option<String>,
        /// `ex_number` selector, when given and not blank.
        number: Option<String>,
    },
    /// Any other `info` value, upper-cased (e.g. `CDRS`); unknown ones answer with an empty body.
    Other(String),
    /// `info` absent or empty: empty body.
    Missing,
}

/// A MANAGEDB call (§2) with discriminators normalised so the gateway compares plain strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManageDbCommand {
    /// Lower-case object name with aliases canonicalised; empty when absent.
    pub object: String,
    /// Lower-case action; empty when absent.
    pub action: String,
    /// Trimmed `objectid`, `None` when absent or blank.
    pub objectid: Option<String>,
    /// `jsondata` exactly as received, parsed by the caller so it can answer `Invalid jsondata`.
    pub jsondata: Option<String>,
    /// Raw `filter` for [`crate::filter::parse_filter`]; `None` when absent or empty.
    pub filter: Option<String>,
}

/// How long an AUTHTOKEN token stays usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validity {
    /// Single use (the default).
    Once,
    /// Usable until this server-local time.
    Until(LegacyDateTime),
}

/// An AUTHTOKEN call (§1 row 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthTokenCommand {
    /// Issue a token for a web user.
    Generate {
        /// Web username, `None` when absent or blank.
        user: Option<String>,
        /// Parsed `validity`; `Err` carries the rejected raw value for the error answer.
        validity: Result<Validity, String>,
    },
    /// Revoke a web user's token.
    Reset {
        /// Web username, `None` when absent or blank.
        user: Option<String>,
    },
    /// `action` absent or not one of the above.
    Unknown,
}

/// What a legacy request asks for, as far as this crate types it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// MANAGEDB object/action.
    ManageDb(ManageDbCommand),
    /// INFO and its sub-type.
    Info(InfoKind),
    /// CHECKAUTH with raw credentials (never logged).
    CheckAuth {
        /// `username` as received.
        username: Option<String>,
        /// `password` as received.
        password: Option<String>,
    },
    /// AUTHTOKEN generate/reset.
    AuthToken(AuthTokenCommand),
    /// The HELP page.
    Help,
    /// A known reqtype whose parameters the dispatcher reads itself.
    Other(ReqType),
    /// `reqtype` missing or unknown: the door answers with an empty body.
    Unknown,
}

impl Command {
    /// Recognises the command; never fails, because every malformed case has a defined legacy
    /// answer that the dispatcher gives.
    pub fn parse(req: &LegacyRequest) -> Command {
        let Some(reqtype) = req.get("reqtype").and_then(ReqType::parse) else {
            return Command::Unknown;
        };
        match reqtype {
            ReqType::ManageDb => Command::ManageDb(parse_managedb(req)),
            ReqType::Info => Command::Info(parse_info(req)),
            ReqType::CheckAuth => Command::CheckAuth {
                username: req.get("username").map(str::to_string),
                password: req.get("password").map(str::to_string),
            },
            ReqType::AuthToken => Command::AuthToken(parse_authtoken(req)),
            ReqType::Help => Command::Help,
            other => Command::Other(other),
        }
    }
}

/// Object aliases of §2.1, mapped to the catalogue spelling of §2.3.
const OBJECT_ALIASES: &[(&str, &str)] =
    &[("phones", "phone"), ("customtype", "customtypes"), ("phonephonebooks", "phonephonebook")];

fn parse_managedb(req: &LegacyRequest) -> ManageDbCommand {
    let object = req.get("object").unwrap_or_default().to_lowercase();
    let object = OBJECT_ALIASES
        .iter()
        .find(|(alias, _)| *alias == object)
        .map_or(object.clone(), |(_, canonical)| canonical.to_string());
    ManageDbCommand {
        object,
        action: req.get("action").unwrap_or_default().to_lowercase(),
        objectid: req.non_empty("objectid").map(|id| id.trim().to_string()),
        jsondata: req.get("jsondata").map(str::to_string),
        filter: req.get("filter").filter(|filter| !filter.is_empty()).map(str::to_string),
    }
}

fn parse_info(req: &LegacyRequest) -> InfoKind {
    match req.get("info") {
        None | Some("") => InfoKind::Missing,
        Some(info) if info.eq_ignore_ascii_case("extensions") => InfoKind::Extensions {
            id: req.non_empty("id").map(str::to_string),
            number: req.non_empty("number").map(str::to_string),
        },
        Some(info) => InfoKind::Other(info.to_uppercase()),
    }
}

fn parse_authtoken(req: &LegacyRequest) -> AuthTokenCommand {
    let user = req.non_empty("user").map(str::to_string);
    match req.get("action") {
        Some(action) if action.eq_ignore_ascii_case("generate") => {
            AuthTokenCommand::Generate { user, validity: parse_validity(req.get("validity")) }
        }
        Some(action) if action.eq_ignore_ascii_case("reset") => AuthTokenCommand::Reset { user },
        _ => AuthTokenCommand::Unknown,
    }
}

fn parse_validity(raw: Option<&str>) -> Result<Validity, String> {
    match raw {
        None | Some("") => Ok(Validity::Once),
        Some(value) if value.eq_ignore_ascii_case("once") => Ok(Validity::Once),
        Some(value) => LegacyDateTime::parse(value).map(Validity::Until).ok_or_else(|| value.to_string()),
    }
}

#[cfg(test)]
mod tests;
