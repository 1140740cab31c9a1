//! Call identifiers, as a legacy `id` names a call (CONTRACT §0.13): an Asterisk unique id
//! `<node>-<epoch>.<seq>` (or `<epoch>.<seq>` without a system name), with `_` accepted in place of
//! the `.` (Q-33: the old system missed those, nothing depends on the miss), or the 14-hex-digit
//! originate id DIAL returned, which the dialplan stores as `cdr.originateid`.

/// A parsed call id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallId {
    /// An Asterisk unique id with its `.` restored.
    Unique(String),
    /// A DIAL originate id (14 lowercase hex digits).
    Originate(String),
}

/// Longest unique id accepted (Asterisk's own limit is 150 bytes; real ids are ~30).
const MAX_LEN: usize = 150;

impl CallId {
    /// Parses a call id; `None` for anything that cannot name a call, so a lookup never reaches SQL
    /// with garbage.
    pub fn parse(raw: &str) -> Option<CallId> {
        let raw = raw.trim();
        if raw.len() == 14 && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Some(CallId::Originate(raw.to_ascii_lowercase()));
        }
        if raw.is_empty()
            || raw.len() > MAX_LEN
            || !raw.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            return None;
        }
        let unique = if raw.contains('.') {
            raw.to_string()
        } else {
            let (head, seq) = raw.rsplit_once('_')?;
            format!("{head}.{seq}")
        };
        let (head, seq) = unique.rsplit_once('.')?;
        let epoch = head.rsplit_once('-').map_or(head, |(_, epoch)| epoch);
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (digits(epoch) && digits(seq)).then_some(CallId::Unique(unique))
    }
}

/// A unique id as stored (`_` alias restored); text that is no unique id is returned trimmed, so a
/// filter on it simply matches nothing.
pub fn stored_uniqueid(raw: &str) -> String {
    match CallId::parse(raw) {
        Some(CallId::Unique(unique)) => unique,
        _ => raw.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_ids_originate_ids_and_the_underscore_alias() {
        let unique = |s: &str| Some(CallId::Unique(s.to_string()));
        assert_eq!(CallId::parse("srv01-1700000000.12"), unique("srv01-1700000000.12"));
        assert_eq!(CallId::parse("srv01-1700000000_12"), unique("srv01-1700000000.12"));
        assert_eq!(CallId::parse("node_a-1700000000_12"), unique("node_a-1700000000.12"));
        assert_eq!(CallId::parse("1700000000.5"), unique("1700000000.5"));
        assert_eq!(CallId::parse("0123456789abcd"), Some(CallId::Originate("0123456789abcd".into())));
        assert_eq!(CallId::parse("0123456789ABCD"), Some(CallId::Originate("0123456789abcd".into())));
        for bad in ["", "abc", "srv01-1700000000", "srv01-x.12", "a'; DROP--.1", "1.2/3", "srv-1.", "../1.2"] {
            assert_eq!(CallId::parse(bad), None, "{bad:?}");
        }
    }
}
