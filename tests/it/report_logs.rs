//! INFO queuelogs/ivrlogs, RESPONSEPATH and their REST twins (queue-logs, ivr-logs,
//! response-paths/{id}/results): fixtures are written with SQL as the PBX would write them.

use pbx_gateway::domain::time::stored_to_local;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Legacy, TestApp};

/// Creates an object through REST and returns its id.
async fn create(app: &TestApp, key: &str, path: &str, body: Value) -> i64 {
    let resp = app.post(path, key, body).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
    resp.body["id"].as_i64().unwrap()
}

async fn queue_event(app: &TestApp, time: &str, callid: &str, queue: i64, agent: &str, event: &str, data: [&str; 3]) {
    sqlx::query(
        "INSERT INTO queue_log (time, callid, queuename, agent, event, data, data1, data2, data3) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(time.to_string())
    .bind(callid.to_string())
    .bind(queue.to_string())
    .bind(agent.to_string())
    .bind(event.to_string())
    .bind(data.join("|"))
    .bind(data[0].to_string())
    .bind(data[1].to_string())
    .bind(data[2].to_string())
    .execute(app.core.db().pool())
    .await
    .unwrap();
}

async fn ivr_choice(app: &TestApp, tenant: i64, time: &str, uniqueid: &str, ivr: i64, digit: &str, dest: &str) {
    sqlx::query(
        "INSERT INTO il_ivrlogs (il_te_id, il_time, il_uniqueid, il_callerid, il_iv_id, il_digit, il_destination) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(time.to_string())
    .bind(uniqueid.to_string())
    .bind("Bob <555>".to_string())
    .bind(ivr)
    .bind(digit.to_string())
    .bind(dest.to_string())
    .execute(app.core.db().pool())
    .await
    .unwrap();
}

/// Steps `(type, type_id, value, type_name)` of one call.
async fn steps(app: &TestApp, tenant: i64, path: i64, uniqueid: &str, time: &str, steps: &[(&str, &str, &str, &str)]) {
    for (kind, type_id, value, type_name) in steps {
        sqlx::query(
            "INSERT INTO rr_responsepath_results (rr_te_id, rr_rh_id, rr_uniqueid, rr_time, rr_type, rr_type_id, \
             rr_value, rr_type_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(tenant)
        .bind(path)
        .bind(uniqueid.to_string())
        .bind(time.to_string())
        .bind(kind.to_string())
        .bind(type_id.to_string())
        .bind(value.to_string())
        .bind(type_name.to_string())
        .execute(app.core.db().pool())
        .await
        .unwrap();
    }
}

async fn info(app: &TestApp, key: &str, tenant: &str, params: &[(&str, &str)]) -> Legacy {
    let mut all = vec![("key", key), ("reqtype", "INFO"), ("tenant", tenant)];
    all.extend_from_slice(params);
    app.legacy(&all).await
}

/// ACME: queues Support (9200) and Sales (781), agent extension 104; OTHER: one queue, one call.
struct QueueFixture {
    app: TestApp,
    acme: String,
    other: String,
    support: i64,
    sales: i64,
}

async fn queue_fixture() -> QueueFixture {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let acme = app.tenant_key("ACME", false).await;
    let other = app.tenant_key("OTHER", false).await;
    let queue = |name: &str, number: &str| json!({"name": name, "number": number, "strategy": "ringall"});
    let support = create(&app, &acme, "/v1/tenants/ACME/queues", queue("Support", "9200")).await;
    let sales = create(&app, &acme, "/v1/tenants/ACME/queues", queue("Sales", "781")).await;
    let theirs = create(&app, &other, "/v1/tenants/OTHER/queues", queue("Theirs", "500")).await;
    app.extension("ACME", &acme, "104").await;

    queue_event(&app, "2024-05-01 12:00:00", "NONE", support, "104-ACME", "ADDMEMBER", ["", "", ""]).await;
    queue_event(&app, "2024-05-01 12:00:01.250000", "a.1", support, "NONE", "ENTERQUEUE", ["", "Bob <555>", "1"]).await;
    queue_event(&app, "2024-05-01 12:00:02", "a.1", support, "104-ACME", "CONNECT", ["12", "a.9", "3"]).await;
    queue_event(&app, "2024-05-01 12:00:03", "b.2", sales, "NONE", "ENTERQUEUE", ["", "555-2", "2"]).await;
    queue_event(&app, "2024-05-01 12:00:04", "b.2", sales, "NONE", "ABANDON", ["1", "2", "30"]).await;
    queue_event(&app, "2024-05-01 12:01:00", "a.1", support, "104-ACME", "COMPLETECALLER", ["12", "95", "1"]).await;
    queue_event(&app, "2024-06-15 12:00:00", "c.3", support, "NONE", "ENTERQUEUE", ["", "777", "1"]).await;
    queue_event(&app, "2024-05-01 12:00:00", "z.9", theirs, "NONE", "ENTERQUEUE", ["", "999", "1"]).await;
    QueueFixture { app, acme, other, support, sales }
}

const MAY: [(&str, &str); 2] = [("start", "2024-04-30"), ("end", "2024-05-02")];

#[tokio::test]
async fn queuelogs_json_has_one_record_per_call_with_the_agent_extension() {
    let f = queue_fixture().await;
    let read_only = f.app.tenant_key("ACME", true).await;
    let mut params = vec![("info", "queuelogs"), ("format", "json")];
    params.extend(MAY);
    let resp = info(&f.app, &read_only, "ACME", &params).await;
    assert_eq!(resp.content_type, "application/json");
    assert!(!resp.body.contains("s3cret-pass"), "a credential leaked: {}", resp.body);
    let records = resp.json();
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 2, "{records:?}");

    let answered = records[0].as_object().unwrap();
    let keys: Vec<&str> = answered.keys().map(String::as_str).collect();
    assert_eq!(
        &keys[..18],
        [
            "0",
            "time",
            "1",
            "qu_name",
            "2",
            "callerid",
            "3",
            "disposition",
            "4",
            "agent",
            "5",
            "holdtime",
            "6",
            "calltime",
            "7",
            "origpos",
            "8",
            "callid"
        ]
    );
    assert_eq!(keys[19], "ex_id");
    assert_eq!(answered["time"], json!(stored_to_local("2024-05-01 12:00:01")));
    assert_eq!(answered["qu_name"], "Support");
    assert_eq!(answered["callerid"], "Bob <555>");
    assert_eq!(answered["disposition"], "COMPLETECALLER");
    assert_eq!(answered["agent"], "104-ACME");
    assert_eq!(
        (&answered["holdtime"], &answered["calltime"], &answered["origpos"]),
        (&json!("12"), &json!("95"), &json!("1"))
    );
    assert_eq!(answered["callid"], "a.1");
    assert_eq!(answered["ex_number"], "104");
    assert_eq!(answered["ex_name"], "Ext 104");
    assert_eq!(answered["secret"], "");
    // Positional twins follow the record order through the joined extension row.
    let named = keys.iter().filter(|k| k.parse::<usize>().is_err()).count();
    for (index, name) in keys.iter().filter(|k| k.parse::<usize>().is_err()).enumerate() {
        assert_eq!(answered[&index.to_string()], answered[*name], "twin of {name}");
    }
    assert_eq!(keys.len(), named * 2);

    let abandoned = records[1].as_object().unwrap();
    assert_eq!(abandoned.len(), answered.len(), "same shape with or without an agent");
    assert_eq!(abandoned["qu_name"], "Sales");
    assert_eq!(abandoned["disposition"], "ABANDON");
    assert_eq!(abandoned["agent"], "");
    assert_eq!((&abandoned["holdtime"], &abandoned["origpos"]), (&json!("30"), &json!("2")));
    assert_eq!(abandoned["ex_id"], Value::Null);
    assert_eq!(abandoned["9"], Value::Null);
}

#[tokio::test]
async fn queuelogs_csv_plain_empty_ranges_and_queue_filter() {
    let f = queue_fixture().await;
    let (app, key) = (&f.app, f.acme.as_str());
    let local = stored_to_local("2024-05-01 12:00:01");
    let header = "time,qu_name,callerid,disposition,agent,holdtime,calltime,origpos,callid,ex_number,ex_name";

    let mut params = vec![("info", "QUEUELOGS"), ("format", "csv")];
    params.extend(MAY);
    let csv = info(app, key, "ACME", &params).await.body;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], header);
    assert_eq!(
        lines[1],
        format!("\"{local}\",Support,\"Bob <555>\",COMPLETECALLER,104-ACME,12,95,1,a.1,104,\"Ext 104\"")
    );
    assert_eq!(lines.len(), 3);
    assert!(lines[2].ends_with(",Sales,555-2,ABANDON,,30,0,2,b.2,,"), "{}", lines[2]);

    let mut params = vec![("info", "queuelogs")];
    params.extend(MAY);
    let plain = info(app, key, "ACME", &params).await.body;
    assert_eq!(
        plain.lines().take(2).collect::<Vec<_>>(),
        [
            header.replace(',', "|"),
            format!("{local}|Support|Bob <555>|COMPLETECALLER|104-ACME|12|95|1|a.1|104|Ext 104")
        ]
    );

    // No calls in range: 0 bytes in every format (empty_json legacy).
    for format in ["json", "csv", "plain", "xml"] {
        let resp = info(
            app,
            key,
            "ACME",
            &[("info", "queuelogs"), ("format", format), ("start", "2023-01-01"), ("end", "2023-01-31")],
        )
        .await;
        assert_eq!(resp.body, "", "{format}");
    }
    // The June call only.
    let june = info(
        app,
        key,
        "ACME",
        &[("info", "queuelogs"), ("format", "json"), ("start", "2024-06-01"), ("end", "2024-06-30")],
    )
    .await;
    let june = june.json();
    assert_eq!(june.as_array().unwrap().len(), 1);
    assert_eq!(
        (&june[0]["callid"], &june[0]["disposition"], &june[0]["callerid"]),
        (&json!("c.3"), &json!("ENTERQUEUE"), &json!("777"))
    );

    // queue= takes a queue id or a queue number; an unknown (or foreign) queue is no data.
    let support = f.support.to_string();
    for (queue, callid) in [("781", "b.2"), (support.as_str(), "a.1")] {
        let mut params = vec![("info", "queuelogs"), ("format", "json"), ("queue", queue)];
        params.extend(MAY);
        let records = info(app, key, "ACME", &params).await.json();
        assert_eq!(records.as_array().unwrap().len(), 1, "{queue}");
        assert_eq!(records[0]["callid"], callid);
    }
    let mut params = vec![("info", "queuelogs"), ("queue", "500")];
    params.extend(MAY);
    assert_eq!(info(app, key, "ACME", &params).await.body, "");
    // A bad date is the door's error line, not a panic.
    let bad = info(app, key, "ACME", &[("info", "queuelogs"), ("start", "May 1st")]).await;
    assert!(bad.body.starts_with("Error: start"), "{}", bad.body);
}

