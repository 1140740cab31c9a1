//! The live-PBX reqtypes through `/proxyapi.php`, against scripted Asterisk nodes.

use ami_sim::{ChannelSpec, ChannelState, Sim};
use serde_json::json;

use crate::helpers::KEY_ERROR;
use crate::live_lab::LiveLab;

fn channel(name: &str, state: ChannelState) -> ChannelSpec {
    ChannelSpec { name: name.into(), state, context: "DEMO".into(), exten: "103".into(), ..Default::default() }
}

async fn legacy(lab: &LiveLab, key: &str, params: &[(&str, &str)]) -> String {
    lab.app.legacy(&[&[("key", key)], params].concat()).await.body
}

/// Two nodes: DEMO's 103 talks on srv01, OTHER's 201 on srv02.
async fn two_tenants_two_nodes() -> (LiveLab, String, String) {
    let lab = LiveLab::start_with(2, |index, sim: &Sim| {
        if index == 0 {
            sim.add_channel(channel("PJSIP/103-DEMO-00000001", ChannelState::Up));
        } else {
            sim.add_channel(ChannelSpec { name: "PJSIP/201-OTHER-00000001".into(), ..channel("", ChannelState::Ring) });
        }
    })
    .await;
    let demo = lab.tenant_with_extensions("DEMO", &["103", "104", "402"]).await;
    let other = lab.tenant_with_extensions("OTHER", &["201"]).await;
    (lab, demo, other)
}

#[tokio::test]
async fn counts_come_from_the_live_state_per_node_and_tenant() {
    let (lab, demo, _) = two_tenants_two_nodes().await;
    let admin = lab.app.admin_key.clone();
    assert_eq!(legacy(&lab, &admin, &[("reqtype", "COUNTCHANNELS")]).await, "srv01:1|srv02:1|");
    let json: serde_json::Value =
        serde_json::from_str(&legacy(&lab, &admin, &[("reqtype", "COUNTCHANNELS"), ("format", "json")]).await).unwrap();
    assert_eq!(json, json!({"srv01": 1, "srv02": 1, "total": 2}));
    assert_eq!(legacy(&lab, &admin, &[("reqtype", "COUNTCHANNELS"), ("nodename", "srv02")]).await, "1");
    // A tenant key sees its own channels only.
    let demo_counts = legacy(&lab, &demo, &[("reqtype", "COUNTCHANNELS"), ("tenant", "DEMO")]).await;
    assert_eq!(demo_counts, "srv01:1|srv02:0|");
    assert_eq!(legacy(&lab, &demo, &[("reqtype", "COUNTCHANNELS")]).await, "Wrong or missing tenant\n");
    assert_eq!(legacy(&lab, &demo, &[("reqtype", "COUNTCALLS"), ("tenant", "DEMO")]).await, "1");
    // The reference example: COUNTCALLS with the admin key counts every call.
    assert_eq!(legacy(&lab, &admin, &[("reqtype", "COUNTCALLS")]).await, "2");

    // Events move the counts without any query to the PBX.
    lab.sims[0].add_channel(channel("PJSIP/104-DEMO-00000002", ChannelState::Ringing));
    let app = &lab.app;
    lab.wait_until("the new channel is counted", || {
        app.core.pbx().nodes()[0].read(|state| state.channel_count(Some("DEMO"))).unwrap_or(0) == 2
    })
    .await;
    assert_eq!(legacy(&lab, &demo, &[("reqtype", "COUNTCHANNELS"), ("tenant", "DEMO")]).await, "srv01:2|srv02:0|");
    lab.sims[0].hangup_channel("PJSIP/104-DEMO-00000002", 16);
    lab.wait_until("the channel is gone", || {
        app.core.pbx().nodes()[0].read(|state| state.channel_count(None)).unwrap_or(0) == 1
    })
    .await;

    // cache=no asks the node: a channel the sim holds without having announced it shows up.
    lab.sims[1].add_channels_bulk(2, |i| ChannelSpec {
        name: format!("PJSIP/201-OTHER-0000010{i}"),
        ..channel("", ChannelState::Up)
    });
    assert_eq!(legacy(&lab, &admin, &[("reqtype", "COUNTCHANNELS"), ("nodename", "srv02")]).await, "1");
    let fresh = legacy(&lab, &admin, &[("reqtype", "COUNTCHANNELS"), ("nodename", "srv02"), ("cache", "no")]).await;
    assert_eq!(fresh, "3");
}

