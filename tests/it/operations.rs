//! Probes and measurements: `/ready`, and `/metrics` read back by a strict parser of the Prometheus
//! text format (version 0.0.4), as a Prometheus server would scrape it.

use std::collections::{BTreeMap, HashMap};

use reqwest::StatusCode;

use crate::helpers::TestApp;

/// One sample: metric name, labels, value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses an exposition strictly: every sample belongs to a family declared by `# TYPE` before it
/// (histograms through their `_bucket`, `_sum`, `_count` series), names and labels follow the
/// grammar, values are numbers, and every histogram's buckets are cumulative up to `+Inf` = count.
fn parse_exposition(text: &str) -> Vec<Sample> {
    let name_ok = |name: &str| {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    };
    let mut types: HashMap<String, String> = HashMap::new();
    let mut samples = Vec::new();
    assert!(text.ends_with('\n'), "the exposition ends with a newline");
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (kind, name, value) = (parts.next().unwrap(), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            assert!(name_ok(name), "bad family name in {line:?}");
            if kind == "TYPE" {
                assert!(["counter", "gauge", "histogram", "summary", "untyped"].contains(&value), "{line:?}");
                assert!(types.insert(name.to_string(), value.to_string()).is_none(), "{name} declared twice");
            } else {
                assert_eq!(kind, "HELP", "{line:?}");
            }
            continue;
        }
        assert!(!line.is_empty(), "no blank lines");
        let (series, value) = line.rsplit_once(' ').expect("sample has a value");
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("bad value in {line:?}"));
        let (name, labels) = match series.split_once('{') {
            None => (series, BTreeMap::new()),
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').unwrap_or_else(|| panic!("unclosed labels in {line:?}"));
                let mut labels = BTreeMap::new();
                for pair in body.split(',').filter(|p| !p.is_empty()) {
                    let (key, quoted) = pair.split_once('=').unwrap_or_else(|| panic!("bad label in {line:?}"));
                    assert!(name_ok(key), "bad label name in {line:?}");
                    let value = quoted.strip_prefix('"').and_then(|v| v.strip_suffix('"')).expect("quoted label");
                    assert!(!value.contains('"') && !value.contains('\\'), "unescaped label value in {line:?}");
                    labels.insert(key.to_string(), value.to_string());
                }
                (name, labels)
            }
        };
        assert!(name_ok(name), "bad metric name in {line:?}");
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| {
                name.strip_suffix(suffix).filter(|base| types.get(*base).is_some_and(|t| t == "histogram"))
            })
            .unwrap_or(name);
        assert!(types.contains_key(family), "{name} has no # TYPE before it");
        samples.push(Sample { name: name.to_string(), labels, value });
    }
    // Histograms: cumulative buckets ending at +Inf, equal to _count.
    let mut buckets: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let mut counts: BTreeMap<String, f64> = BTreeMap::new();
    for sample in &samples {
        let mut series_labels = sample.labels.clone();
        if let Some(base) = sample.name.strip_suffix("_bucket") {
            let le = series_labels.remove("le").expect("bucket has le");
            let bound = if le == "+Inf" { f64::INFINITY } else { le.parse().expect("numeric le") };
            buckets.entry(format!("{base}{series_labels:?}")).or_default().push((bound, sample.value));
        } else if let Some(base) = sample.name.strip_suffix("_count") {
            counts.insert(format!("{base}{series_labels:?}"), sample.value);
        }
    }
    for (series, list) in &buckets {
        assert!(list.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1), "{series}: {list:?}");
        let (last_bound, last_count) = *list.last().unwrap();
        assert!(last_bound.is_infinite(), "{series} ends at +Inf");
        assert_eq!(counts.get(series), Some(&last_count), "{series}: +Inf bucket = _count");
    }
    samples
}

fn value_of(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| s.name == name && labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
        .map(|s| s.value)
}

