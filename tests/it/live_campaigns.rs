//! Campaigns (run control, numbers, the dialer) and SMS, on both doors, against scripted nodes.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{KEY_ERROR, wait_until};
use crate::live_lab::LiveLab;

/// How long a test waits for the dialer to do what it asserts.
const WAIT: Duration = Duration::from_secs(10);

/// Creates a campaign through REST and returns its id.
async fn campaign(lab: &LiveLab, key: &str, name: &str, kind: &str, max_channels: i64) -> i64 {
    let body = json!({"name": name, "campaign_type": kind, "max_channels": max_channels});
    let resp = lab.app.post("/v1/tenants/DEMO/campaigns", key, body).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
    resp.body["id"].as_i64().expect("campaign id")
}

async fn legacy(lab: &LiveLab, key: &str, tenant: &str, params: &[(&str, &str)]) -> String {
    let mut all = vec![("key", key), ("tenant", tenant)];
    all.extend_from_slice(params);
    lab.app.legacy(&all).await.body
}

async fn campaign_call(lab: &LiveLab, key: &str, id: i64, params: &[(&str, &str)]) -> String {
    let id = id.to_string();
    let mut all = vec![("reqtype", "CAMPAIGN"), ("campaign", id.as_str())];
    all.extend_from_slice(params);
    legacy(lab, key, "DEMO", &all).await
}

async fn numbers(lab: &LiveLab, key: &str, id: i64) -> Vec<Value> {
    let resp = lab.app.get(&format!("/v1/tenants/DEMO/campaigns/{id}/numbers"), key).await;
    assert_eq!(resp.status, StatusCode::OK, "{:?}", resp.body);
    resp.body["items"].as_array().expect("items").clone()
}

fn originates(lab: &LiveLab) -> usize {
    lab.sent("Originate").len()
}

async fn statuses(lab: &LiveLab, key: &str, id: i64) -> Vec<String> {
    numbers(lab, key, id).await.iter().map(|n| n["status"].as_str().unwrap_or_default().to_string()).collect()
}

/// Gives the dialer the chance to do what it must not: a call it wrongly places cannot be waited
/// for, only watched for. The dialer looks for work once per tick (1 s by default), so the window is
/// one full tick, wherever in its period it starts, and a margin for the Originate to reach the
/// sim; anything shorter could end before the dialer looked at all.
async fn watch_one_dialer_tick(lab: &LiveLab) {
    tokio::time::sleep(lab.app.core.config().pbx.campaigns.tick + Duration::from_millis(250)).await;
}

