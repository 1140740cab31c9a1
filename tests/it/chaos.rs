//! Crashes during writes: the gateway killed with SIGKILL while clients write comes back on the
//! same database with every write it acknowledged, and nothing half-written.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cli::Server;
use crate::helpers::{TestDb, http_client};

const ADMIN: &str = "chaos-admin-key-0123456789abcdef";

fn start(db: &TestDb) -> Server {
    // Quiet logs: nobody drains the child's stderr pipe while it writes. No rate limits: four
    // writers as fast as they can pass the default 600 per minute per key, and this test is about
    // durability (tests/it/rate_limits.rs covers the limits).
    Server::start(
        db,
        &[
            ("PBXGW_BOOTSTRAP_ADMIN_KEY", ADMIN),
            ("RUST_LOG", "warn"),
            ("PBXGW_RATE_LIMIT_PER_ADDRESS", "0"),
            ("PBXGW_RATE_LIMIT_PER_CREDENTIAL", "0"),
        ],
    )
}

/// Every queue name of tenant CHAOS, through the paginated list.
async fn queue_names(base: &str) -> Vec<String> {
    let client = http_client(None);
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/v1/tenants/CHAOS/queues?limit=500");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page: Value = client.get(url).header("X-API-Key", ADMIN).send().await.unwrap().json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            names.push(item["name"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return names,
        }
    }
}

#[tokio::test]
async fn sigkill_during_writes_loses_no_acknowledged_write() {
    let db = TestDb::create().await;
    let server = start(&db);
    server.ready().await;
    let client = http_client(None);
    let tenant = client
        .post(format!("{}/v1/tenants", server.base))
        .header("X-API-Key", ADMIN)
        .json(&json!({"code": "CHAOS", "name": "Chaos"}))
        .send()
        .await
        .unwrap();
    assert_eq!(tenant.status(), StatusCode::CREATED);

    // Four writers create queues as fast as they can; each remembers what was acknowledged.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (base, acknowledged, client) = (server.base.clone(), acknowledged.clone(), client.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    let name = format!("w{writer}-{n}");
                    let sent = client
                        .post(format!("{base}/v1/tenants/CHAOS/queues"))
                        .header("X-API-Key", ADMIN)
                        .json(&json!({"name": name}))
                        .send()
                        .await;
                    match sent {
                        Ok(resp) if resp.status() == StatusCode::CREATED => acknowledged.lock().unwrap().push(name),
                        Ok(resp) => panic!("{name}: {}", resp.status()),
                        Err(_) => return, // the server is gone
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 20, "too few writes before the kill to mean anything: {}", acknowledged.len());

    // The same database, a new process: every acknowledged queue is there, and at most the writes in
    // flight at the kill (one per writer) beyond them.
    let server = start(&db);
    server.ready().await;
    let stored = queue_names(&server.base).await;
    let missing: Vec<&String> = acknowledged.iter().filter(|name| !stored.contains(name)).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    assert!(stored.len() <= acknowledged.len() + 4, "{} stored, {} acknowledged", stored.len(), acknowledged.len());
    // And it takes writes again.
    let after = client
        .post(format!("{}/v1/tenants/CHAOS/queues", server.base))
        .header("X-API-Key", ADMIN)
        .json(&json!({"name": "after the crash"}))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::CREATED);
    eprintln!("chaos: {} writes acknowledged before SIGKILL, all present after restart", acknowledged.len());
    server.stop();
}
