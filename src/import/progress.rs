//! A one-line progress display on stderr (bytes read of the file's size, rows, rows per second),
//! redrawn at most ten times a second and only when stderr is a terminal, so logs and pipes stay
//! clean. Hand-rolled: a progress-bar crate would be the biggest dependency of the command.

use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

/// Progress of one import.
#[derive(Debug)]
pub struct Progress {
    total: u64,
    started: Instant,
    last_draw: Option<Instant>,
    enabled: bool,
}

const REDRAW: Duration = Duration::from_millis(100);

impl Progress {
    /// Progress over `total` bytes; draws only if stderr is a terminal.
    pub fn new(total: u64) -> Progress {
        Progress { total, started: Instant::now(), last_draw: None, enabled: std::io::stderr().is_terminal() }
    }

    /// Reports `bytes` read and `rows` done; redraws when the last redraw is old enough.
    pub fn update(&mut self, bytes: u64, rows: u64) {
        if !self.enabled || self.last_draw.is_some_and(|t| t.elapsed() < REDRAW) {
            return;
        }
        self.last_draw = Some(Instant::now());
        let percent = if self.total == 0 { 100.0 } else { bytes as f64 * 100.0 / self.total as f64 };
        let line = format!(
            "\r{percent:5.1}%  {} / {}  {rows} rows  {:.0} rows/s\x1b[K",
            mib(bytes),
            mib(self.total),
            self.rate(rows)
        );
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }

    /// Clears the progress line (the caller then prints its summary).
    pub fn finish(&mut self) {
        if self.enabled && self.last_draw.is_some() {
            let _ = std::io::stderr().write_all(b"\r\x1b[K");
        }
    }

    /// Rows per second since the start.
    pub fn rate(&self, rows: u64) -> f64 {
        rows as f64 / self.started.elapsed().as_secs_f64().max(0.001)
    }

    /// Seconds since the start.
    pub fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