#[tokio::test]
async fn channels_list_only_the_callers_tenant() {
    let (lab, demo, other) = two_tenants_two_nodes().await;
    let body = legacy(&lab, &demo, &[("reqtype", "CHANNELS"), ("tenant", "DEMO"), ("format", "json")]).await;
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|c| c["Channel"].as_str().unwrap()).collect();
    assert_eq!(names, ["PJSIP/103-DEMO-00000001"]);
    assert_eq!(list[0]["Node"], "srv01");
    assert_eq!(list[0]["State"], "Up");
    let plain = legacy(&lab, &other, &[("reqtype", "CHANNELS"), ("tenant", "OTHER")]).await;
    assert!(plain.starts_with("Channel|State|CallerIDNum|"), "{plain}");
    assert!(plain.contains("PJSIP/201-OTHER-00000001") && !plain.contains("DEMO"), "{plain}");
    // CHANNEL of another tenant's channel answers like a missing one.
    let foreign =
        legacy(&lab, &other, &[("reqtype", "CHANNEL"), ("tenant", "OTHER"), ("channel", "PJSIP/103-DEMO-00000001")]);
    assert_eq!(foreign.await, "");
    let own =
        legacy(&lab, &demo, &[("reqtype", "CHANNEL"), ("tenant", "DEMO"), ("channel", "PJSIP/103-DEMO-00000001")]);
    assert!(own.await.starts_with("Channel:PJSIP/103-DEMO-00000001|State:Up|"));
    let current = legacy(&lab, &demo, &[("reqtype", "GETCURRENTCALLS"), ("tenant", "DEMO"), ("phone", "103")]).await;
    assert!(current.starts_with("PJSIP/103-DEMO-00000001|"), "{current}");
    assert_eq!(legacy(&lab, &demo, &[("reqtype", "GETCURRENTCALLS"), ("tenant", "DEMO"), ("phone", "104")]).await, "");
}

#[tokio::test]
async fn dial_originates_source_first_with_an_id_findable_later() {
    let (lab, demo, _) = two_tenants_two_nodes().await;
    // The reference page's DIAL examples.
    let base =
        [("reqtype", "DIAL"), ("source", "402"), ("dest", "9922323232"), ("tenant", "DEMO"), ("account", "402-DEMO")];
    let answer = legacy(&lab, &demo, &base).await;
    let fields: Vec<&str> = answer.split('|').collect();
    assert_eq!(fields[..2], ["Success", "Originate successfully queued"], "{answer}");
    let id = fields[2];
    assert!(id.len() == 14 && id.chars().all(|c| c.is_ascii_hexdigit()), "{answer}");
    assert_eq!(fields[3], "");
    let with_var = legacy(&lab, &demo, &[&base[..], &[("var", "callid=453131")]].concat()).await;
    assert!(with_var.starts_with("Success|"), "{with_var}");

    let sent = lab.sent("Originate");
    assert_eq!(sent.len(), 2);
    let first = &sent[0];
    assert_eq!(first.get("Channel"), Some("PJSIP/402-DEMO"));
    assert_eq!(first.get("Context"), Some("pbxgw-internal"));
    assert_eq!(first.get("Exten"), Some("9922323232"));
    assert_eq!(first.get("Account"), Some("402-DEMO"));
    assert_eq!(first.get("Async"), Some("true"));
    let variables = |a: &ami_sim::RecordedAction| {
        a.headers.iter().filter(|(k, _)| k == "Variable").map(|(_, v)| v.clone()).collect::<Vec<_>>()
    };
    assert!(variables(first).contains(&format!("CDR(originateid)={id}")), "{:?}", variables(first));
    assert!(variables(&sent[1]).contains(&"DEMO-callid=453131".to_string()), "{:?}", variables(&sent[1]));

    // JSON shape.
    let json: serde_json::Value =
        serde_json::from_str(&legacy(&lab, &demo, &[&base[..], &[("format", "json")]].concat()).await).unwrap();
    assert_eq!(json["Response"], "Success");
    assert_eq!(json["Message"], "Originate successfully queued");
    assert_eq!(json["ID"].as_str().unwrap().len(), 14);
}

