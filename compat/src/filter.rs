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

/// Property tests: the grammar of [`parse_filter`] holds for generated filters, not just the examples.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Few cases keep the suite fast on two cores; a failure found here becomes a named example
    /// test instead of a regression file next to the source.
    fn config() -> ProptestConfig {
        ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() }
    }

    const TENANT: &[&str] = &["te_id", "te_code", "te_name", "te_disabled"];

    /// ASCII whitespace as the grammar knows it; `\x0B` is not in it (see `refuses_vertical_tab`).
    fn space(min: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(&[" ", "\t", "\n", "\r", "\x0C"][..]), min..min + 3)
            .prop_map(|s| s.concat())
    }

    fn any_case(word: &'static str) -> impl Strategy<Value = String> {
        prop::collection::vec(any::<bool>(), word.len()).prop_map(move |flips| {
            word.chars().zip(flips).map(|(c, up)| if up { c.to_ascii_uppercase() } else { c }).collect()
        })
    }

    /// A value as written (bare or quoted with `''` escapes) and as parsed.
    fn value() -> impl Strategy<Value = (String, String, bool)> {
        prop_oneof![
            "[A-Za-z0-9_.@-]{1,16}".prop_map(|bare| (bare.clone(), bare, false)),
            any::<String>().prop_map(|text| (format!("'{}'", text.replace('\'', "''")), text, true)),
            "[' ]{0,6}(and|OR|--|;)?['=]{0,3}".prop_map(|text| (format!("'{}'", text.replace('\'', "''")), text, true)),
        ]
    }

    /// A whitelisted column as written (any case) and as parsed.
    fn known_column() -> impl Strategy<Value = (String, String)> {
        prop::sample::select(TENANT).prop_flat_map(|column| (any_case(column), Just(column.to_string())))
    }

    /// One term as written and the term it must parse to, if `column` is known. `LIKE` needs space
    /// before it, and after it unless a quote follows; the symbol operators need none.
    fn term_with(column: impl Strategy<Value = (String, String)>) -> impl Strategy<Value = (String, FilterTerm)> {
        let op = prop_oneof![
            Just(("=", FilterOp::Eq)),
            Just(("!=", FilterOp::Ne)),
            Just(("<>", FilterOp::Ne)),
            Just(("like", FilterOp::Like)),
        ];
        (column, op, any_case("like"), space(0), space(1), value()).prop_map(
            |((written, column), (op_text, op), like, loose, tight, (raw, value, quoted))| {
                let (op_text, before, after) = match op {
                    FilterOp::Like => (like, tight.clone(), if quoted { loose } else { tight }),
                    _ => (op_text.to_string(), loose.clone(), loose),
                };
                (format!("{written}{before}{op_text}{after}{raw}"), FilterTerm { column, op, value })
            },
        )
    }

    fn term() -> impl Strategy<Value = (String, FilterTerm)> {
        term_with(known_column())
    }

    /// A column the whitelist lacks: a stranger, a near miss of a real one, a non-ASCII look-alike.
    fn unknown_column() -> impl Strategy<Value = (String, String)> {
        prop_oneof![
            "[A-Za-z0-9_]{1,12}",
            (prop::sample::select(TENANT), "[A-Za-z0-9_]{1,3}").prop_map(|(c, tail)| format!("{c}{tail}")),
            prop::sample::select(TENANT).prop_map(|c| c[..c.len() - 1].to_string()),
            prop::sample::select(TENANT).prop_map(|c| c.replacen('e', "é", 1)),
        ]
        .prop_filter("not a known column", |c| !TENANT.contains(&c.to_ascii_lowercase().as_str()))
        .prop_map(|c| (c.clone(), c))
    }

    /// Terms joined by `AND` in any case with any space around, padded at both ends.
    fn filter_text(terms: Vec<(String, FilterTerm)>) -> impl Strategy<Value = (String, Vec<FilterTerm>)> {
        let joins = prop::collection::vec((space(1), any_case("and"), space(1)), terms.len());
        (space(0), joins, space(0)).prop_map(move |(lead, joins, trail)| {
            let mut text = lead;
            for (i, ((written, _), (before, and, after))) in terms.iter().zip(joins).enumerate() {
                if i > 0 {
                    text.push_str(&format!("{before}{and}{after}"));
                }
                text.push_str(written);
            }
            text.push_str(&trail);
            (text, terms.iter().map(|(_, term)| term.clone()).collect())
        })
    }

    /// The canonical spelling of parsed terms, to check that a parse is stable.
    fn render(terms: &[FilterTerm]) -> String {
        let op = |op: FilterOp| match op {
            FilterOp::Eq => "=",
            FilterOp::Ne => "<>",
            FilterOp::Like => "LIKE",
        };
        let rendered: Vec<String> =
            terms.iter().map(|t| format!("{} {} '{}'", t.column, op(t.op), t.value.replace('\'', "''"))).collect();
        rendered.join(" AND ")
    }

    /// Grammar pieces and noise after a prefix of a valid filter (cut anywhere), so that junk,
    /// multi-byte characters included, reaches every state of the parser.
    fn hostile() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => prop::sample::select(&[
                "te_code", "TE_NAME", "te_id", "te_", "x", "=", "!=", "<>", "!", "<", "like", "LIKE", "lik",
                "and", "AND", "an", "or", " ", "\t", "\n", "'", "''", "a", "1", "-", "@", ".", "%", "é", "\u{1F600}",
                "ké", "(", ";",
            ][..]).prop_map(str::to_string),
            1 => any::<char>().prop_map(String::from),
        ];
        let soup = prop::collection::vec(piece, 0..24).prop_map(|p| p.concat());
        let valid = prop::collection::vec(term(), 1..4).prop_flat_map(filter_text).prop_map(|(text, _)| text);
        prop_oneof![
            1 => any::<String>(),
            1 => soup.clone(),
            3 => (valid, any::<prop::sample::Index>(), soup).prop_map(|(text, cut, soup)| {
                let cuts: Vec<usize> = text.char_indices().map(|(at, _)| at).chain([text.len()]).collect();
                format!("{}{soup}", &text[..cuts[cut.index(cuts.len())]])
            }),
        ]
    }

    proptest! {
        #![proptest_config(config())]

        /// No input panics; what is accepted names only whitelisted columns, stays under the cap and
        /// parses the same again from its canonical spelling.
        #[test]
        fn any_input_is_parsed_or_refused(input in hostile()) {
            if let Ok(terms) = parse_filter(&input, TENANT) {
                prop_assert!(!terms.is_empty() && terms.len() <= MAX_FILTER_TERMS);
                prop_assert!(terms.iter().all(|t| TENANT.contains(&t.column.as_str())));
                prop_assert_eq!(parse_filter(&render(&terms), TENANT), Ok(terms));
            }
        }

        /// Any well-formed filter of up to the cap of terms parses to exactly its terms, in order.
        #[test]
        fn well_formed_filters_round_trip(
            (text, expected) in prop::collection::vec(term(), 1..=MAX_FILTER_TERMS).prop_flat_map(filter_text)
        ) {
            prop_assert_eq!(parse_filter(&text, TENANT), Ok(expected.clone()));
            prop_assert_eq!(parse_filter(&render(&expected), TENANT), Ok(expected));
        }

        /// Past the cap a filter is refused as a whole, even when every term is fine.
        #[test]
        fn filters_over_the_cap_are_refused(
            (text, _) in prop::collection::vec(term(), MAX_FILTER_TERMS + 1..MAX_FILTER_TERMS + 8)
                .prop_flat_map(filter_text)
        ) {
            prop_assert_eq!(parse_filter(&text, TENANT), Err(FilterError));
        }

        /// One column outside the whitelist anywhere in an otherwise well-formed filter refuses
        /// the whole filter.
        #[test]
        fn unknown_columns_are_refused(
            (text, _) in (prop::collection::vec(term(), 0..8), term_with(unknown_column()), any::<prop::sample::Index>())
                .prop_flat_map(|(mut terms, stranger, at)| {
                    terms.insert(at.index(terms.len() + 1), stranger);
                    filter_text(terms)
                })
        ) {
            prop_assert_eq!(parse_filter(&text, TENANT), Err(FilterError), "{:?}", text);
        }
    }

    #[test]
    fn refuses_vertical_tab() {
        assert_eq!(parse_filter("te_id=1\x0BAND te_id=2", TENANT), Err(FilterError));
    }
}
