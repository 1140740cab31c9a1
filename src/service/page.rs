//! Keyset pages: what every list capability takes and returns.

/// A page of rows and the cursor of the next one.
#[derive(Debug)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Id after which the next page starts; `None` on the last page.
    pub next_after: Option<i64>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched items: the extra one only proves a next page exists.
    pub fn from_overfetch(mut items: Vec<T>, limit: i64, id: impl Fn(&T) -> i64) -> Page<T> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let next_after = if items.len() > limit {
            items.truncate(limit);
            items.last().map(id)
        } else {
            None
        };
        Page { items, next_after }
    }
}

/// Page size and start.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    /// Start after this id.
    pub after_id: Option<i64>,
    /// Rows per page (already capped by the door).
    pub limit: i64,
}

impl PageRequest {
    /// Everything (legacy lists are not paginated).
    pub const ALL: PageRequest = PageRequest { after_id: None, limit: i64::MAX - 1 };
}