#[tokio::test]
async fn bad_dial_input_is_refused_and_nothing_reaches_the_pbx() {
    let (lab, demo, other) = two_tenants_two_nodes().await;
    let cases: [&[(&str, &str)]; 10] = [
        &[("source", "402"), ("dest", "100"), ("var", "callid=1\0x")],
        &[("source", "402"), ("dest", "100"), ("sourceclid", "x\u{2028}Action: Hangup")],
        &[("source", "402"), ("dest", "100"), ("destclid", "Bob\u{0}")],
        &[("dest", "9922323232")],
        &[("source", "402")],
        &[("source", "402"), ("dest", "99a22")],
        &[("source", "201"), ("dest", "100")],
        &[("source", "402"), ("dest", "100"), ("var", "callid=1\r\nAction: Hangup")],
        &[("source", "402"), ("dest", "100"), ("var", "CDR(x)=1")],
        &[("source", "402"), ("dest", "100"), ("sourceclid", "x\nAction: Hangup")],
    ];
    for params in cases {
        let answer = legacy(&lab, &demo, &[&[("reqtype", "DIAL"), ("tenant", "DEMO")], params].concat()).await;
        assert!(answer.starts_with("Error|"), "{params:?}: {answer}");
        assert!(answer.ends_with("||"), "{params:?}: {answer}");
    }
    // An unknown node and a read-only key.
    let unknown = legacy(
        &lab,
        &demo,
        &[("reqtype", "DIAL"), ("tenant", "DEMO"), ("source", "402"), ("dest", "1"), ("server", "srv09")],
    );
    assert!(unknown.await.starts_with("Error|node: unknown PBX node srv09"));
    let read_only = lab.app.tenant_key("DEMO", true).await;
    let refused =
        legacy(&lab, &read_only, &[("reqtype", "DIAL"), ("tenant", "DEMO"), ("source", "402"), ("dest", "1")]);
    assert_eq!(refused.await, KEY_ERROR);
    // Another tenant's key on DEMO.
    let foreign = legacy(&lab, &other, &[("reqtype", "DIAL"), ("tenant", "DEMO"), ("source", "402"), ("dest", "1")]);
    assert_eq!(foreign.await, KEY_ERROR);
    assert!(lab.sent("Originate").is_empty(), "{:?}", lab.sent("Originate"));
    assert!(lab.sent("Hangup").is_empty());
}

