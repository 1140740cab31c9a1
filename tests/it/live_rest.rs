//! The REST door of the live PBX: `/calls`, `/channels`, `/peers`, `/blf`, `/nodes`, `/events`
//! against scripted nodes (`ami-sim`). Every endpoint is also checked for tenant isolation: tenant
//! B's key on tenant A's path is `tenant_not_found`, and A's channels and peers answer B like
//! missing ones.

use std::time::Duration;

use ami_sim::{ChannelSpec, ChannelState, Sim};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::Rest;
use crate::live_lab::{LiveLab, sim_config};

/// A lab with tenants DEMO (extensions 103, 104) and ACME (201); returns the keys (DEMO, ACME).
async fn two_tenants(lab: &LiveLab) -> (String, String) {
    let demo = lab.tenant_with_extensions("DEMO", &["103", "104"]).await;
    let acme = lab.tenant_with_extensions("ACME", &["201"]).await;
    (demo, acme)
}

/// A channel of the endpoint `<number>-<TENANT>` on node `index`, in a call `linkedid` (its own
/// uniqueid when empty); waits until the gateway's state has it. Returns (name, uniqueid).
async fn channel(lab: &LiveLab, index: usize, endpoint: &str, seq: u32, linkedid: &str) -> (String, String) {
    let name = format!("PJSIP/{endpoint}-{seq:08x}");
    let uniqueid = lab.sims[index].add_channel(ChannelSpec {
        name: name.clone(),
        linkedid: linkedid.to_string(),
        state: ChannelState::Up,
        context: endpoint.rsplit('-').next().unwrap_or_default().to_string(),
        exten: "104".into(),
        ..ChannelSpec::default()
    });
    wait_channel(lab, index, &name).await;
    (name, uniqueid)
}

async fn wait_channel(lab: &LiveLab, index: usize, name: &str) {
    let node = lab.app.core.pbx().nodes()[index].clone();
    lab.wait_until(&format!("{name} is in the live state"), || {
        node.read(|state| state.channel_by_name(name).is_some()).unwrap_or(false)
    })
    .await;
}

fn names(list: &Rest) -> Vec<String> {
    list.body["items"].as_array().unwrap().iter().map(|item| item["name"].as_str().unwrap().to_string()).collect()
}

fn encoded(channel: &str) -> String {
    channel.replace('/', "%2F")
}

async fn originate(lab: &LiveLab, key: &str, idempotency_key: Option<&str>, body: Value) -> Rest {
    let mut req = lab.app.request(reqwest::Method::POST, "/v1/tenants/DEMO/calls", key).json(&body);
    if let Some(k) = idempotency_key {
        req = req.header("Idempotency-Key", k);
    }
    lab.app.send(req).await
}