#[tokio::test]
async fn queue_logs_never_cross_tenants() {
    let f = queue_fixture().await;
    let mut params = vec![("info", "queuelogs"), ("format", "json")];
    params.extend(MAY);
    let theirs = info(&f.app, &f.other, "OTHER", &params).await.json();
    assert_eq!(theirs.as_array().unwrap().len(), 1);
    assert_eq!(theirs[0]["callid"], "z.9");
    // OTHER's key naming ACME is refused like any foreign tenant.
    let refused = info(&f.app, &f.other, "ACME", &params).await;
    assert_eq!(refused.body, crate::helpers::KEY_ERROR);

    let rest = f.app.get("/v1/tenants/OTHER/queue-logs", &f.other).await;
    assert_eq!(rest.status, StatusCode::OK);
    assert_eq!(rest.body["items"].as_array().unwrap().len(), 1);
    let path = format!("/v1/tenants/OTHER/queue-logs?queue_id={}", f.support);
    assert_eq!(f.app.get(&path, &f.other).await.body["items"], json!([]));
    assert_eq!(f.app.get("/v1/tenants/ACME/queue-logs", &f.other).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn rest_queue_logs_filter_and_paginate_raw_events() {
    let f = queue_fixture().await;
    let read_only = f.app.tenant_key("ACME", true).await;
    let all = f.app.get("/v1/tenants/ACME/queue-logs", &read_only).await;
    assert_eq!(all.status, StatusCode::OK, "{:?}", all.body);
    let events: Vec<&str> =
        all.body["items"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["ADDMEMBER", "ENTERQUEUE", "CONNECT", "ENTERQUEUE", "ABANDON", "COMPLETECALLER", "ENTERQUEUE"]);
    let enter = &all.body["items"][1];
    assert_eq!(enter["time"], "2024-05-01T12:00:01.250+00:00");
    assert_eq!(
        (&enter["queue_id"], &enter["callid"], &enter["data2"]),
        (&json!(f.support), &json!("a.1"), &json!("Bob <555>"))
    );

    let path = format!("/v1/tenants/ACME/queue-logs?queue_id={}&event=ENTERQUEUE", f.sales);
    let sales = f.app.get(&path, &f.acme).await.body;
    assert_eq!(sales["items"].as_array().unwrap().len(), 1);
    assert_eq!(sales["items"][0]["callid"], "b.2");
    let agent = f.app.get("/v1/tenants/ACME/queue-logs?agent=104-ACME", &f.acme).await.body;
    assert_eq!(agent["items"].as_array().unwrap().len(), 3);
    let range = "/v1/tenants/ACME/queue-logs?from=2024-06-01T00:00:00Z&to=2024-06-30T00:00:00Z";
    assert_eq!(f.app.get(range, &f.acme).await.body["items"][0]["callid"], "c.3");
    let backwards =
        f.app.get("/v1/tenants/ACME/queue-logs?from=2024-06-01T00:00:00Z&to=2024-05-01T00:00:00Z", &f.acme).await;
    assert_eq!((backwards.status, backwards.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));

    let mut seen = Vec::new();
    let mut path = "/v1/tenants/ACME/queue-logs?limit=3".to_string();
    loop {
        let page = f.app.get(&path, &f.acme).await.body;
        seen.extend(page["items"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/tenants/ACME/queue-logs?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    let bad = f.app.get("/v1/tenants/ACME/queue-logs?cursor=nonsense", &f.acme).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_cursor"));
}

#[tokio::test]
async fn ivr_logs_through_both_doors() {
    let app = TestApp::spawn().await;
    let acme_id = app.tenant("ACME").await;
    let other_id = app.tenant("OTHER").await;
    let acme = app.tenant_key("ACME", true).await;
    let admin = app.admin_key.clone();
    let other = app.tenant_key("OTHER", false).await;
    let main = create(&app, &admin, "/v1/tenants/ACME/ivrs", json!({"name": "Main"})).await;
    ivr_choice(&app, acme_id, "2024-05-01 12:00:00", "u.1", main, "1", "QUEUE-5").await;
    ivr_choice(&app, acme_id, "2024-05-01 12:00:05", "u.2", 999, "2", "HANGUP-0").await;
    ivr_choice(&app, other_id, "2024-05-01 12:00:00", "o.1", main, "9", "EXT-1").await;

    let mut params = vec![("info", "ivrlogs"), ("format", "json")];
    params.extend(MAY);
    let json = info(&app, &acme, "ACME", &params).await.json();
    let local = stored_to_local("2024-05-01 12:00:00");
    assert_eq!(
        json[0],
        json!({"time": local, "uniqueid": "u.1", "callerid": "Bob <555>", "iv_id": main.to_string(), "iv_name": "Main", "digit": "1", "destination": "QUEUE-5"})
    );
    assert_eq!((&json[1]["iv_name"], json.as_array().unwrap().len()), (&json!(""), 2));
    let mut params = vec![("info", "IVRLOGS")];
    params.extend(MAY);
    let plain = info(&app, &acme, "ACME", &params).await.body;
    assert_eq!(
        plain.lines().take(2).collect::<Vec<_>>(),
        [
            "time|uniqueid|callerid|iv_id|iv_name|digit|destination".to_string(),
            format!("{local}|u.1|Bob <555>|{main}|Main|1|QUEUE-5")
        ]
    );
    assert_eq!(
        info(
            &app,
            &acme,
            "ACME",
            &[("info", "ivrlogs"), ("format", "json"), ("start", "2023-01-01"), ("end", "2023-12-31")]
        )
        .await
        .body,
        ""
    );
    let theirs = info(
        &app,
        &other,
        "OTHER",
        &[("info", "ivrlogs"), ("format", "json"), ("start", "2024-04-30"), ("end", "2024-05-02")],
    )
    .await
    .json();
    assert_eq!(theirs.as_array().unwrap().len(), 1);
    assert_eq!(theirs[0]["iv_name"], "", "another tenant's IVR name never shows");

    let rest = app.get(&format!("/v1/tenants/ACME/ivr-logs?ivr_id={main}"), &acme).await;
    assert_eq!(rest.status, StatusCode::OK, "{:?}", rest.body);
    assert_eq!(rest.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest.body["items"][0]["ivr_name"], "Main");
    assert_eq!(rest.body["items"][0]["time"], "2024-05-01T12:00:00+00:00");
    let page = app.get("/v1/tenants/ACME/ivr-logs?limit=1", &acme).await.body;
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let next = app.get(&format!("/v1/tenants/ACME/ivr-logs?limit=1&cursor={cursor}"), &acme).await.body;
    assert_eq!(next["items"][0]["uniqueid"], "u.2");
    assert_eq!(next["next_cursor"], Value::Null);
    assert_eq!(app.get("/v1/tenants/ACME/ivr-logs?uniqueid=o.1", &acme).await.body["items"], json!([]));
}

/// ACME's response path with the reference sample's call (answered by 105-ACME through queue 281)
/// recorded after an older one answered by 104-ACME.
struct PathFixture {
    app: TestApp,
    acme: String,
    other: String,
    path: i64,
    empty_path: i64,
}

const SAMPLE_ID: &str = "srv02-1509806457.625";
const OLDER_ID: &str = "srv02-1509806400.1";

async fn path_fixture() -> PathFixture {
    let app = TestApp::spawn().await;
    let acme_id = app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let acme = app.tenant_key("ACME", true).await;
    let admin = app.admin_key.clone();
    let other = app.tenant_key("OTHER", false).await;
    let path = create(&app, &admin, "/v1/tenants/ACME/response-paths", json!({"name": "Survey"})).await;
    let empty_path = create(&app, &admin, "/v1/tenants/ACME/response-paths", json!({"name": "Unused"})).await;
    let older = [
        ("START", "0", "2017-11-04 15:40:00", ""),
        ("CALLERID", "0", "Ann <1132555000>", ""),
        ("VARIABLE", "85", "11", "ClientID"),
        ("QUEUE", "282", "", ""),
        ("ANSWER", "0", "104-ACME", ""),
    ];
    steps(&app, acme_id, path, OLDER_ID, "2024-05-01 11:00:00", &older).await;
    let sample = [
        ("START", "0", "2017-11-04 15:41:01", ""),
        ("CALLERID", "0", "Susan <1132555678>", ""),
        ("VARIABLE", "85", "36985", ""),
        ("VARIABLE", "144", "56896", ""),
        ("QUEUE", "281", "", ""),
        ("ANSWER", "0", "105-ACME", ""),
        ("HANGUP", "0", "", ""),
    ];
    steps(&app, acme_id, path, SAMPLE_ID, "2024-05-01 12:00:00", &sample).await;
    PathFixture { app, acme, other, path, empty_path }
}

async fn rp(f: &PathFixture, key: &str, tenant: &str, params: &[(&str, &str)]) -> Legacy {
    let path = f.path.to_string();
    let mut all = vec![("key", key), ("reqtype", "RESPONSEPATH"), ("tenant", tenant), ("id", path.as_str())];
    all.extend_from_slice(params);
    f.app.legacy(&all).await
}

const SAMPLE_PLAIN: &str = "UniqueID|Type|Type ID|Value|Type Name|Value Name\n\
srv02-1509806457.625|START|0|2017-11-04 15:41:01||\n\
srv02-1509806457.625|CALLERID|0|Susan <1132555678>||\n\
srv02-1509806457.625|VARIABLE|85|36985||\n\
srv02-1509806457.625|VARIABLE|144|56896||\n\
srv02-1509806457.625|QUEUE|281|||\n\
srv02-1509806457.625|ANSWER|0|105-ACME||\n\
srv02-1509806457.625|HANGUP|0|||\n";

#[tokio::test]
async fn responsepath_getlast_matches_the_reference_sample() {
    let f = path_fixture().await;
    assert_eq!(rp(&f, &f.acme, "ACME", &[("action", "GETLAST")]).await.body, SAMPLE_PLAIN);
    let answered =
        rp(&f, &f.acme, "ACME", &[("action", "GETLAST"), ("filter", "ANSWER"), ("filterdata", "105-ACME")]).await;
    assert_eq!(answered.body, SAMPLE_PLAIN);
    let by_104 =
        rp(&f, &f.acme, "ACME", &[("action", "getlast"), ("filter", "answer"), ("filterdata", "104-ACME")]).await;
    assert!(by_104.body.contains(&format!("{OLDER_ID}|ANSWER|0|104-ACME||\n")), "{}", by_104.body);
    let by_queue = rp(&f, &f.acme, "ACME", &[("action", "getlast"), ("filter", "queue"), ("filterdata", "282")]).await;
    assert!(by_queue.body.starts_with(&format!("UniqueID|Type|Type ID|Value|Type Name|Value Name\n{OLDER_ID}|START")));
    let nobody =
        rp(&f, &f.acme, "ACME", &[("action", "getlast"), ("filter", "answer"), ("filterdata", "999-ACME")]).await;
    assert_eq!(nobody.body, "");

    let json = rp(&f, &f.acme, "ACME", &[("action", "getlast"), ("format", "json")]).await.json();
    assert_eq!(json.as_array().unwrap().len(), 7);
    assert_eq!(
        json[4],
        json!({"UniqueID": SAMPLE_ID, "Type": "QUEUE", "Type ID": "281", "Value": "", "Type Name": "", "Value Name": ""})
    );
}

#[tokio::test]
async fn responsepath_xml_is_well_formed_with_the_sample_elements() {
    let f = path_fixture().await;
    let resp = rp(
        &f,
        &f.acme,
        "ACME",
        &[("action", "GETLAST"), ("filter", "ANSWER"), ("filterdata", "104-ACME"), ("format", "xml")],
    )
    .await;
    assert!(resp.body.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#), "{}", resp.body);
    let mut reader = quick_xml::Reader::from_str(&resp.body);
    let mut elements = Vec::new();
    let mut depth = 0;
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("malformed XML ({e}): {}", resp.body)) {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                if depth == 2 {
                    elements.push(String::from_utf8(e.name().as_ref().to_vec()).unwrap());
                }
            }
            quick_xml::events::Event::Text(t) if depth == 2 => {
                let name = elements.last().unwrap().clone();
                elements.push(format!("{name}={}", t.unescape().unwrap()));
            }
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    assert_eq!(
        elements,
        [
            "Agent",
            "Agent=104-ACME",
            "Status",
            "Status=ACTIVE",
            "Queue",
            "Queue=282",
            "ClientID",
            "ClientID=11",
            "Caller",
            "Caller=Ann <1132555000>",
            "VoiceFile"
        ]
    );
    let sample = rp(&f, &f.acme, "ACME", &[("action", "getlast"), ("format", "xml")]).await.body;
    assert!(
        sample.contains("<Status>NOT ACTIVE</Status>") && sample.contains("<Caller>Susan &lt;1132555678&gt;</Caller>")
    );
    assert!(sample.contains("<VARIABLE_85>36985</VARIABLE_85>"), "{sample}");
}

#[tokio::test]
async fn responsepath_getid_list_and_misses() {
    let f = path_fixture().await;
    let by_uniqueid = rp(&f, &f.acme, "ACME", &[("action", "getid"), ("rrid", OLDER_ID)]).await.body;
    assert_eq!(by_uniqueid.lines().count(), 6);
    assert!(by_uniqueid.lines().skip(1).all(|l| l.starts_with(OLDER_ID)));
    let underscore = OLDER_ID.replace('.', "_");
    assert_eq!(rp(&f, &f.acme, "ACME", &[("action", "getid"), ("rrid", &underscore)]).await.body, by_uniqueid);
    // A result row id names its call.
    let rows = f.app.get(&format!("/v1/tenants/ACME/response-paths/{}/results", f.path), &f.acme).await;
    assert_eq!(rows.status, StatusCode::OK);
    let first_row: i64 = sqlx::query_scalar("SELECT MIN(rr_id) FROM rr_responsepath_results")
        .fetch_one(f.app.core.db().pool())
        .await
        .unwrap();
    assert_eq!(
        rp(&f, &f.acme, "ACME", &[("action", "getid"), ("rrid", &first_row.to_string())]).await.body,
        by_uniqueid
    );
    assert_eq!(rp(&f, &f.acme, "ACME", &[("action", "getid"), ("rrid", "srv09-1.1")]).await.body, "");

    let list =
        rp(&f, &f.acme, "ACME", &[("action", "list"), ("start", "2024-04-30"), ("end", "2024-05-02")]).await.body;
    let blocks: Vec<&str> = list.split("\n\n").collect();
    assert_eq!(blocks.len(), 2, "{list}");
    assert_eq!(format!("{}\n", blocks[0]), SAMPLE_PLAIN, "newest first");
    assert!(blocks[1].contains(OLDER_ID));
    let json = rp(
        &f,
        &f.acme,
        "ACME",
        &[("action", "LIST"), ("format", "json"), ("start", "2024-04-30"), ("end", "2024-05-02")],
    )
    .await
    .json();
    assert_eq!((json[0].as_array().unwrap().len(), json[1].as_array().unwrap().len()), (7, 5));
    assert_eq!(
        rp(&f, &f.acme, "ACME", &[("action", "list"), ("start", "2023-01-01"), ("end", "2023-01-02")]).await.body,
        ""
    );

    // Misses: no data, no id, unknown id, another tenant's path through its own key.
    let empty = f.empty_path.to_string();
    let base = [("key", f.acme.as_str()), ("reqtype", "RESPONSEPATH"), ("tenant", "ACME"), ("action", "getlast")];
    let mut with_empty = base.to_vec();
    with_empty.push(("id", &empty));
    assert_eq!(f.app.legacy(&with_empty).await.body, "");
    assert_eq!(f.app.legacy(&base).await.body, "");
    let mut unknown = base.to_vec();
    unknown.push(("id", "99999"));
    assert_eq!(f.app.legacy(&unknown).await.body, "");
    assert_eq!(rp(&f, &f.other, "OTHER", &[("action", "getlast")]).await.body, "");
    assert_eq!(
        rp(&f, &f.other, "OTHER", &[("action", "list"), ("start", "2024-04-30"), ("end", "2024-05-02")]).await.body,
        ""
    );
}

#[tokio::test]
async fn rest_response_path_results() {
    let f = path_fixture().await;
    let base = format!("/v1/tenants/ACME/response-paths/{}/results", f.path);
    let all = f.app.get(&base, &f.acme).await;
    assert_eq!(all.status, StatusCode::OK, "{:?}", all.body);
    let uniqueids: Vec<&str> =
        all.body["items"].as_array().unwrap().iter().map(|c| c["uniqueid"].as_str().unwrap()).collect();
    assert_eq!(uniqueids, [SAMPLE_ID, OLDER_ID]);
    assert_eq!(
        all.body["items"][0]["steps"][5],
        json!({"type": "ANSWER", "type_id": "0", "value": "105-ACME", "type_name": "", "value_name": "", "time": "2024-05-01T12:00:00+00:00"})
    );

    let latest = f.app.get(&format!("{base}?latest=true"), &f.acme).await.body;
    assert_eq!((latest["items"].as_array().unwrap().len(), &latest["next_cursor"]), (1, &Value::Null));
    let by_agent = f.app.get(&format!("{base}?answered_by=104-ACME"), &f.acme).await.body;
    assert_eq!(by_agent["items"][0]["uniqueid"], OLDER_ID);
    assert_eq!(f.app.get(&format!("{base}?queue=281"), &f.acme).await.body["items"][0]["uniqueid"], SAMPLE_ID);
    assert_eq!(
        f.app.get(&format!("{base}?uniqueid={OLDER_ID}"), &f.acme).await.body["items"].as_array().unwrap().len(),
        1
    );
    assert_eq!(
        f.app.get(&format!("{base}?from=2024-05-01T11:30:00Z"), &f.acme).await.body["items"].as_array().unwrap().len(),
        1
    );

    let first = f.app.get(&format!("{base}?limit=1"), &f.acme).await.body;
    assert_eq!(first["items"][0]["uniqueid"], SAMPLE_ID);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = f.app.get(&format!("{base}?limit=1&cursor={cursor}"), &f.acme).await.body;
    assert_eq!((&second["items"][0]["uniqueid"], &second["next_cursor"]), (&json!(OLDER_ID), &Value::Null));

    // Missing, foreign and cross-tenant ids all answer 404.
    let missing = f.app.get("/v1/tenants/ACME/response-paths/99999/results", &f.acme).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, "not_found"));
    let foreign = f.app.get(&format!("/v1/tenants/OTHER/response-paths/{}/results", f.path), &f.other).await;
    assert_eq!((foreign.status, foreign.code()), (missing.status, missing.code()));
    assert_eq!(f.app.get(&base, &f.other).await.status, StatusCode::NOT_FOUND);
    let empty = f.app.get(&format!("/v1/tenants/ACME/response-paths/{}/results", f.empty_path), &f.acme).await;
    assert_eq!(empty.body["items"], json!([]));
}

#[tokio::test]
async fn without_start_and_end_the_legacy_range_is_today() {
    let f = queue_fixture().await;
    let now = pbx_gateway::domain::time::stored(chrono::Utc::now());
    queue_event(&f.app, &now, "t.1", f.support, "NONE", "ENTERQUEUE", ["", "today", "1"]).await;
    queue_event(&f.app, &now, "t.1", f.support, "NONE", "EXITWITHTIMEOUT", ["1", "1", "40"]).await;
    let today = info(&f.app, &f.acme, "ACME", &[("info", "queuelogs"), ("format", "json")]).await.json();
    assert_eq!(today.as_array().unwrap().len(), 1, "{today:?}");
    assert_eq!(
        (&today[0]["callid"], &today[0]["disposition"], &today[0]["holdtime"]),
        (&json!("t.1"), &json!("EXITWITHTIMEOUT"), &json!("40"))
    );
    assert_eq!(today[0]["time"], json!(stored_to_local(&now)));
}
