//! Plain (pipe-separated) output of §0.8. Legacy did no escaping; cells here lose `|`, CR and LF
//! so a value can never add a column or a row.

/// A cell with the three separator characters replaced by spaces.
pub fn sanitize_cell(v: &str) -> String {
    v.replace(['|', '\r', '\n'], " ")
}

/// A header line plus one line per row, `|`-separated, no trailing pipe, LF after every line.
/// No rows gives the empty string: legacy lists answer 0 bytes when empty (§0.7).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut out = line(header.iter().copied());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str)));
    }
    out
}

fn line<'a>(cells: impl Iterator<Item = &'a str>) -> String {
    let mut out = cells.map(sanitize_cell).collect::<Vec<_>>().join("|");
    out.push('\n');
    out
}

/// `k<sep>v|` for every pair, trailing pipe, no newline (INFO `agents`, COUNTPEERS with `:`;
/// INFO `queues` with `": "`, Q-11/Q-22).
pub fn pair_line(pairs: &[(String, String)], separator: &str) -> String {
    pairs.iter().map(|(key, value)| format!("{}{separator}{}|", sanitize_cell(key), sanitize_cell(value))).collect()
}

/// Every field followed by `|`, no newline: the action result line of Q-05
/// (`Success|Originate successfully queued|ID|`).
pub fn result_line(fields: &[&str]) -> String {
    fields.iter().map(|field| format!("{}|", sanitize_cell(field))).collect()
}

/// `v0|v0|v1|v1|…|` without newline: the doubled BLFS/FLOWS rows kept by Q-19.
pub fn doubled_line(values: &[String]) -> String {
    values
        .iter()
        .map(|value| {
            let cell = sanitize_cell(value);
            format!("{cell}|{cell}|")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn table_has_header_rows_and_final_lf() {
        let rows = vec![row(&["100", "Alice", "SIP"]), row(&["101", "B|o\r\nb", ""])];
        assert_eq!(table(&["Number", "Name", "Tech"], &rows), "Number|Name|Tech\n100|Alice|SIP\n101|B o  b|\n");
        assert_eq!(table(&["Number", "Name"], &[]), "");
    }

    #[test]
    fn pair_lines_end_with_a_pipe() {
        let pairs = vec![("node1".to_string(), "3".to_string()), ("total".to_string(), "3".to_string())];
        assert_eq!(pair_line(&pairs, ":"), "node1:3|total:3|");
        let queues = vec![("5".to_string(), "Sales: EU|x".to_string())];
        assert_eq!(pair_line(&queues, ": "), "5: Sales: EU x|");
        assert_eq!(pair_line(&[], ":"), "");
    }

    #[test]
    fn result_line_matches_the_dial_sample() {
        assert_eq!(
            result_line(&["Success", "Originate successfully queued", "15a4cfe6429054"]),
            "Success|Originate successfully queued|15a4cfe6429054|"
        );
        assert_eq!(result_line(&["Error", "No channel found", ""]), "Error|No channel found||");
    }

    #[test]
    fn doubled_line_repeats_each_value() {
        assert_eq!(
            doubled_line(&row(&["100", "INUSE", "2024-01-01 10:00"])),
            "100|100|INUSE|INUSE|2024-01-01 10:00|2024-01-01 10:00|"
        );
        assert_eq!(doubled_line(&row(&["a|b"])), "a b|a b|");
    }
}