#[tokio::test]
async fn calls_are_channels_grouped_by_linkedid_and_per_tenant() {
    let lab = LiveLab::start(1).await;
    let (demo, acme) = two_tenants(&lab).await;
    let (first, uid) = channel(&lab, 0, "103-DEMO", 1, "").await;
    let (second, _) = channel(&lab, 0, "104-DEMO", 2, &uid).await;
    let (theirs, _) = channel(&lab, 0, "201-ACME", 3, "").await;

    let calls = lab.app.get("/v1/tenants/DEMO/calls", &demo).await;
    assert_eq!(calls.status, StatusCode::OK, "{:?}", calls.body);
    let items = calls.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{:?}", calls.body);
    assert_eq!(items[0]["id"], uid.as_str());
    assert_eq!(items[0]["node"], "srv01");
    assert!(items[0]["started_at"].as_str().unwrap().contains('T'));
    assert!(items[0]["duration_seconds"].is_u64());
    let legs: Vec<&str> =
        items[0]["channels"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(legs, [first.as_str(), second.as_str()]);
    assert_eq!(calls.body["unavailable_nodes"], json!([]));

    let theirs_calls = lab.app.get("/v1/tenants/ACME/calls", &acme).await;
    assert_eq!(theirs_calls.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(theirs_calls.body["items"][0]["channels"][0]["name"], theirs.as_str());
    let other = lab.app.get("/v1/tenants/DEMO/calls", &acme).await;
    assert_eq!((other.status, other.code()), (StatusCode::NOT_FOUND, "tenant_not_found"));
}

#[tokio::test]
async fn originate_is_idempotent_and_answers_202_with_location() {
    let lab = LiveLab::start(1).await;
    let (demo, acme) = two_tenants(&lab).await;
    let body =
        json!({"source": "103", "destination": "0039021234", "variables": {"callid": "42"}, "auto_answer": true});

    let missing = originate(&lab, &demo, None, body.clone()).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::BAD_REQUEST, "idempotency_key_required"));

    let placed = originate(&lab, &demo, Some("call-1"), body.clone()).await;
    assert_eq!(placed.status, StatusCode::ACCEPTED, "{:?}", placed.body);
    let id = placed.body["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 14);
    assert_eq!(placed.body["status"], "queued");
    assert_eq!(placed.body["node"], "srv01");
    assert_eq!(placed.body["source"], "103");
    assert_eq!(placed.body["destination"], "0039021234");
    assert_eq!(placed.header("Location"), format!("/v1/tenants/DEMO/calls/{id}"));

    let again = originate(&lab, &demo, Some("call-1"), body.clone()).await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
    assert_eq!(again.header("Idempotent-Replayed"), "true");
    assert_eq!(again.body["id"], id.as_str());

    let sent = lab.sent("Originate");
    assert_eq!(sent.len(), 1, "a replay must not dial again");
    assert_eq!(sent[0].get("Channel"), Some("PJSIP/103-DEMO"));
    assert_eq!(sent[0].get("Exten"), Some("0039021234"));
    let variables: Vec<&str> =
        sent[0].headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("Variable")).map(|(_, v)| v.as_str()).collect();
    assert!(variables.contains(&"DEMO-callid=42"), "{variables:?}");
    assert!(variables.contains(&"__AUTOANSWER=yes"), "{variables:?}");

    let reused = originate(&lab, &demo, Some("call-1"), json!({"source": "103", "destination": "0039029999"})).await;
    assert_eq!((reused.status, reused.code()), (StatusCode::CONFLICT, "idempotency_key_reused"));
    assert_eq!(lab.sent("Originate").len(), 1);

    let read_only = lab.app.tenant_key("DEMO", true).await;
    let refused = originate(&lab, &read_only, Some("call-3"), body.clone()).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "read_only_api_key"));
    let other = originate(&lab, &acme, Some("call-2"), body).await;
    assert_eq!((other.status, other.code()), (StatusCode::NOT_FOUND, "tenant_not_found"));
    assert_eq!(lab.sent("Originate").len(), 1);
}