#[tokio::test]
async fn metrics_count_requests_logins_and_the_pool_in_the_prometheus_format() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    for _ in 0..3 {
        assert_eq!(app.get("/v1/tenants/ACME/queues", &key).await.status, StatusCode::OK);
    }
    assert_eq!(app.get("/v1/tenants/NOPE/queues", &key).await.status, StatusCode::NOT_FOUND);
    app.legacy(&[("key", key.as_str()), ("reqtype", "INFO"), ("info", "queues"), ("tenant", "ACME")]).await;
    app.get("/no/such/path", "").await;
    let login = serde_json::json!({"username": "nobody", "password": "wrong-password"});
    assert_eq!(app.post("/v1/auth/login", "", login).await.status, StatusCode::UNAUTHORIZED);

    // Tenant keys may not read the gateway's measurements.
    assert_eq!(app.get("/metrics", &key).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/metrics", "").await.status, StatusCode::UNAUTHORIZED);
    let resp = app.client.get(app.url("/metrics")).header("X-API-Key", &app.admin_key).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let samples = parse_exposition(&resp.text().await.unwrap());

    let requests = "pbxgw_http_requests_total";
    let queues = [("route", "list_queues"), ("method", "GET")];
    assert_eq!(value_of(&samples, requests, &[queues[0], queues[1], ("status", "200")]), Some(3.0));
    assert_eq!(value_of(&samples, requests, &[queues[0], queues[1], ("status", "404")]), Some(1.0));
    assert_eq!(value_of(&samples, requests, &[("route", "legacy"), ("status", "200")]), Some(1.0));
    assert_eq!(value_of(&samples, requests, &[("route", "unmatched"), ("status", "404")]), Some(1.0));
    assert_eq!(value_of(&samples, "pbxgw_http_request_duration_seconds_count", &queues), Some(4.0));
    assert_eq!(value_of(&samples, "pbxgw_login_failures_total", &[]), Some(1.0));
    assert!(value_of(&samples, "pbxgw_db_pool_max", &[]).is_some_and(|max| max >= 1.0));
    assert!(value_of(&samples, "pbxgw_db_pool_in_use", &[]).is_some());
    assert!(value_of(&samples, "pbxgw_process_resident_memory_bytes", &[]).is_some_and(|bytes| bytes > 1e6));
    // No raw path ever becomes a label value.
    assert!(samples.iter().all(|s| s.labels.values().all(|v| !v.contains('/'))), "paths leaked into labels");
}

#[tokio::test]
async fn metrics_show_ami_nodes_and_action_latency() {
    let lab = crate::live_lab::LiveLab::start(1).await;
    let admin = lab.app.admin_key.clone();
    assert_eq!(lab.app.legacy(&[("key", admin.as_str()), ("reqtype", "COUNTCHANNELS")]).await.body, "srv01:0|");
    let resp = lab.app.client.get(lab.app.url("/metrics")).header("X-API-Key", &admin).send().await.unwrap();
    let samples = parse_exposition(&resp.text().await.unwrap());
    assert_eq!(value_of(&samples, "pbxgw_ami_node_up", &[("node", "srv01")]), Some(1.0));
    assert_eq!(value_of(&samples, "pbxgw_ami_reconnects_total", &[("node", "srv01")]), Some(0.0));
    // The initial synchronisation alone sends several actions.
    let actions = value_of(&samples, "pbxgw_ami_action_duration_seconds_count", &[("node", "srv01")]);
    assert!(actions.is_some_and(|n| n >= 3.0), "{actions:?}");
}

#[tokio::test]
async fn ready_needs_the_database_and_every_migration() {
    let app = TestApp::spawn().await;
    let ready = app.get("/ready", "").await;
    assert_eq!((ready.status, &ready.body["status"]), (StatusCode::OK, &serde_json::json!("ready")));
    // A database that misses this build's last migration is not ready (an older replica's
    // database, a restored backup); liveness stays fine.
    let mut conn = app.core.db().pool().acquire().await.unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let not_ready = app.get("/ready", "").await;
    assert_eq!((not_ready.status, not_ready.code()), (StatusCode::SERVICE_UNAVAILABLE, "unavailable"));
    assert_eq!(app.get("/health", "").await.status, StatusCode::OK);
}