#[tokio::test]
async fn hangup_and_transfers_act_on_own_channels_only() {
    let (lab, demo, other) = two_tenants_two_nodes().await;
    // The reference example: by extension username.
    let answer = legacy(&lab, &demo, &[("reqtype", "HANGUP"), ("extension", "103-DEMO"), ("tenant", "DEMO")]).await;
    assert_eq!(answer, "Success|Channel hungup||");
    let hangups = lab.sent("Hangup");
    assert_eq!(hangups.len(), 1);
    assert_eq!(hangups[0].get("Channel"), Some("PJSIP/103-DEMO-00000001"));
    let app = &lab.app;
    lab.wait_until("the hangup event arrived", || {
        app.core.pbx().nodes()[0].read(|state| state.channel_count(None)).unwrap_or(1) == 0
    })
    .await;
    let again = legacy(&lab, &demo, &[("reqtype", "HANGUP"), ("number", "103"), ("tenant", "DEMO")]).await;
    assert_eq!(again, "Error|No channel found||");
    // OTHER's channel, named by DEMO: missing, and nothing sent.
    let foreign = [("reqtype", "HANGUP"), ("channel", "PJSIP/201-OTHER-00000001"), ("tenant", "DEMO")];
    assert_eq!(legacy(&lab, &demo, &foreign).await, "Error|No channel found||");
    let foreign_transfer =
        [("reqtype", "TRANSFER"), ("channel", "PJSIP/201-OTHER-00000001"), ("dest", "100"), ("tenant", "DEMO")];
    assert_eq!(legacy(&lab, &demo, &foreign_transfer).await, "Error|No channel found||");
    assert_eq!(lab.sent("Hangup").len(), 1);

    let transfer =
        [("reqtype", "TRANSFER"), ("channel", "PJSIP/201-OTHER-00000001"), ("dest", "500"), ("tenant", "OTHER")];
    assert_eq!(legacy(&lab, &other, &transfer).await, "Success|Redirect successful||");
    let redirect = &lab.sent("Redirect")[0];
    assert_eq!(
        (redirect.get("Context"), redirect.get("Exten"), redirect.get("Priority")),
        (Some("pbxgw-internal"), Some("500"), Some("1"))
    );
    let atx =
        [("reqtype", "ATXTRANSFER"), ("channel", "PJSIP/201-OTHER-00000001"), ("dest", "102"), ("tenant", "OTHER")];
    assert_eq!(legacy(&lab, &other, &atx).await, "Success|Atxfer successfully queued||");
    assert_eq!(lab.sent("Atxfer")[0].get("Exten"), Some("102"));
    let bad = [("reqtype", "TRANSFER"), ("channel", "PJSIP/201-OTHER-00000001"), ("dest", "5x"), ("tenant", "OTHER")];
    assert!(legacy(&lab, &other, &bad).await.starts_with("Error|dest:"));
}