#[tokio::test]
async fn originate_refuses_bad_input_before_the_pbx() {
    let lab = LiveLab::start(1).await;
    let (demo, _) = two_tenants(&lab).await;
    let cases = [
        (json!({"source": "103", "destination": "12ab"}), "destination"),
        (json!({"source": "999", "destination": "104"}), "source"),
        (json!({"source": "201-ACME", "destination": "104"}), "source"),
        (json!({"source": "103", "destination": "104", "variables": {"callid": "1\r\nAction: Hangup"}}), "variables"),
        (json!({"source": "103", "destination": "104", "variables": {"callid": "1\u{0}2"}}), "variables"),
        (json!({"source": "103", "destination": "104", "variables": {"note": "a\u{2028}b"}}), "variables"),
        (json!({"source": "103", "destination": "104", "variables": {"callid": "1,CDR(x)=y"}}), "variables"),
        (json!({"source": "103", "destination": "104", "variables": {"CDR(x)": "1"}}), "variables"),
        (json!({"source": "103", "destination": "104", "node": "srv09"}), "node"),
    ];
    for (n, (body, field)) in cases.into_iter().enumerate() {
        let refused = originate(&lab, &demo, Some(&format!("bad-{n}")), body.clone()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {:?}", refused.body);
        assert_eq!(refused.body["field"], field, "{body}: {:?}", refused.body);
    }
    assert!(lab.sent("Originate").is_empty());
}

#[tokio::test]
async fn hang_up_by_name_or_uniqueid_only_in_the_own_tenant() {
    let lab = LiveLab::start(1).await;
    let (demo, acme) = two_tenants(&lab).await;
    let (name, _) = channel(&lab, 0, "103-DEMO", 1, "").await;
    let (_, uid) = channel(&lab, 0, "104-DEMO", 2, "").await;

    let other_path = lab.app.delete(&format!("/v1/tenants/DEMO/calls/{}", encoded(&name)), &acme).await;
    assert_eq!((other_path.status, other_path.code()), (StatusCode::NOT_FOUND, "tenant_not_found"));
    let theirs = lab.app.delete(&format!("/v1/tenants/ACME/calls/{}", encoded(&name)), &acme).await;
    let missing = lab.app.delete("/v1/tenants/ACME/calls/PJSIP%2F201-ACME-00000099", &acme).await;
    assert_eq!((theirs.status, theirs.code()), (StatusCode::NOT_FOUND, "not_found"));
    assert_eq!(theirs.body["detail"], missing.body["detail"], "another tenant's channel answers like a missing one");
    assert!(lab.sent("Hangup").is_empty());

    let done = lab.app.delete(&format!("/v1/tenants/DEMO/calls/{}", encoded(&name)), &demo).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{:?}", done.body);
    let by_uid = lab.app.delete(&format!("/v1/tenants/DEMO/calls/{uid}"), &demo).await;
    assert_eq!(by_uid.status, StatusCode::NO_CONTENT, "{:?}", by_uid.body);
    assert_eq!(lab.sent("Hangup").len(), 2);
    assert_eq!(lab.sent("Hangup")[0].get("Channel"), Some(name.as_str()));
    assert_eq!(lab.sent("Hangup")[1].get("Channel"), Some("PJSIP/104-DEMO-00000002"));
}

#[tokio::test]
async fn transfers_go_to_the_tenant_dialplan_and_pbx_refusals_are_409() {
    let lab = LiveLab::start(1).await;
    let (demo, acme) = two_tenants(&lab).await;
    let (name, _) = channel(&lab, 0, "103-DEMO", 1, "").await;
    let (other_leg, _) = channel(&lab, 0, "104-DEMO", 2, "").await;
    let path = format!("/v1/tenants/DEMO/calls/{}", encoded(&name));

    let blind = lab
        .app
        .post(&format!("{path}/transfer"), &demo, json!({"destination": "105", "extra_channel": other_leg}))
        .await;
    assert_eq!(blind.status, StatusCode::ACCEPTED, "{:?}", blind.body);
    assert_eq!(blind.body["name"], name.as_str());
    let redirect = &lab.sent("Redirect")[0];
    assert_eq!(redirect.get("Channel"), Some(name.as_str()));
    assert_eq!(redirect.get("Exten"), Some("105"));
    assert_eq!(redirect.get("ExtraChannel"), Some(other_leg.as_str()));

    let attended = lab.app.post(&format!("{path}/attended-transfer"), &demo, json!({"destination": "104"})).await;
    assert_eq!(attended.status, StatusCode::ACCEPTED, "{:?}", attended.body);
    assert_eq!(lab.sent("Atxfer")[0].get("Exten"), Some("104"));

    let bad = lab.app.post(&format!("{path}/transfer"), &demo, json!({"destination": "10a"})).await;
    assert_eq!((bad.status, bad.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("destination")));
    let theirs = lab
        .app
        .post(&format!("/v1/tenants/ACME/calls/{}/transfer", encoded(&name)), &acme, json!({"destination": "1"}))
        .await;
    assert_eq!((theirs.status, theirs.code()), (StatusCode::NOT_FOUND, "not_found"));

    // A channel the gateway knows but Asterisk does not: Asterisk's refusal is a 409.
    lab.sims[0].emit(&[
        ("Event", "Newchannel"),
        ("Channel", "PJSIP/104-DEMO-000000ff"),
        ("Uniqueid", "ghost.1"),
        ("Linkedid", "ghost.1"),
    ]);
    wait_channel(&lab, 0, "PJSIP/104-DEMO-000000ff").await;
    let refused =
        lab.app.post("/v1/tenants/DEMO/calls/ghost.1/attended-transfer", &demo, json!({"destination": "104"})).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "pbx_rejected"), "{:?}", refused.body);
    assert_eq!(lab.sent("Redirect").len() + lab.sent("Atxfer").len(), 3);
}