#[tokio::test]
async fn the_dialer_keeps_max_channels_calls_up_and_pause_stops_new_dials() {
    let lab = LiveLab::start(1).await;
    let key = lab.tenant_with_extensions("DEMO", &["101"]).await;
    let id = campaign(&lab, &key, "Renewals", "ONDEMAND", 2).await;
    for number in ["3901", "3902", "3903", "3904"] {
        assert_eq!(campaign_call(&lab, &key, id, &[("action", "addnumber"), ("number", number)]).await, "OK");
    }
    assert_eq!(originates(&lab), 0, "a stopped campaign dials nothing");
    assert_eq!(campaign_call(&lab, &key, id, &[("action", "start")]).await, "OK");
    lab.wait_until("two calls placed", || originates(&lab) == 2).await;
    // The sim answers and keeps the calls up: no third call while both hold a channel.
    let answered = async || statuses(&lab, &key, id).await == ["ANSWERED", "ANSWERED", "NEW", "NEW"];
    wait_until("both calls answered", WAIT, answered).await;
    watch_one_dialer_tick(&lab).await;
    assert_eq!(originates(&lab), 2);
    let sent = lab.sent("Originate");
    assert_eq!(sent[0].get("Channel"), Some("Local/3901@pbxgw-internal"));
    assert_eq!(sent[0].get("Context"), Some("DEMO-campaign"));
    assert_eq!(sent[0].get("Exten"), Some(id.to_string().as_str()));
    assert_eq!(statuses(&lab, &key, id).await, ["ANSWERED", "ANSWERED", "NEW", "NEW"]);

    let paused = lab.app.post(&format!("/v1/tenants/DEMO/campaigns/{id}/pause"), &key, json!({})).await;
    assert_eq!(paused.status, StatusCode::OK, "{:?}", paused.body);
    assert_eq!(paused.body["status"], "PAUSED");
    // One call ends: its number is done, but a paused campaign places no new call.
    let first = lab.sims[0]
        .channel_names()
        .into_iter()
        .find(|n| n.starts_with("Local/3901@pbxgw-internal") && n.ends_with(";1"));
    assert!(lab.sims[0].hangup_channel(&first.expect("first call's channel"), 16));
    wait_until("the ended call's number is done", WAIT, async || statuses(&lab, &key, id).await[0] == "DONE").await;
    watch_one_dialer_tick(&lab).await;
    assert_eq!(originates(&lab), 2, "a paused campaign places no new call");

    assert_eq!(campaign_call(&lab, &key, id, &[("action", "resume")]).await, "OK");
    lab.wait_until("the freed channel is used again", || originates(&lab) == 3).await;
    assert_eq!(lab.sent("Originate")[2].get("Channel"), Some("Local/3903@pbxgw-internal"));

    let stopped = lab.app.post(&format!("/v1/tenants/DEMO/campaigns/{id}/stop"), &key, json!({})).await;
    assert_eq!(stopped.body["status"], "STOPPED");
    let second = lab.sims[0]
        .channel_names()
        .into_iter()
        .find(|n| n.starts_with("Local/3902@pbxgw-internal") && n.ends_with(";1"));
    assert!(lab.sims[0].hangup_channel(&second.expect("second call's channel"), 16));
    wait_until("the ended call's number is done", WAIT, async || statuses(&lab, &key, id).await[1] == "DONE").await;
    watch_one_dialer_tick(&lab).await;
    assert_eq!(originates(&lab), 3, "a stopped campaign places no new call");
}

#[tokio::test]
async fn failed_calls_are_marked_and_an_unavailable_pbx_leaves_numbers_new() {
    let lab = LiveLab::start(1).await;
    let key = lab.tenant_with_extensions("DEMO", &["101"]).await;
    let id = campaign(&lab, &key, "Failing", "ONDEMAND", 1).await;
    lab.sims[0].fail_originates(true);
    campaign_call(&lab, &key, id, &[("action", "addnumber"), ("number", "555")]).await;
    assert_eq!(campaign_call(&lab, &key, id, &[("action", "start")]).await, "OK");
    lab.wait_until("the call is placed", || originates(&lab) == 1).await;
    wait_until("the number failed", WAIT, async || statuses(&lab, &key, id).await[0] == "FAILED").await;
    let number = &numbers(&lab, &key, id).await[0];
    assert_eq!(number["status"], "FAILED");
    assert_eq!(number["attempts"], 1);

    lab.sims[0].shutdown();
    lab.wait_until("node down", || !lab.app.core.pbx().nodes()[0].status().synced).await;
    campaign_call(&lab, &key, id, &[("action", "addnumber"), ("number", "556")]).await;
    watch_one_dialer_tick(&lab).await;
    let number = &numbers(&lab, &key, id).await[1];
    assert_eq!((number["status"].as_str(), number["attempts"].as_i64()), (Some("NEW"), Some(0)));
}

