//! Replay of a capture's server side.

/// Placeholder.
#[derive(Debug)]
pub struct Replay;