#[tokio::test]
async fn channels_per_tenant_fresh_and_for_admins() {
    let lab = LiveLab::start(1).await;
    let (demo, acme) = two_tenants(&lab).await;
    let (mine, _) = channel(&lab, 0, "103-DEMO", 1, "").await;
    let (theirs, _) = channel(&lab, 0, "201-ACME", 2, "").await;

    let list = lab.app.get("/v1/tenants/DEMO/channels", &demo).await;
    assert_eq!(list.status, StatusCode::OK, "{:?}", list.body);
    assert_eq!(names(&list), [mine.as_str()]);
    let item = &list.body["items"][0];
    assert_eq!((item["node"].as_str(), item["tenant"].as_str()), (Some("srv01"), Some("DEMO")));
    assert!(item["duration_seconds"].is_u64() && item["started_at"].is_string());
    assert_eq!(list.body["unavailable_nodes"], json!([]));

    let before = lab.sent("CoreShowChannels").len();
    let fresh = lab.app.get("/v1/tenants/ACME/channels?fresh=true", &acme).await;
    assert_eq!(names(&fresh), [theirs.as_str()]);
    assert_eq!(lab.sent("CoreShowChannels").len(), before + 1, "fresh=true asks the node");

    let other = lab.app.get("/v1/tenants/DEMO/channels", &acme).await;
    assert_eq!((other.status, other.code()), (StatusCode::NOT_FOUND, "tenant_not_found"));
    let all = lab.app.get("/v1/channels", &lab.app.admin_key).await;
    let mut all_names = names(&all);
    all_names.sort();
    assert_eq!(all_names, [mine, theirs]);
    let refused = lab.app.get("/v1/channels", &demo).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "admin_required"));
}

/// Endpoints and hints known to the node before the gateway synchronises.
/// One node whose endpoints DEMO's 103 (registered), 104 (not) and ACME's 201 (registered) are,
/// served from the database; answers the lab and the keys of DEMO and ACME.
async fn peers_lab() -> (LiveLab, String, String) {
    let (lab, keys) = LiveLab::start_serving(1, &[("DEMO", &["103", "104"]), ("ACME", &["201"])], prepare_peers).await;
    let [demo, acme] = <[String; 2]>::try_from(keys).expect("two keys");
    (lab, demo, acme)
}

fn prepare_peers(_: usize, sim: &Sim) {
    sim.add_endpoint("103-DEMO", "Not in use", &["sip:103-DEMO@192.0.2.10:5060"]);
    sim.add_endpoint("104-DEMO", "Unavailable", &[]);
    sim.add_endpoint("201-ACME", "Not in use", &["sip:201-ACME@192.0.2.20:5060"]);
    sim.set_hint("103", "DEMO", "PJSIP/103-DEMO");
    sim.set_hint("201", "ACME", "PJSIP/201-ACME");
}

#[tokio::test]
async fn peers_list_and_reboot_only_the_own_tenant() {
    let (lab, demo, acme) = peers_lab().await;

    let peers = lab.app.get("/v1/tenants/DEMO/peers", &demo).await;
    assert_eq!(peers.status, StatusCode::OK, "{:?}", peers.body);
    assert_eq!(names(&peers), ["103-DEMO", "104-DEMO"]);
    let registered = &peers.body["items"][0];
    assert_eq!(registered["node"], "srv01");
    assert_eq!(registered["registered"], true);
    assert_eq!(registered["contacts"][0]["uri"], "sip:103-DEMO@192.0.2.10:5060");
    assert_eq!(registered["contacts"][0]["status"], "Reachable");
    assert_eq!(peers.body["items"][1]["registered"], false);
    let other = lab.app.get("/v1/tenants/DEMO/peers", &acme).await;
    assert_eq!((other.status, other.code()), (StatusCode::NOT_FOUND, "tenant_not_found"));

    let reboot = lab.app.post("/v1/tenants/DEMO/peers/103-DEMO/reboot", &demo, json!({})).await;
    assert_eq!(reboot.status, StatusCode::ACCEPTED, "{:?}", reboot.body);
    assert_eq!(reboot.body["sent"], 1);
    let notify = &lab.sent("PJSIPNotify")[0];
    assert_eq!(notify.get("Endpoint"), Some("103-DEMO"));
    assert_eq!(notify.get("Variable"), Some("Event=check-sync"));

    let theirs = lab.app.post("/v1/tenants/DEMO/peers/201-ACME/reboot", &demo, json!({})).await;
    assert_eq!((theirs.status, theirs.code()), (StatusCode::NOT_FOUND, "not_found"));
    let all = lab.app.post("/v1/tenants/DEMO/peers/ALL/reboot", &demo, json!({})).await;
    assert_eq!((all.status, all.body["sent"].as_u64()), (StatusCode::ACCEPTED, Some(1)), "only registered peers");
    let endpoints: Vec<String> =
        lab.sent("PJSIPNotify").iter().map(|a| a.get("Endpoint").unwrap_or_default().to_string()).collect();
    assert_eq!(endpoints, ["103-DEMO", "103-DEMO"]);
}