#[tokio::test]
async fn scheduled_campaigns_refuse_start_and_stop_on_both_doors() {
    let lab = LiveLab::start(1).await;
    let key = lab.tenant_with_extensions("DEMO", &["101"]).await;
    let id = campaign(&lab, &key, "Nightly", "SCHEDULED", 1).await;
    for action in ["start", "stop"] {
        let answer = campaign_call(&lab, &key, id, &[("action", action)]).await;
        assert_eq!(answer, "Error|Campaign is not on-demand||");
        let resp = lab.app.post(&format!("/v1/tenants/DEMO/campaigns/{id}/{action}"), &key, json!({})).await;
        assert_eq!(resp.status, StatusCode::CONFLICT, "{:?}", resp.body);
    }
    let json_answer = legacy(
        &lab,
        &key,
        "DEMO",
        &[("reqtype", "CAMPAIGN"), ("campaign", &id.to_string()), ("action", "start"), ("format", "json")],
    )
    .await;
    assert_eq!(json_answer, r#"{"Response":"Error","Message":"Campaign is not on-demand","ID":""}"#);
    assert_eq!(campaign_call(&lab, &key, id, &[("action", "pause")]).await, "Error|Campaign is not running||");
    assert_eq!(campaign_call(&lab, &key, id, &[("action", "explode")]).await, "Unknown action");
    assert_eq!(
        legacy(&lab, &key, "DEMO", &[("reqtype", "CAMPAIGN"), ("action", "start")]).await,
        "No campaign specified"
    );
}

#[tokio::test]
async fn numbers_are_managed_through_both_doors() {
    let lab = LiveLab::start(1).await;
    let key = lab.tenant_with_extensions("DEMO", &["101"]).await;
    let id = campaign(&lab, &key, "Survey", "ONDEMAND", 1).await;
    let add = [("action", "addnumber"), ("number", "+390612"), ("numberdescription", "Rossi")];
    assert_eq!(campaign_call(&lab, &key, id, &add).await, "OK");
    assert_eq!(campaign_call(&lab, &key, id, &add).await, "Error|the campaign has this number already||");
    let bad = campaign_call(&lab, &key, id, &[("action", "addnumber"), ("number", "12a")]).await;
    assert!(bad.starts_with("Error|number: "), "{bad}");
    assert_eq!(campaign_call(&lab, &key, id, &[("action", "addnumber")]).await, "No number specified");

    let path = format!("/v1/tenants/DEMO/campaigns/{id}/numbers");
    let created = lab.app.post(&path, &key, json!({"number": "0612", "description": "Bianchi"})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["status"], "NEW");
    assert_eq!(lab.app.post(&path, &key, json!({"number": "0612"})).await.status, StatusCode::CONFLICT);

    let listed = legacy(
        &lab,
        &key,
        "DEMO",
        &[("reqtype", "CAMPAIGN"), ("campaign", &id.to_string()), ("action", "listnumbers"), ("format", "json")],
    )
    .await;
    let listed: Value = serde_json::from_str(&listed).expect("json");
    assert_eq!(
        listed,
        json!([
            {"number": "+390612", "description": "Rossi", "status": "NEW", "attempts": "0"},
            {"number": "0612", "description": "Bianchi", "status": "NEW", "attempts": "0"},
        ])
    );
    let plain = campaign_call(&lab, &key, id, &[("action", "listnumbers")]).await;
    assert_eq!(plain, "Number|Description|Status|Attempts\n+390612|Rossi|NEW|0\n0612|Bianchi|NEW|0\n");

    let page = lab.app.get(&format!("{path}?limit=1"), &key).await;
    assert_eq!(page.body["items"][0]["number"], "+390612");
    let next = page.body["next_cursor"].as_str().expect("cursor").to_string();
    let rest = lab.app.get(&format!("{path}?limit=1&cursor={next}"), &key).await;
    assert_eq!(rest.body["items"][0]["number"], "0612");

    assert_eq!(lab.app.delete(&format!("{path}/0612"), &key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(lab.app.delete(&format!("{path}/0612"), &key).await.status, StatusCode::NOT_FOUND);
    let del = [("action", "delnumber"), ("number", "0612")];
    assert_eq!(campaign_call(&lab, &key, id, &del).await, "Error|campaign number not found||");
    assert_eq!(campaign_call(&lab, &key, id, &[("action", "cleannumbers")]).await, "OK");
    assert_eq!(campaign_call(&lab, &key, id, &[("action", "listnumbers")]).await, "");
    assert!(numbers(&lab, &key, id).await.is_empty());
}

#[tokio::test]
async fn campaigns_of_another_tenant_answer_as_missing_and_read_only_keys_cannot_write() {
    let lab = LiveLab::start(1).await;
    let key = lab.tenant_with_extensions("DEMO", &["101"]).await;
    let id = campaign(&lab, &key, "Mine", "ONDEMAND", 1).await;
    campaign_call(&lab, &key, id, &[("action", "addnumber"), ("number", "100")]).await;
    let other = lab.tenant_with_extensions("OTHER", &["101"]).await;
    for campaign_id in [id.to_string(), "999999".to_string()] {
        let params = [("reqtype", "CAMPAIGN"), ("campaign", campaign_id.as_str()), ("action", "start")];
        assert_eq!(legacy(&lab, &other, "OTHER", &params).await, "Error|campaign not found||");
        let resp = lab.app.post(&format!("/v1/tenants/OTHER/campaigns/{campaign_id}/start"), &other, json!({})).await;
        assert_eq!(resp.status, StatusCode::NOT_FOUND, "{:?}", resp.body);
    }
    let resp = lab.app.get(&format!("/v1/tenants/OTHER/campaigns/{id}/numbers"), &other).await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    // B's key on A's tenant: the key error, as for every call.
    assert_eq!(
        legacy(&lab, &other, "DEMO", &[("reqtype", "CAMPAIGN"), ("campaign", &id.to_string()), ("action", "start")])
            .await,
        KEY_ERROR
    );

    let read_only = lab.app.tenant_key("DEMO", true).await;
    for action in ["start", "stop", "pause", "resume", "cleannumbers"] {
        assert_eq!(campaign_call(&lab, &read_only, id, &[("action", action)]).await, KEY_ERROR, "{action}");
    }
    let add = [("action", "addnumber"), ("number", "200")];
    assert_eq!(campaign_call(&lab, &read_only, id, &add).await, KEY_ERROR);
    let listed = campaign_call(&lab, &read_only, id, &[("action", "listnumbers")]).await;
    assert_eq!(listed, "Number|Description|Status|Attempts\n100||NEW|0\n");
    let resp = lab.app.post(&format!("/v1/tenants/DEMO/campaigns/{id}/start"), &read_only, json!({})).await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    let sms = [("reqtype", "SMS"), ("source", "101"), ("dest", "101"), ("message", "hi")];
    assert_eq!(legacy(&lab, &read_only, "DEMO", &sms).await, KEY_ERROR);
}

fn sms<'a>(source: &'a str, dest: &'a str, message: &'a str) -> [(&'a str, &'a str); 4] {
    [("reqtype", "SMS"), ("source", source), ("dest", dest), ("message", message)]
}

#[tokio::test]
async fn sms_are_sent_to_extension_endpoints_and_recorded() {
    let lab = LiveLab::start(1).await;
    let key = lab.tenant_with_extensions("DEMO", &["101", "103", "104"]).await;
    lab.sims[0].add_endpoint("103-DEMO", "Not in use", &["sip:103-DEMO@192.0.2.3:5060"]);
    lab.sims[0].add_endpoint("104-DEMO", "Unavailable", &[]);

    let sent = legacy(&lab, &key, "DEMO", &sms("101", "103", "hello")).await;
    assert_eq!(sent, "Success|SMS successfully queued|1|");
    let action = &lab.sent("MessageSend")[0];
    assert_eq!(action.get("To"), Some("pjsip:103-DEMO"));
    assert_eq!(action.get("From"), Some("\"Ext 101\" <101>"));
    assert_eq!(action.get("Body"), Some("hello"));

    let failed = legacy(&lab, &key, "DEMO", &sms("101", "104", "anyone?")).await;
    assert_eq!(failed, "Error|Message failed to send.||");

    let multi = legacy(&lab, &key, "DEMO", &sms("101", "103-DEMO", "line one\nline two")).await;
    assert_eq!(multi, "Success|SMS successfully queued|3|");
    let action = &lab.sent("MessageSend")[2];
    assert_eq!(action.get("Body"), None);
    assert_eq!(action.get("Base64Body"), Some("bGluZSBvbmUKbGluZSB0d28="));

    let rest =
        lab.app.post("/v1/tenants/DEMO/sms", &key, json!({"source": "101", "dest": "104", "message": "x"})).await;
    assert_eq!(rest.status, StatusCode::CONFLICT, "{:?}", rest.body);
    let rest =
        lab.app.post("/v1/tenants/DEMO/sms", &key, json!({"source": "101", "dest": "103", "message": "ok"})).await;
    assert_eq!(rest.status, StatusCode::CREATED, "{:?}", rest.body);
    assert_eq!(rest.body["status"], "SENT");
    assert_eq!(rest.body["node"], "srv01");

    let external = legacy(&lab, &key, "DEMO", &sms("101", "3912345", "out")).await;
    assert!(external.starts_with("Error|dest: "), "{external}");

    let info = legacy(&lab, &key, "DEMO", &[("reqtype", "INFO"), ("info", "sms"), ("format", "json")]).await;
    let info: Value = serde_json::from_str(&info).expect("json");
    let rows = info.as_array().expect("array");
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0]["source"], "101");
    assert_eq!(rows[0]["dest"], "103");
    assert_eq!(rows[0]["message"], "hello");
    assert_eq!(rows[0]["status"], "SENT");
    assert_eq!(rows[0]["direction"], "OUT");
    assert_eq!(rows[1]["status"], "FAILED");
    let plain = legacy(&lab, &key, "DEMO", &[("reqtype", "INFO"), ("info", "sms")]).await;
    let mut lines = plain.lines();
    assert_eq!(lines.next(), Some("Id|Date|Direction|Source|Destination|Message|Status"));
    assert!(lines.next().expect("row").ends_with("|OUT|101|103|hello|SENT"));
    assert!(plain.contains("|line one line two|"), "line breaks never add rows: {plain}");

    let listed = lab.app.get("/v1/tenants/DEMO/sms?limit=2", &key).await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(2));
    assert!(listed.body["next_cursor"].is_string());

    // Another tenant sees none of them.
    let other = lab.tenant_with_extensions("OTHER", &["101"]).await;
    assert_eq!(legacy(&lab, &other, "OTHER", &[("reqtype", "INFO"), ("info", "sms")]).await, "");
    let theirs = legacy(&lab, &other, "OTHER", &sms("101", "103-DEMO", "hi")).await;
    assert!(theirs.starts_with("Error|dest: "), "{theirs}");
}

