//! The gateway and a real Asterisk 22 (`pbx_lab`): the PBX runs on what the doors store. Every
//! test here is skipped with a message when the lab is missing, and fails under CI.

use std::time::{Duration, Instant};

use pbx_gateway::pbx::ami::Action;
use reqwest::StatusCode;
use serde_json::json;

use crate::pbx_lab::sip::SipPhone;
use crate::pbx_lab::{LabSetup, RealPbx, wait_for};

const PHONE: (&str, &str, &str) = ("DEMO", "103", "phone-103-secret");
const SECOND_PHONE: (&str, &str, &str) = ("DEMO", "104", "phone-104-secret");

/// How long a change may take to show on the PBX (the issue's bound).
const LIVE_WITHIN: Duration = Duration::from_secs(1);

async fn register(lab: &RealPbx, node: usize, user: &str, secret: &str) -> u16 {
    let mut phone = SipPhone::new(lab.nodes[node].sip_addr(), user, secret).await.expect("udp socket");
    phone.register(60, Duration::from_secs(3)).await.expect("REGISTER answered").status
}

/// A global variable or function value read on the first node through the gateway's AMI session.
async fn getvar(lab: &RealPbx, expression: &str) -> String {
    let action = Action::new("Getvar").header("Variable", expression).expect("header");
    let answer = lab.app.core.pbx().node("srv01").expect("node").send(&action).await.expect("Getvar");
    answer.text("Value").to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

#[tokio::test]
async fn phones_register_with_what_the_doors_store_and_lose_it_when_it_goes() {
    let setup = LabSetup { nodes: 1, tenants: &["DEMO", "OTHER"], phones: &[PHONE] };
    let Some(lab) = RealPbx::start("phones_register_with_what_the_doors_store", setup).await else { return };
    let node = &lab.nodes[0];
    // The lab's phone registered with exactly the credentials created through REST.
    assert!(node.has_contact("103-DEMO"), "{}", node.rx("pjsip show contacts"));

    // Created through the legacy door: registers at once, with that secret only.
    let created = lab
        .app
        .legacy_post(
            &[
                ("key", &lab.admin),
                ("reqtype", "MANAGEDB"),
                ("object", "extension"),
                ("action", "add"),
                ("tenant", "DEMO"),
            ],
            &[("jsondata", r#"{"ex_number":"201","ex_name":"Legacy","ex_tech":"PJSIP","password":"legacy-secret-1"}"#)],
        )
        .await;
    assert!(created.body.contains("\"ex_number\":\"201\""), "{}", created.body);
    let id =
        created.json()["ex_id"].as_str().map(str::to_string).unwrap_or_else(|| created.json()["ex_id"].to_string());
    let started = Instant::now();
    assert_eq!(register(&lab, 0, "201-DEMO", "legacy-secret-1").await, 200);
    assert!(started.elapsed() < LIVE_WITHIN, "{:?}", started.elapsed());
    assert_eq!(register(&lab, 0, "201-DEMO", "wrong-secret").await, 401);
    // The same number in another tenant is another endpoint with its own secret.
    assert_eq!(register(&lab, 0, "201-OTHER", "legacy-secret-1").await, 401);

    // A changed secret (REST) works at once and the old one no longer does.
    let path = format!("/v1/tenants/DEMO/extensions/{id}");
    let changed = lab.app.patch(&path, &lab.admin, json!({"secret": "changed-secret-2"})).await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    let mut phone = SipPhone::new(node.sip_addr(), "201-DEMO", "legacy-secret-1").await.expect("socket");
    assert_eq!(phone.register(60, Duration::from_secs(3)).await.expect("answered").status, 401);
    phone.set_password("changed-secret-2");
    assert_eq!(phone.register(60, Duration::from_secs(3)).await.expect("answered").status, 200);
    let contacts = node.rx("pjsip show contacts");
    assert!(contacts.contains(&format!("201-DEMO@{}", phone.local_addr())), "{contacts}");
    assert!(node.has_contact("201-DEMO"));

    // Disabled through REST: dropped and refused; enabled again through the legacy door: back.
    let disabled = lab.app.patch(&path, &lab.admin, json!({"disabled": true})).await;
    assert_eq!(disabled.body["disabled"], json!(true), "{:?}", disabled.body);
    wait_for("201-DEMO's contact dropped", LIVE_WITHIN, || !node.has_contact("201-DEMO")).await;
    assert_eq!(phone.register(60, Duration::from_secs(3)).await.expect("answered").status, 401);
    let enabled = lab
        .app
        .legacy_post(
            &[
                ("key", &lab.admin),
                ("reqtype", "MANAGEDB"),
                ("object", "extension"),
                ("action", "update"),
                ("tenant", "DEMO"),
                ("objectid", &id),
            ],
            &[("jsondata", r#"{"disabled":""}"#)],
        )
        .await;
    assert!(enabled.body.contains("\"disabled\":\"\""), "{}", enabled.body);
    assert_eq!(phone.register(60, Duration::from_secs(3)).await.expect("answered").status, 200);

    // Deleted: refused, and the registered contact is dropped (AMI DBDel) within the bound.
    assert_eq!(lab.app.delete(&path, &lab.admin).await.status, StatusCode::NO_CONTENT);
    wait_for("201-DEMO's contact dropped", LIVE_WITHIN, || !node.has_contact("201-DEMO")).await;
    assert_eq!(register(&lab, 0, "201-DEMO", "changed-secret-2").await, 401);

    // A disabled tenant's phones are dropped and cannot register; enabled again, they can.
    let disabled = lab.app.patch("/v1/tenants/DEMO", &lab.admin, json!({"disabled": true})).await;
    assert_eq!(disabled.status, StatusCode::OK, "{:?}", disabled.body);
    wait_for("103-DEMO's contact dropped", LIVE_WITHIN, || !node.has_contact("103-DEMO")).await;
    assert_eq!(register(&lab, 0, "103-DEMO", PHONE.2).await, 401);
    lab.app.patch("/v1/tenants/DEMO", &lab.admin, json!({"disabled": false})).await;
    assert_eq!(register(&lab, 0, "103-DEMO", PHONE.2).await, 200);

    // Write-to-effect latency over 100 changes: each creates an extension through REST and
    // REGISTERs until the PBX accepts it.
    let mut latencies = Vec::new();
    for n in 0..100 {
        let number = format!("{}", 3000 + n);
        let secret = format!("latency-secret-{n}");
        let mut phone = SipPhone::new(node.sip_addr(), &format!("{number}-DEMO"), &secret).await.expect("socket");
        let started = Instant::now();
        let body = json!({"number": number, "name": "Latency", "tech": "PJSIP", "secret": secret});
        let resp = lab.app.post("/v1/tenants/DEMO/extensions", &lab.admin, body).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
        loop {
            if phone.register(60, Duration::from_secs(3)).await.expect("answered").status == 200 {
                break;
            }
            assert!(started.elapsed() < LIVE_WITHIN, "{number} not registrable after {:?}", started.elapsed());
        }
        latencies.push(started.elapsed());
    }
    latencies.sort();
    eprintln!(
        "real PBX: API write -> REGISTER accepted, 100 changes: p50 {:?}, p99 {:?}, max {:?}",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies[latencies.len() - 1]
    );
}

#[tokio::test]
async fn calls_queues_and_voicemail_run_on_the_gateway_database() {
    let setup = LabSetup { nodes: 1, tenants: &["DEMO", "OTHER"], phones: &[PHONE, SECOND_PHONE] };
    let Some(lab) = RealPbx::start("calls_queues_and_voicemail", setup).await else { return };
    let node = &lab.nodes[0];
    wait_for("both phones registered", Duration::from_secs(10), || node.has_contact("104-DEMO")).await;
    let demo_key = lab.app.tenant_key("DEMO", false).await;
    let other_key = lab.app.tenant_key("OTHER", false).await;

    // A call placed through DIAL: 103 rings (auto-answer), then 104 in the same tenant.
    let dial = lab
        .app
        .legacy(&[("key", &demo_key), ("reqtype", "DIAL"), ("source", "103"), ("dest", "104"), ("tenant", "DEMO")])
        .await;
    let originate_id = dial.body.split('|').nth(2).expect("originate id").to_string();
    assert!(dial.body.starts_with("Success|"), "{}", dial.body);
    let count =
        || async { lab.app.legacy(&[("key", &demo_key), ("reqtype", "COUNTCALLS"), ("tenant", "DEMO")]).await.body };
    let started = Instant::now();
    while count().await.trim() != "1" {
        assert!(started.elapsed() < Duration::from_secs(10), "the call never came up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let hangup =
        lab.app.legacy(&[("key", &demo_key), ("reqtype", "HANGUP"), ("extension", "103"), ("tenant", "DEMO")]).await;
    assert!(hangup.body.starts_with("Success|"), "{}", hangup.body);

    // Its CDR is in the tenant's reports within seconds, found by the originate id, in DEMO only.
    let mut cdr = serde_json::Value::Null;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        let page = lab.app.get("/v1/tenants/DEMO/cdrs", &demo_key).await;
        if let Some(item) = page.body["items"].as_array().and_then(|items| items.first()) {
            cdr = item.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let first_seen = started.elapsed();
    assert_eq!((cdr["src"].as_str(), cdr["dst"].as_str()), (Some("103"), Some("104")), "{cdr}");
    assert_eq!(cdr["disposition"], "ANSWERED", "{cdr}");
    let by_id = lab
        .app
        .legacy(&[
            ("key", &demo_key),
            ("reqtype", "INFO"),
            ("info", "CALL"),
            ("id", &originate_id),
            ("tenant", "DEMO"),
            ("format", "json"),
        ])
        .await;
    let legs = by_id.json();
    assert!(legs.as_array().is_some_and(|legs| !legs.is_empty()), "{}", by_id.body);
    assert!(by_id.body.contains("\"firstdst\":\"104\""), "{}", by_id.body);
    let legacy_cdrs = lab
        .app
        .legacy(&[("key", &demo_key), ("reqtype", "INFO"), ("info", "CDRS"), ("tenant", "DEMO"), ("format", "json")])
        .await;
    assert!(legacy_cdrs.body.contains("\"firstdst\":\"104\""), "{}", legacy_cdrs.body);
    let foreign = lab.app.get("/v1/tenants/OTHER/cdrs", &other_key).await;
    assert_eq!(foreign.body["items"].as_array().map(Vec::len), Some(0), "{:?}", foreign.body);
    eprintln!("real PBX: CDR of a hung-up call visible through REST after {first_seen:?}");

    // A queue and a member created through REST exist on the PBX; AGENT pause is seen there and
    // logged by Asterisk into queue_log.
    let queue = lab
        .app
        .post(
            "/v1/tenants/DEMO/queues",
            &demo_key,
            json!({"name": "support", "number": "500", "strategy": "rrmemory", "timeout": 15}),
        )
        .await;
    assert_eq!(queue.status, StatusCode::CREATED, "{:?}", queue.body);
    let queue_id = queue.body["id"].as_i64().expect("queue id");
    let extensions = lab.app.get("/v1/tenants/DEMO/extensions?number=104", &demo_key).await;
    let ext_id = extensions.body["items"][0]["id"].as_i64().expect("extension 104");
    let member = lab
        .app
        .send(
            lab.app
                .request(
                    reqwest::Method::PUT,
                    &format!("/v1/tenants/DEMO/queues/{queue_id}/members/{ext_id}"),
                    &demo_key,
                )
                .json(&json!({"penalty": 2})),
        )
        .await;
    assert!(member.status.is_success(), "{:?}", member.body);
    let shown = node.rx(&format!("queue show {queue_id}"));
    assert!(
        shown.contains("'rrmemory' strategy") && shown.contains("104-DEMO (PJSIP/104-DEMO) with penalty 2"),
        "{shown}"
    );
    let pause = lab
        .app
        .legacy(&[
            ("key", &demo_key),
            ("reqtype", "AGENT"),
            ("action", "pause"),
            ("extension", "104"),
            ("tenant", "DEMO"),
            ("pausereason", "lunch"),
        ])
        .await;
    assert_eq!(pause.body.trim(), "OK", "{}", pause.body);
    wait_for("member paused on the PBX", Duration::from_secs(2), || {
        node.rx(&format!("queue show {queue_id}")).contains("paused:lunch")
    })
    .await;
    let mut conn = lab.app.core.db().pool().acquire().await.expect("conn");
    let paused_rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM queue_log WHERE queuename = '{queue_id}' AND event = 'PAUSE'"
    )))
    .fetch_one(&mut *conn)
    .await
    .expect("queue_log");
    assert_eq!(paused_rows, 1, "Asterisk writes its queue events into queue_log");

    // A voicemail box created through REST: the PBX finds it and its PIN; a changed PIN at once.
    let boxed = lab
        .app
        .post(
            "/v1/tenants/DEMO/voicemail-boxes",
            &demo_key,
            json!({"mailbox": "103", "password": "4321", "full_name": "Reception"}),
        )
        .await;
    assert_eq!(boxed.status, StatusCode::CREATED, "{:?}", boxed.body);
    assert_eq!(getvar(&lab, "VM_INFO(103@DEMO,exists)").await, "1");
    assert_eq!(getvar(&lab, "VM_INFO(103@DEMO,password)").await, "4321");
    let box_id = boxed.body["id"].as_i64().expect("box id");
    let repin = lab
        .app
        .patch(&format!("/v1/tenants/DEMO/voicemail-boxes/{box_id}"), &demo_key, json!({"password": "8765"}))
        .await;
    assert_eq!(repin.status, StatusCode::OK, "{:?}", repin.body);
    assert_eq!(getvar(&lab, "VM_INFO(103@DEMO,password)").await, "8765");
    // Another tenant's mailbox of the same number is not this one.
    assert_eq!(getvar(&lab, "VM_INFO(103@OTHER,exists)").await, "0");
}

/// The peers the gateway sees for DEMO, as `(node, name, registered)`, and the nodes it could not ask.
async fn demo_peers(lab: &RealPbx, key: &str) -> (Vec<(String, String, bool)>, Vec<String>) {
    let peers = lab.app.get("/v1/tenants/DEMO/peers", key).await;
    assert_eq!(peers.status, StatusCode::OK, "{:?}", peers.body);
    let mut items: Vec<(String, String, bool)> = peers.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| {
            let text = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            (text("node"), text("name"), p["registered"].as_bool().unwrap_or(false))
        })
        .collect();
    items.sort();
    let down = peers.body["unavailable_nodes"]
        .as_array()
        .expect("unavailable_nodes")
        .iter()
        .map(|n| n.as_str().unwrap_or_default().to_string())
        .collect();
    (items, down)
}

#[tokio::test]
async fn two_nodes_on_one_database_form_one_pbx() {
    let setup = LabSetup { nodes: 2, tenants: &["DEMO"], phones: &[PHONE, SECOND_PHONE] };
    let Some(lab) = RealPbx::start("two_nodes_on_one_database", setup).await else { return };
    let key = lab.app.tenant_key("DEMO", false).await;
    for node in &lab.nodes {
        wait_for("both phones registered", Duration::from_secs(10), || node.has_contact("104-DEMO")).await;
    }

    // One extension, created once, registers on either node.
    let ext = lab.app.extension("DEMO", &key, "300").await;
    for node in 0..2 {
        assert_eq!(register(&lab, node, "300-DEMO", "s3cret-pass").await, 200, "node {node}");
    }

    // Live reads are cluster-wide: every node's registrations, each tagged with its node.
    let started = Instant::now();
    loop {
        let (peers, down) = demo_peers(&lab, &key).await;
        let registered: Vec<(String, String)> =
            peers.into_iter().filter(|(_, _, reg)| *reg).map(|(node, name, _)| (node, name)).collect();
        let want: Vec<(String, String)> = ["srv01", "srv02"]
            .iter()
            .flat_map(|n| ["103-DEMO", "104-DEMO", "300-DEMO"].map(|p| (n.to_string(), p.to_string())))
            .collect();
        if registered == want && down.is_empty() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{registered:?} / down {down:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A call on the second node counts cluster-wide and on that node.
    let dial = lab
        .app
        .legacy(&[
            ("key", &key),
            ("reqtype", "DIAL"),
            ("source", "103"),
            ("dest", "104"),
            ("tenant", "DEMO"),
            ("server", "srv02"),
        ])
        .await;
    assert!(dial.body.starts_with("Success|"), "{}", dial.body);
    let counts = || async {
        lab.app
            .legacy(&[("key", &key), ("reqtype", "COUNTCHANNELS"), ("tenant", "DEMO"), ("format", "json")])
            .await
            .json()
    };
    let started = Instant::now();
    while counts().await["srv02"] != json!(2) {
        assert!(started.elapsed() < Duration::from_secs(10), "{}", counts().await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(counts().await["srv01"], json!(0));
    assert_eq!(counts().await["total"], json!(2));

    // Node 2 goes away: only its answers fail.
    let srv02 = lab.node("srv02");
    srv02.stop();
    let pbx = lab.app.core.pbx();
    wait_for("srv02 seen down", Duration::from_secs(10), || !pbx.node("srv02").expect("node").status().synced).await;
    let (peers, down) = demo_peers(&lab, &key).await;
    assert_eq!(down, vec!["srv02".to_string()]);
    assert!(peers.iter().all(|(node, _, _)| node == "srv01") && peers.len() == 3, "{peers:?}");
    let on_down_node =
        lab.app.legacy(&[("key", &key), ("reqtype", "COUNTCHANNELS"), ("tenant", "DEMO"), ("nodename", "srv02")]).await;
    assert!(on_down_node.body.starts_with("Error|"), "{}", on_down_node.body);
    assert_eq!(register(&lab, 0, "300-DEMO", "s3cret-pass").await, 200);

    // While it is away, 300 is deleted: when it returns, it is re-synchronised and the contact
    // 300-DEMO left in its AstDB is dropped.
    let deleted = lab.app.delete(&format!("/v1/tenants/DEMO/extensions/{ext}"), &key).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    wait_for("300-DEMO dropped on srv01", Duration::from_secs(1), || !lab.node("srv01").has_contact("300-DEMO")).await;
    let restarted = Instant::now();
    srv02.start();
    let booted = restarted.elapsed();
    lab.wait_synced().await;
    let synced = restarted.elapsed();
    wait_for("300-DEMO dropped on srv02", Duration::from_secs(5), || !srv02.has_contact("300-DEMO")).await;
    let (peers, down) = demo_peers(&lab, &key).await;
    assert!(down.is_empty(), "{down:?}");
    assert!(peers.iter().any(|(node, name, reg)| node == "srv02" && name == "103-DEMO" && *reg), "{peers:?}");
    eprintln!(
        "real PBX: node restart -> lab.sh start returned after {booted:?}, gateway re-synchronised after {synced:?}"
    );
}