#[tokio::test]
async fn unregister_is_refused_honestly_and_sends_nothing() {
    let (lab, demo, _) = peers_lab().await;
    let refused = lab.app.post("/v1/tenants/DEMO/peers/103-DEMO/unregister", &demo, json!({})).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "pbx_rejected"), "{:?}", refused.body);
    let theirs = lab.app.post("/v1/tenants/DEMO/peers/201-ACME/unregister", &demo, json!({})).await;
    assert_eq!((theirs.status, theirs.code()), (StatusCode::NOT_FOUND, "not_found"));
    assert!(lab.sent("PJSIPUnregister").is_empty() && lab.sent("Command").is_empty());
}

#[tokio::test]
async fn blf_lists_the_tenant_hints_with_their_node() {
    let (lab, demo, acme) = peers_lab().await;
    let blf = lab.app.get("/v1/tenants/DEMO/blf", &demo).await;
    assert_eq!(blf.status, StatusCode::OK, "{:?}", blf.body);
    let items = blf.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{:?}", blf.body);
    assert_eq!(items[0]["exten"], "103");
    assert_eq!(items[0]["context"], "DEMO");
    assert_eq!(items[0]["hint"], "PJSIP/103-DEMO");
    assert_eq!(items[0]["node"], "srv01");
    assert!(items[0]["status"].is_i64() && items[0]["status_text"].is_string());
    let other = lab.app.get("/v1/tenants/DEMO/blf", &acme).await;
    assert_eq!((other.status, other.code()), (StatusCode::NOT_FOUND, "tenant_not_found"));
    let theirs = lab.app.get("/v1/tenants/ACME/blf", &acme).await;
    assert_eq!(theirs.body["items"][0]["exten"], "201");
}

#[tokio::test]
async fn nodes_report_health_and_a_down_node_is_not_an_error() {
    let lab = LiveLab::start(2).await;
    let (demo, _) = two_tenants(&lab).await;
    channel(&lab, 0, "103-DEMO", 1, "").await;

    let nodes = lab.app.get("/v1/nodes", &lab.app.admin_key).await;
    assert_eq!(nodes.status, StatusCode::OK, "{:?}", nodes.body);
    let items = nodes.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!((items[0]["name"].as_str(), items[0]["connected"].as_bool()), (Some("srv01"), Some(true)));
    assert_eq!((items[0]["synced"].as_bool(), items[0]["channel_count"].as_u64()), (Some(true), Some(1)));
    assert!(items[0]["banner"].as_str().unwrap().starts_with("Asterisk Call Manager"));
    assert!(items[0]["since"].as_str().unwrap().contains('T'));

    lab.sims[1].shutdown();
    let second = lab.app.core.pbx().nodes()[1].clone();
    lab.wait_until("srv02 is down", || !second.status().health.connected).await;
    let nodes = lab.app.get("/v1/nodes", &lab.app.admin_key).await;
    assert_eq!(nodes.status, StatusCode::OK);
    let down = &nodes.body["items"][1];
    assert_eq!((down["name"].as_str(), down["connected"].as_bool()), (Some("srv02"), Some(false)));
    assert_eq!(down["synced"], false);
    assert!(down.get("channel_count").is_none_or(Value::is_null));

    let refused = lab.app.get("/v1/nodes", &demo).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "admin_required"));
}