#[tokio::test]
async fn an_sms_cannot_inject_a_second_action() {
    let lab = LiveLab::start(1).await;
    let key = lab.tenant_with_extensions("DEMO", &["101", "103"]).await;
    lab.sims[0].add_endpoint("103-DEMO", "Not in use", &["sip:103-DEMO@192.0.2.3:5060"]);
    let message = "hi\r\nAction: Hangup\r\nChannel: PJSIP/103-DEMO-00000001";
    let sent = legacy(&lab, &key, "DEMO", &sms("101", "103", message)).await;
    assert_eq!(sent, "Success|SMS successfully queued|1|");
    let clid = legacy(
        &lab,
        &key,
        "DEMO",
        &[
            ("reqtype", "SMS"),
            ("source", "101"),
            ("dest", "103"),
            ("message", "x"),
            ("destclid", "a\r\nAction: Hangup"),
        ],
    )
    .await;
    assert!(clid.starts_with("Error|destclid: "), "{clid}");
    // Nothing to wait for: an injected action would ride in the bytes of the MessageSend the sim
    // has already parsed, so a short window covers its parsing too.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(lab.sent("Hangup").is_empty());
    let sends = lab.sent("MessageSend");
    assert_eq!(sends.len(), 1);
    let raw = String::from_utf8(sends[0].raw.clone()).expect("utf-8");
    assert_eq!(raw.matches("Action:").count(), 1, "{raw}");
    assert!(!raw.contains("Hangup"), "{raw}");
    assert!(raw.ends_with("\r\n\r\n"));
    assert_eq!(raw.matches("\r\n").count(), sends[0].headers.len() + 1, "{raw}");
}