#[tokio::test]
async fn queue_and_agent_changes_are_stored_and_pushed_live() {
    let (lab, demo, _) = two_tenants_two_nodes().await;
    let jsondata =
        json!({"qu_name": "Support", "qu_number": "9200", "strategy": "RINGALL", "timeout": "30"}).to_string();
    let created = lab
        .app
        .legacy_post(
            &[("key", &demo), ("reqtype", "MANAGEDB"), ("object", "queue"), ("action", "add"), ("tenant", "DEMO")],
            &[("jsondata", &jsondata)],
        )
        .await;
    let queue_id = created.json()["qu_id"].as_str().unwrap().to_string();
    // Asterisk loads realtime queues on demand; the sims need to be told the queue exists.
    for sim in &lab.sims {
        sim.add_queue(&queue_id);
    }
    let add = [("reqtype", "QUEUE"), ("tenant", "DEMO"), ("action", "add"), ("number", "9200"), ("extension", "104")];
    assert_eq!(legacy(&lab, &demo, &add).await, "OK");
    // Pushed to both nodes.
    let adds = lab.sent("QueueAdd");
    assert_eq!(adds.len(), 2, "{adds:?}");
    assert_eq!(adds[0].get("Queue"), Some(queue_id.as_str()));
    assert_eq!(adds[0].get("Interface"), Some("PJSIP/104-DEMO"));

    // The reference AGENT examples.
    let pause = [
        ("reqtype", "AGENT"),
        ("action", "PAUSE"),
        ("queue", &queue_id),
        ("extension", "104-DEMO"),
        ("tenant", "DEMO"),
        ("pausereason", "Breakfast"),
    ];
    assert_eq!(legacy(&lab, &demo, &pause).await, "OK");
    let pauses = lab.sent("QueuePause");
    assert_eq!(pauses.len(), 2);
    assert_eq!((pauses[0].get("Paused"), pauses[0].get("Reason")), (Some("true"), Some("Breakfast")));
    let app = &lab.app;
    lab.wait_until("the live member is paused", || {
        app.core.pbx().nodes()[0]
            .read(|state| state.queue_members(&queue_id).any(|m| m.paused && m.paused_reason == "Breakfast"))
            .unwrap_or(false)
    })
    .await;
    let list = [
        ("reqtype", "AGENT"),
        ("action", "LISTQUEUES"),
        ("extension", "104-DEMO"),
        ("tenant", "DEMO"),
        ("format", "json"),
    ];
    let listed: serde_json::Value = serde_json::from_str(&legacy(&lab, &demo, &list).await).unwrap();
    assert_eq!(listed[0]["qu_id"], queue_id.as_str());
    assert_eq!(listed[0]["paused"], "1");
    assert_eq!(listed[0]["pausereason"], "Breakfast");
    assert_eq!(
        legacy(&lab, &demo, &[("reqtype", "AGENT"), ("action", "pause"), ("tenant", "DEMO")]).await,
        "No extension specified"
    );
    // Not an agent: empty body.
    assert_eq!(
        legacy(&lab, &demo, &[("reqtype", "AGENT"), ("action", "pause"), ("extension", "103"), ("tenant", "DEMO")])
            .await,
        ""
    );
    let unpause =
        [("reqtype", "AGENT"), ("action", "unpause"), ("queue", "ALL"), ("extension", "104"), ("tenant", "DEMO")];
    assert_eq!(legacy(&lab, &demo, &unpause).await, "OK");
    assert_eq!(lab.sent("QueuePause").last().unwrap().get("Paused"), Some("false"));

    assert_eq!(
        legacy(&lab, &demo, &[("reqtype", "QUEUERESET"), ("queueid", &queue_id), ("tenant", "DEMO")]).await,
        "OK"
    );
    assert_eq!(lab.sent("QueueReset").len(), 2);
    // AGENT add / del: the same stored membership, pushed.
    let agent_add = [
        ("reqtype", "AGENT"),
        ("action", "add"),
        ("queue", &queue_id),
        ("extension", "103"),
        ("tenant", "DEMO"),
        ("penalty", "2"),
    ];
    assert_eq!(legacy(&lab, &demo, &agent_add).await, "OK");
    assert_eq!(lab.sent("QueueAdd").last().unwrap().get("Interface"), Some("PJSIP/103-DEMO"));
    let agent_del =
        [("reqtype", "AGENT"), ("action", "del"), ("queue", &queue_id), ("extension", "103"), ("tenant", "DEMO")];
    assert_eq!(legacy(&lab, &demo, &agent_del).await, "OK");
    assert_eq!(lab.sent("QueueRemove").len(), 2);
    let del = [("reqtype", "QUEUE"), ("tenant", "DEMO"), ("action", "del"), ("number", "9200"), ("extension", "104")];
    assert_eq!(legacy(&lab, &demo, &del).await, "OK");
    assert_eq!(lab.sent("QueueRemove").len(), 4);
}

#[tokio::test]
async fn dnd_and_flows_are_mirrored_into_every_node() {
    let (lab, demo, _) = two_tenants_two_nodes().await;
    let set = [("reqtype", "DND"), ("action", "set"), ("number", "103"), ("value", "on"), ("tenant", "DEMO")];
    assert_eq!(legacy(&lab, &demo, &set).await, "OK");
    for sim in &lab.sims {
        assert_eq!(sim.db_get("DND", "103-DEMO").as_deref(), Some("on"));
        assert_eq!(sim.device_state("Custom:DND103-DEMO").as_deref(), Some("INUSE"));
    }
    let clear = [("reqtype", "DND"), ("action", "set"), ("number", "103"), ("value", ""), ("tenant", "DEMO")];
    assert_eq!(legacy(&lab, &demo, &clear).await, "OK");
    assert_eq!(lab.sims[0].db_get("DND", "103-DEMO"), None);
    assert_eq!(lab.sims[1].device_state("Custom:DND103-DEMO").as_deref(), Some("NOT_INUSE"));
}

