//! The tenant-list `filter` (CONTRACT §2.5, Q-22). Legacy pasted it into SQL; here it is parsed
//! into terms against a column whitelist so the gateway can bind values as parameters. Anything
//! outside the small grammar is refused as a whole.

use std::fmt;

/// Upper bound on terms; no real filter needs more and it bounds the SQL the gateway builds.
pub const MAX_FILTER_TERMS: usize = 32;

/// A comparison operator of the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    /// `=`
    Eq,
    /// `!=` or `<>`
    Ne,
    /// `LIKE` (any case), with SQL `%`/`_` wildcards in the value.
    Like,
}

/// One `column op value` comparison; all terms of a filter are AND-ed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterTerm {
    /// The matching entry of the caller's whitelist.
    pub column: String,
    /// The comparison.
    pub op: FilterOp,
    /// The literal, unquoted, to be bound as a parameter.
    pub value: String,
}

/// Refusal of a filter; its Display is the protocol text the caller answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterError;

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::errors::INVALID_FILTER)
    }
}

impl std::error::Error for FilterError {}

/// Parses `term (AND term)*`, where a term is `column op value`, the column is one of
/// `known_columns` (matched after lower-casing the input) and the value is `'quoted'` (with `''`
/// for a quote) or bare `[A-Za-z0-9_.@-]+`.
pub fn parse_filter(input: &str, known_columns: &[&str]) -> Result<Vec<FilterTerm>, FilterError> {
    let mut cursor = Cursor { rest: input.trim_start_matches(is_space) };
    let mut terms = Vec::new();
    loop {
        if terms.len() == MAX_FILTER_TERMS {
            return Err(FilterError);
        }
        terms.push(cursor.term(known_columns)?);
        let had_space = cursor.skip_space();
        if cursor.rest.is_empty() {
            return Ok(terms);
        }
        if !had_space || !cursor.keyword("and") || !cursor.skip_space() {
            return Err(FilterError);
        }
    }
}

fn is_space(c: char) -> bool {
    c.is_ascii_whitespace()
}

struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn skip_space(&mut self) -> bool {
        let trimmed = self.rest.trim_start_matches(is_space);
        let skipped = trimmed.len() != self.rest.len();
        self.rest = trimmed;
        skipped
    }

    fn take_while(&mut self, accept: impl Fn(char) -> bool) -> &'a str {
        let end = self.rest.find(|c: char| !accept(c)).unwrap_or(self.rest.len());
        let (taken, rest) = self.rest.split_at(end);
        self.rest = rest;
        taken
    }

    /// Consumes an ASCII keyword in any case, without checking what follows.
    fn keyword(&mut self, word: &str) -> bool {
        match self.rest.get(..word.len()) {
            Some(head) if head.eq_ignore_ascii_case(word) => {
                self.rest = &self.rest[word.len()..];
                true
            }
            _ => false,
        }
    }

    fn term(&mut self, known_columns: &[&str]) -> Result<FilterTerm, FilterError> {
        let column = self.take_while(|c| c.is_ascii_alphanumeric() || c == '_').to_ascii_lowercase();
        let column = known_columns.iter().find(|known| **known == column).ok_or(FilterError)?.to_string();
        let spaced = self.skip_space();
        let op = self.op(spaced)?;
        self.skip_space();
        let value = self.value()?;
        Ok(FilterTerm { column, op, value })
    }

    fn op(&mut self, spaced: bool) -> Result<FilterOp, FilterError> {
        if self.keyword("!=") || self.keyword("<>") {
            Ok(FilterOp::Ne)
        } else if self.keyword("=") {
            Ok(FilterOp::Eq)
        } else if spaced && self.keyword("like") {
            match self.rest.chars().next() {
                Some(next) if next == '\'' || is_space(next) => Ok(FilterOp::Like),
                _ => Err(FilterError),
            }
        } else {
            Err(FilterError)
        }
    }

    fn value(&mut self) -> Result<String, FilterError> {
        if let Some(quoted) = self.rest.strip_prefix('\'') {
            self.rest = quoted;
            return self.quoted();
        }
        let bare = self.take_while(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c));
        if bare.is_empty() {
            return Err(FilterError);
        }
        Ok(bare.to_string())
    }

    fn quoted(&mut self) -> Result<String, FilterError> {
        let mut value = String::new();
        loop {
            let end = self.rest.find('\'').ok_or(FilterError)?;
            value.push_str(&self.rest[..end]);
            self.rest = &self.rest[end + 1..];
            match self.rest.strip_prefix('\'') {
                Some(after_escape) => {
                    value.push('\'');
                    self.rest = after_escape;
                }
                None => return Ok(value),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TENANT: &[&str] = &["te_id", "te_code", "te_name", "te_disabled"];

    fn term(column: &str, op: FilterOp, value: &str) -> FilterTerm {
        FilterTerm { column: column.into(), op, value: value.into() }
    }

    #[test]
    fn parses_the_vendor_example() {
        assert_eq!(parse_filter("te_disabled='on'", TENANT), Ok(vec![term("te_disabled", FilterOp::Eq, "on")]));
    }

    #[test]
    fn parses_and_chains_ops_and_bare_values() {
        assert_eq!(
            parse_filter("  te_code = 'AB' and te_name LIKE '%x%'  ", TENANT),
            Ok(vec![term("te_code", FilterOp::Eq, "AB"), term("te_name", FilterOp::Like, "%x%"),])
        );
        assert_eq!(
            parse_filter("TE_ID!=5 AND te_code<>a.b@c-d_e\tAnD te_name like x", TENANT),
            Ok(vec![
                term("te_id", FilterOp::Ne, "5"),
                term("te_code", FilterOp::Ne, "a.b@c-d_e"),
                term("te_name", FilterOp::Like, "x"),
            ])
        );
        assert_eq!(parse_filter("te_code='a'\r\nAND\tte_name='b'\n", TENANT).map(|t| t.len()), Ok(2));
        assert_eq!(parse_filter("te_name=''", TENANT), Ok(vec![term("te_name", FilterOp::Eq, "")]));
    }

    #[test]
    fn doubled_quotes_stay_inside_one_literal() {
        assert_eq!(
            parse_filter("te_code='a'' OR ''1''=''1'", TENANT),
            Ok(vec![term("te_code", FilterOp::Eq, "a' OR '1'='1")])
        );
    }

    #[test]
    fn refuses_everything_outside_the_grammar() {
        for bad in [
            "",
            "   ",
            "te_disabled='on' OR 1=1",
            "1=1; drop table te_tenants",
            "te_code='a'; drop table te_tenants",
            "te_code='a' -- comment",
            "te_code='a' /* c */",
            "(te_code='a')",
            "te_code='unterminated",
            "te_code='a''",
            "te_secret='x'",
            "te_code",
            "te_code=",
            "te_code='a' AND",
            "te_code='a' AND ",
            "te_code='a'AND te_name='b'",
            "te_code='a' ANDte_name='b'",
            "te_code=a AND AND te_name=b",
            "te_code='a' te_name='b'",
            "te_code==a",
            "te_code LIKEx",
            "te_codeLIKE 'x'",
            "te_code IN ('a')",
            "te_code=a,b",
            "te_code=é",
        ] {
            assert_eq!(parse_filter(bad, TENANT), Err(FilterError), "{bad:?}");
        }
    }

    #[test]
    fn caps_the_number_of_terms() {
        let at_cap = vec!["te_id=1"; MAX_FILTER_TERMS].join(" AND ");
        assert_eq!(parse_filter(&at_cap, TENANT).map(|t| t.len()), Ok(MAX_FILTER_TERMS));
        let over = vec!["te_id=1"; MAX_FILTER_TERMS + 1].join(" AND ");
        assert_eq!(parse_filter(&over, TENANT), Err(FilterError));
    }

    #[test]
    fn error_displays_the_protocol_text() {
        assert_eq!(FilterError.to_string(), "Invalid filter");
    }
}
