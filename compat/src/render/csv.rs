//! CSV output of §0.10, plus formula neutralising: CDR fields such as caller names are attacker
//! controlled and end up opened in spreadsheets.

/// Header line and one line per row, LF line ends; empty string when there are no rows (§0.7).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let mut out = row(&header);
    for values in rows {
        out.push_str(&row(values));
    }
    out
}

/// One CSV line including its LF, for streaming large reports row by row.
pub fn row(values: &[String]) -> String {
    let mut line = String::new();
    push_row(&mut line, values.iter().map(String::as_str));
    line
}

/// Appends one CSV line (with its LF) to `out` without allocating per cell: the export path writes
/// millions of these.
pub fn push_row<'a>(out: &mut String, values: impl IntoIterator<Item = &'a str>) {
    for (i, value) in values.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, value);
    }
    out.push('\n');
}

/// One field: a leading `'` defuses spreadsheet formulas, then quotes where legacy quoted
/// (spaces) plus what CSV needs (comma, quote, CR, LF).
pub fn push_cell(out: &mut String, value: &str) {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if value.contains([' ', ',', '"', '\r', '\n']) {
        out.push('"');
        if formula {
            out.push('\'');
        }
        for c in value.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        if formula {
            out.push('\'');
        }
        out.push_str(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row_of(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn table_quotes_like_legacy_and_more() {
        let rows = vec![
            row_of(&["2024-01-01 10:00:00", "John Doe", "103", "NO ANSWER"]),
            row_of(&["x", "a,b", "say \"hi\"", "two\nlines"]),
        ];
        assert_eq!(
            table(&["start", "clid", "realsrc", "disposition"], &rows),
            "start,clid,realsrc,disposition\n\
             \"2024-01-01 10:00:00\",\"John Doe\",103,\"NO ANSWER\"\n\
             x,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
        );
        assert_eq!(table(&["start"], &[]), "");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(row(&row_of(&["=1+2", "+1", "-5", "@SUM(A1)", "\tx", "a=b"])), "'=1+2,'+1,'-5,'@SUM(A1),'\tx,a=b\n");
        assert_eq!(row(&row_of(&["=HYPERLINK(\"x\", \"y\")"])), "\"'=HYPERLINK(\"\"x\"\", \"\"y\"\")\"\n");
        assert_eq!(row(&row_of(&["\r"])), "\"'\r\"\n");
    }

    #[test]
    fn empty_row_is_just_a_newline() {
        assert_eq!(row(&[]), "\n");
        assert_eq!(row(&row_of(&["", ""])), ",\n");
    }
}
