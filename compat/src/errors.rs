//! Protocol texts that legacy clients compare byte for byte (CONTRACT §0.6). They live in one place so
//! a typo cannot creep into a single call site; never reword them.

/// Answer to an unknown key, a tenant the key may not use, or any permission refusal. The
/// trailing LF is part of the observed 46-byte body.
pub const KEY_ERROR: &str = "Too bad... you mistaken the security api key.\n";

/// COUNTCHANNELS refusal for a tenant key; the LF follows the §6 Q5 decision.
pub const WRONG_OR_MISSING_TENANT: &str = "Wrong or missing tenant\n";

/// Recording calls without `id`; no newline, as the observed body had none.
pub const NO_ID_SPECIFIED: &str = "No id specified";

/// AGENT without `extension`.
pub const NO_EXTENSION_SPECIFIED: &str = "No extension specified";

/// QUEUE without `number`/`id` (A-75 pattern).
pub const NO_QUEUE_SPECIFIED: &str = "No queue specified";

/// PHONEBOOK without `phonebook` (A-75 pattern).
pub const NO_PHONEBOOK_SPECIFIED: &str = "No phonebook specified";

/// VIRTUALEXT without `number` (A-75 pattern).
pub const NO_NUMBER_SPECIFIED: &str = "No number specified";

/// CAMPAIGN without `campaign` (PROPOSED, by analogy with the other named-parameter errors).
pub const NO_CAMPAIGN_SPECIFIED: &str = "No campaign specified";

/// MANAGEDB `get`/`update`/`delete` without `objectid` (PROPOSED text).
pub const NO_OBJECTID_SPECIFIED: &str = "No objectid specified";

/// MANAGEDB with an object name outside the §2.3 catalogue.
pub const UNKNOWN_OBJECT: &str = "Unknown object";

/// MANAGEDB with an action the object does not support.
pub const UNKNOWN_ACTION: &str = "Unknown action";

/// `jsondata` that does not parse or has the wrong shape for the call.
pub const INVALID_JSONDATA: &str = "Invalid jsondata";

/// Tenant `list` with a `filter` outside the §2.5 grammar.
pub const INVALID_FILTER: &str = "Invalid filter";

/// MANAGEDB `destination` with a `typesrc` outside §3.2.
pub const INVALID_TYPESRC: &str = "Invalid typesrc";

/// Diagnostics-only refusal text for read-only keys; by default refusals reuse [`KEY_ERROR`].
pub const READ_ONLY_KEY: &str = "Read only key";

/// Success body of simple writes whatever the format (rule P-OK, Q-06).
pub const OK: &str = "OK";

/// Message of `Error: ...` when the gateway's database cannot be reached (also while checking the
/// key: clients must not take an outage for a wrong key). Retrying later is the right reaction.
pub const UNAVAILABLE: &str = "service temporarily unavailable, try again later";

/// Body for "not found" answers that legacy clients read as JSON `null` (Q-09, MANAGEDB get miss).
pub const NULL: &str = "null";

/// Text for a destination tag or target id that does not exist in the tenant (§3.1); the tag is echoed
/// so the caller can see which list entry was refused.
pub fn invalid_destination(tag: &str) -> String {
    format!("Invalid destination: {}", single_line(tag))
}

/// `Error: <message>` body of PROPOSED failures (e.g. `Error: tenant not empty`). Line breaks are
/// flattened so a message can never forge a second protocol line.
pub fn error_line(message: &str) -> String {
    format!("Error: {}", single_line(message))
}

fn single_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_error_is_the_observed_46_bytes() {
        assert_eq!(KEY_ERROR.len(), 46);
        assert!(KEY_ERROR.ends_with(".\n"));
    }

    #[test]
    fn tenant_error_carries_a_newline_and_id_error_does_not() {
        assert_eq!(WRONG_OR_MISSING_TENANT.len(), 24);
        assert_eq!(NO_ID_SPECIFIED.len(), 15);
    }

    #[test]
    fn error_line_flattens_line_breaks() {
        assert_eq!(error_line("tenant not empty"), "Error: tenant not empty");
        assert_eq!(error_line("a\r\nb\nc"), "Error: a  b c");
    }

    #[test]
    fn invalid_destination_names_the_tag() {
        assert_eq!(invalid_destination("EXT-99"), "Invalid destination: EXT-99");
        assert_eq!(invalid_destination("EXT\n-1"), "Invalid destination: EXT -1");
    }
}