#[tokio::test]
async fn a_node_that_is_down_fails_only_its_own_answers() {
    let (lab, demo, _) = two_tenants_two_nodes().await;
    let admin = lab.app.admin_key.clone();
    let addr = lab.sims[1].addr();
    lab.sims[1].shutdown();
    let app = &lab.app;
    lab.wait_until("srv02 is seen down", || !app.core.pbx().nodes()[1].status().synced).await;
    assert_eq!(legacy(&lab, &admin, &[("reqtype", "COUNTCHANNELS")]).await, "srv01:1|");
    let down = legacy(&lab, &admin, &[("reqtype", "COUNTCHANNELS"), ("nodename", "srv02")]).await;
    assert!(down.starts_with("Error|PBX node srv02 is unavailable"), "{down}");
    let dial = [("reqtype", "DIAL"), ("tenant", "DEMO"), ("source", "103"), ("dest", "100"), ("server", "srv02")];
    assert!(legacy(&lab, &demo, &dial).await.starts_with("Error|PBX node srv02 is unavailable"));
    // Without `server`, the call goes to a node that is up.
    let dial = [("reqtype", "DIAL"), ("tenant", "DEMO"), ("source", "103"), ("dest", "100")];
    assert!(legacy(&lab, &demo, &dial).await.starts_with("Success|"));

    // Back on the same port: reconnect, re-sync, and the node's channels are there again.
    let _sim = Sim::start_prepared_on(addr, crate::live_lab::sim_config(1), |sim| {
        sim.add_channels_bulk(3, |i| channel(&format!("PJSIP/201-OTHER-0000020{i}"), ChannelState::Up));
    })
    .await
    .expect("restart");
    lab.wait_until("srv02 is synchronised again", || app.core.pbx().nodes()[1].status().synced).await;
    assert_eq!(legacy(&lab, &admin, &[("reqtype", "COUNTCHANNELS"), ("nodename", "srv02")]).await, "3");
    assert!(app.core.pbx().nodes()[1].status().health.reconnects >= 1);
}

#[tokio::test]
async fn an_idle_pbx_counts_zero_and_lists_nothing() {
    let lab = LiveLab::start(1).await;
    let admin = lab.app.admin_key.clone();
    // legacy printed nothing when idle; this answers 0.
    assert_eq!(legacy(&lab, &admin, &[("reqtype", "COUNTCALLS")]).await, "0");
    assert_eq!(legacy(&lab, &admin, &[("reqtype", "COUNTCHANNELS")]).await, "srv01:0|");
    assert_eq!(legacy(&lab, &admin, &[("reqtype", "CHANNELS")]).await, "");
    assert_eq!(legacy(&lab, &admin, &[("reqtype", "CHANNELS"), ("format", "json")]).await, "[]");
}

