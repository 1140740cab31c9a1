//! The gateway's own measurements, exposed at `GET /metrics` in the Prometheus text format
//! (version 0.0.4). Recording is a few atomic adds or one short lock per request; rendering
//! happens only when scraped. No metrics crate: the format is small and stable.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the latency buckets: 1 ms to 10 s.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// A latency histogram that many tasks record into at once.
#[derive(Debug, Default)]
pub struct Histogram {
    /// Count per bucket (not cumulative); the last slot counts what is above every bound.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Records one duration.
    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let slot = BUCKETS.iter().position(|bound| seconds <= *bound).unwrap_or(BUCKETS.len());
        self.buckets[slot].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Writes `<name>_bucket`, `_sum` and `_count` lines with the given labels (`a="b",...` or empty).
    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0;
        for (slot, bound) in BUCKETS.iter().enumerate() {
            cumulative += self.buckets[slot].load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}");
        }
        cumulative += self.buckets[BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {cumulative}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let braces = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
        let _ = writeln!(out, "{name}_sum{braces} {sum}");
        let _ = writeln!(out, "{name}_count{braces} {cumulative}");
    }
}

/// Requests of one route and method.
#[derive(Debug, Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    latency: Histogram,
}

/// Everything the gateway counts. One per process, in the service core.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Keyed by (route, method); routes are operation ids, never raw paths (bounded label values).
    http: Mutex<BTreeMap<(&'static str, &'static str), RouteStats>>,
    login_failures: AtomicU64,
    rate_limited: AtomicU64,
}

/// Values read from elsewhere at scrape time (the pool and the PBX nodes own them).
#[derive(Debug, Default)]
pub struct Gauges {
    /// Database connections handed out, idle, and the pool's ceiling.
    pub db_in_use: u64,
    pub db_idle: u64,
    pub db_max: u64,
    /// Per node: (name, connected, reconnects, action latency).
    pub nodes: Vec<NodeGauges>,
    /// Resident memory of the process, when the platform tells it.
    pub resident_bytes: Option<u64>,
}

/// One AMI node at scrape time.
#[derive(Debug)]
pub struct NodeGauges {
    pub name: String,
    pub up: bool,
    pub reconnects: u64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn record_request(&self, route: &'static str, method: &'static str, status: u16, elapsed: Duration) {
        let mut http = self.http.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let stats = http.entry((route, method)).or_default();
        *stats.by_status.entry(status).or_default() += 1;
        stats.latency.observe(elapsed);
    }

    /// Counts a refused login (wrong password, unknown user, locked user).
    pub fn record_login_failure(&self) {
        self.login_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a request refused by a rate limit.
    pub fn record_rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text: the counters here plus `gauges` and the AMI action latencies.
    pub fn render(&self, gauges: &Gauges, action_latency: &[(String, &Histogram)]) -> String {
        let mut out = String::with_capacity(8 * 1024);
        out.push_str(
            "# HELP pbxgw_http_requests_total Requests answered, by route (operation id), method and status.\n",
        );
        out.push_str("# TYPE pbxgw_http_requests_total counter\n");
        let http = self.http.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for ((route, method), stats) in http.iter() {
            for (status, count) in &stats.by_status {
                let _ = writeln!(
                    out,
                    "pbxgw_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {count}"
                );
            }
        }
        out.push_str("# HELP pbxgw_http_request_duration_seconds Time from request head to response head.\n");
        out.push_str("# TYPE pbxgw_http_request_duration_seconds histogram\n");
        for ((route, method), stats) in http.iter() {
            let labels = format!("route=\"{route}\",method=\"{method}\"");
            stats.latency.render(&mut out, "pbxgw_http_request_duration_seconds", &labels);
        }
        drop(http);
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = write!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
        };
        let gauge = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = write!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
        };
        counter(&mut out, "pbxgw_login_failures_total", "Refused logins.", self.login_failures.load(Ordering::Relaxed));
        counter(
            &mut out,
            "pbxgw_rate_limited_total",
            "Requests refused by a rate limit.",
            self.rate_limited.load(Ordering::Relaxed),
        );
        gauge(&mut out, "pbxgw_db_pool_in_use", "Database connections handed out.", gauges.db_in_use);
        gauge(&mut out, "pbxgw_db_pool_idle", "Open database connections not in use.", gauges.db_idle);
        gauge(&mut out, "pbxgw_db_pool_max", "Most database connections the pool opens.", gauges.db_max);
        if let Some(bytes) = gauges.resident_bytes {
            gauge(&mut out, "pbxgw_process_resident_memory_bytes", "Resident memory of the process.", bytes);
        }
        out.push_str("# HELP pbxgw_ami_node_up 1 while the node's AMI session is logged in.\n");
        out.push_str("# TYPE pbxgw_ami_node_up gauge\n");
        for node in &gauges.nodes {
            let _ = writeln!(out, "pbxgw_ami_node_up{{node=\"{}\"}} {}", node.name, u8::from(node.up));
        }
        out.push_str("# HELP pbxgw_ami_reconnects_total Logins after the first, per node.\n");
        out.push_str("# TYPE pbxgw_ami_reconnects_total counter\n");
        for node in &gauges.nodes {
            let _ = writeln!(out, "pbxgw_ami_reconnects_total{{node=\"{}\"}} {}", node.name, node.reconnects);
        }
        out.push_str("# HELP pbxgw_ami_action_duration_seconds Time from sending an AMI action to its answer.\n");
        out.push_str("# TYPE pbxgw_ami_action_duration_seconds histogram\n");
        for (node, histogram) in action_latency {
            histogram.render(&mut out, "pbxgw_ami_action_duration_seconds", &format!("node=\"{node}\""));
        }
        out
    }
}

/// Resident memory from `/proc/self/statm` (Linux); `None` elsewhere.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_count_everything() {
        let histogram = Histogram::default();
        histogram.observe(Duration::from_micros(500));
        histogram.observe(Duration::from_millis(30));
        histogram.observe(Duration::from_secs(60));
        let mut out = String::new();
        histogram.render(&mut out, "x", "a=\"b\"");
        assert!(out.contains("x_bucket{a=\"b\",le=\"0.001\"} 1\n"), "{out}");
        assert!(out.contains("x_bucket{a=\"b\",le=\"0.05\"} 2\n"), "{out}");
        assert!(out.contains("x_bucket{a=\"b\",le=\"10\"} 2\n"), "{out}");
        assert!(out.contains("x_bucket{a=\"b\",le=\"+Inf\"} 3\n"), "{out}");
        assert!(out.contains("x_count{a=\"b\"} 3\n"), "{out}");
        assert!(out.contains("x_sum{a=\"b\"} 60.0305\n"), "{out}");
    }
}