#[tokio::test]
async fn a_down_node_is_listed_unavailable_and_comes_back_after_restart() {
    let mut lab = LiveLab::start(2).await;
    let (demo, _) = two_tenants(&lab).await;
    let (first, _) = channel(&lab, 0, "103-DEMO", 1, "").await;
    channel(&lab, 1, "104-DEMO", 1, "").await;
    let addr = lab.sims[1].addr();
    lab.sims[1].shutdown();
    let second = lab.app.core.pbx().nodes()[1].clone();
    lab.wait_until("srv02 is unavailable", || !second.status().synced).await;

    let list = lab.app.get("/v1/tenants/DEMO/channels", &demo).await;
    assert_eq!(list.status, StatusCode::OK, "{:?}", list.body);
    assert_eq!(names(&list), [first.as_str()]);
    assert_eq!(list.body["unavailable_nodes"], json!(["srv02"]));
    let one = lab.app.get("/v1/tenants/DEMO/channels?node=srv02", &demo).await;
    assert_eq!((one.status, one.code()), (StatusCode::SERVICE_UNAVAILABLE, "pbx_unavailable"));
    let unknown = lab.app.get("/v1/tenants/DEMO/channels?node=srv09", &demo).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    let to_down =
        originate(&lab, &demo, Some("down-1"), json!({"source": "103", "destination": "104", "node": "srv02"})).await;
    assert_eq!((to_down.status, to_down.code()), (StatusCode::SERVICE_UNAVAILABLE, "pbx_unavailable"));
    let to_unknown =
        originate(&lab, &demo, Some("down-2"), json!({"source": "103", "destination": "104", "node": "srv09"})).await;
    assert_eq!(to_unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(lab.sent("Originate").is_empty());

    let restarted = Sim::start_on(addr, sim_config(1)).await.expect("sim restarts on its port");
    lab.sims[1] = restarted;
    lab.wait_synced().await;
    let (back, _) = channel(&lab, 1, "104-DEMO", 7, "").await;
    let list = lab.app.get("/v1/tenants/DEMO/channels", &demo).await;
    let mut found = names(&list);
    found.sort();
    assert_eq!(found, [first, back]);
    assert_eq!(list.body["unavailable_nodes"], json!([]));
    let retried =
        originate(&lab, &demo, Some("down-1"), json!({"source": "103", "destination": "104", "node": "srv02"})).await;
    assert_eq!(retried.status, StatusCode::ACCEPTED, "a failed send leaves the key free: {:?}", retried.body);
}

/// Reads SSE text from `resp` until `until` is in it or 5 s pass.
async fn read_events(resp: &mut reqwest::Response, until: &str) -> String {
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !text.contains(until) {
        let chunk = tokio::time::timeout_at(deadline, resp.chunk()).await;
        match chunk {
            Ok(Ok(Some(bytes))) => text.push_str(&String::from_utf8_lossy(&bytes)),
            _ => panic!("no {until:?} in the event stream; got {text:?}"),
        }
    }
    text
}

#[tokio::test]
async fn events_stream_only_the_tenant_changes() {
    let lab = LiveLab::start(1).await;
    let (demo, acme) = two_tenants(&lab).await;
    let mut stream =
        lab.app.request(reqwest::Method::GET, "/v1/tenants/DEMO/events", &demo).send().await.expect("subscribed");
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(stream.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));

    channel(&lab, 0, "201-ACME", 1, "").await;
    let (mine, _) = channel(&lab, 0, "103-DEMO", 2, "").await;
    let text = read_events(&mut stream, &mine).await;
    assert!(text.contains("event: channel_created"), "{text}");
    assert!(text.contains("\"node\":\"srv01\""), "{text}");
    assert!(!text.contains("ACME"), "another tenant's change leaked: {text}");

    let other = lab.app.get("/v1/tenants/DEMO/events", &acme).await;
    assert_eq!((other.status, other.code()), (StatusCode::NOT_FOUND, "tenant_not_found"));
    let refused = lab.app.get("/v1/events", &demo).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "admin_required"));

    let mut all =
        lab.app.request(reqwest::Method::GET, "/v1/events", &lab.app.admin_key).send().await.expect("subscribed");
    assert_eq!(all.status(), StatusCode::OK);
    channel(&lab, 0, "201-ACME", 3, "").await;
    read_events(&mut all, "PJSIP/201-ACME-00000003").await;
}