#[tokio::test]
async fn reboot_notifies_own_peers_and_unregister_says_why_not() {
    let (lab, keys) = LiveLab::start_serving(1, &[("DEMO", &["103"]), ("OTHER", &["201"])], |_, sim: &Sim| {
        sim.add_endpoint("103-DEMO", "Not in use", &["sip:103-DEMO@127.0.0.1:5070"]);
        sim.add_endpoint("201-OTHER", "Not in use", &["sip:201-OTHER@127.0.0.1:5071"]);
    })
    .await;
    let demo = keys[0].clone();
    let reboot = [("reqtype", "REBOOT"), ("peer", "103-DEMO"), ("tenant", "DEMO")];
    assert_eq!(legacy(&lab, &demo, &reboot).await, "Success|NOTIFY sent||");
    let notify = &lab.sent("PJSIPNotify")[0];
    assert_eq!((notify.get("Endpoint"), notify.get("Variable")), (Some("103-DEMO"), Some("Event=check-sync")));
    let foreign = [("reqtype", "REBOOT"), ("peer", "201-OTHER"), ("tenant", "DEMO")];
    assert_eq!(legacy(&lab, &demo, &foreign).await, "Error|No peer found||");
    let unregister = legacy(&lab, &demo, &[("reqtype", "UNREGISTER"), ("peer", "103-DEMO"), ("tenant", "DEMO")]).await;
    assert!(unregister.starts_with("Error|"), "{unregister}");
    assert_eq!(lab.sent("PJSIPNotify").len(), 1);
    let peers = legacy(&lab, &demo, &[("reqtype", "PEERS"), ("tenant", "DEMO"), ("format", "json")]).await;
    let peers: serde_json::Value = serde_json::from_str(&peers).unwrap();
    assert_eq!(peers.as_array().unwrap().len(), 1, "{peers}");
    assert_eq!(peers[0]["Name"], "103-DEMO");
    assert_eq!(peers[0]["Host"], "127.0.0.1");
    assert_eq!(legacy(&lab, &demo, &[("reqtype", "COUNTPEERS"), ("tenant", "DEMO")]).await, "srv01:1|");
    let regstate =
        legacy(&lab, &demo, &[("reqtype", "INFO"), ("info", "regstate"), ("ext", "103"), ("tenant", "DEMO")]);
    assert!(regstate.await.starts_with("REGISTERED|127.0.0.1:5070|"));
}

#[tokio::test]
async fn info_extensions_shows_the_live_device_state() {
    let lab = LiveLab::start_with(1, |_, sim: &Sim| sim.set_device_state("PJSIP/103-DEMO", "INUSE")).await;
    let demo = lab.tenant_with_extensions("DEMO", &["103", "104"]).await;
    let body =
        legacy(&lab, &demo, &[("reqtype", "INFO"), ("info", "extensions"), ("tenant", "DEMO"), ("format", "json")]);
    let list: serde_json::Value = serde_json::from_str(&body.await).unwrap();
    let state = |number: &str| {
        list.as_array().unwrap().iter().find(|e| e["ex_number"] == number).map(|e| e["st_state"].clone()).unwrap()
    };
    assert_eq!(state("103"), "INUSE");
    assert_eq!(state("104"), "UNKNOWN");
}

#[tokio::test]
async fn a_node_that_comes_back_gets_the_stored_dnd_and_flows_again() {
    let (lab, demo, _) = two_tenants_two_nodes().await;
    let addr = lab.sims[1].addr();
    lab.sims[1].shutdown();
    let app = &lab.app;
    lab.wait_until("srv02 is seen down", || !app.core.pbx().nodes()[1].status().synced).await;
    // Changed while srv02 is away: only srv01 hears it.
    let set = [("reqtype", "DND"), ("action", "set"), ("number", "103"), ("value", "on"), ("tenant", "DEMO")];
    assert_eq!(legacy(&lab, &demo, &set).await, "OK");
    // srv02 comes back with an AstDB that still says 104 is on DND (turned off meanwhile); the key
    // is there before the gateway can connect, as on a real node.
    let sim = Sim::start_prepared_on(addr, crate::live_lab::sim_config(1), |sim| sim.db_put("DND", "104-DEMO", "on"))
        .await
        .expect("restart");
    lab.wait_until("srv02 mirrors the stored DND", || {
        sim.db_get("DND", "103-DEMO").as_deref() == Some("on") && sim.db_get("DND", "104-DEMO").is_none()
    })
    .await;
    assert_eq!(sim.device_state("Custom:DND103-DEMO").as_deref(), Some("INUSE"));
    assert_eq!(sim.device_state("Custom:DND104-DEMO").as_deref(), Some("NOT_INUSE"));
}
