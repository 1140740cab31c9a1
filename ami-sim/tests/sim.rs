//! Tests of the stateful simulator against the captured wire format.

mod common;

use ami_sim::{Sim, SimConfig};
use common::{Client, pairs};

async fn sim() -> Sim {
    Sim::start(SimConfig::default()).await.expect("start sim")
}

#[tokio::test]
async fn login_plaintext_ok_exact_bytes() {
    let sim = sim().await;
    let mut c = Client::connect(sim.addr()).await;
    c.send("Action: Login\r\nActionID: t-001\r\nUsername: gateway\r\nSecret: gatewaysecret\r\n\r\n").await;
    let r = c.next().await.expect("response");
    assert_eq!(pairs(&r), vec![("Response", "Success"), ("ActionID", "t-001"), ("Message", "Authentication accepted")]);
    let e = c.next().await.expect("event");
    assert_eq!(e.get("Event"), Some("FullyBooted"));
    assert_eq!(e.get("Privilege"), Some("system,all"));
    assert_eq!(e.get("Status"), Some("Fully Booted"));
    c.send("Action: Logoff\r\nActionID: t-002\r\n\r\n").await;
    let g = c.next().await.expect("goodbye");
    assert_eq!(g.raw, b"Response: Goodbye\r\nActionID: t-002\r\nMessage: Thanks for all the fish.\r\n\r\n");
    assert!(c.next().await.is_none(), "server closes after Logoff");
}

async fn logged_in(sim: &Sim) -> Client {
    let mut c = Client::connect(sim.addr()).await;
    c.login().await;
    c
}

#[tokio::test]
async fn login_plaintext_failure_waits_then_closes() {
    let sim = sim().await;
    let mut c = Client::connect(sim.addr()).await;
    let t0 = std::time::Instant::now();
    c.send("Action: Login\r\nActionID: t-001\r\nUsername: gateway\r\nSecret: wrong-secret\r\n\r\n").await;
    let r = c.next().await.expect("error response");
    assert!(t0.elapsed() >= std::time::Duration::from_millis(45));
    assert_eq!(r.raw, b"Response: Error\r\nActionID: t-001\r\nMessage: Authentication failed\r\n\r\n");
    assert!(c.next().await.is_none());
}

#[tokio::test]
async fn login_md5_ok_and_fail() {
    use md5::{Digest, Md5};
    let sim = sim().await;
    for (secret, ok) in [("gatewaysecret", true), ("nope", false)] {
        let mut c = Client::connect(sim.addr()).await;
        c.action(&[("Action", "Challenge"), ("ActionID", "t-001"), ("AuthType", "MD5")]).await;
        let r = c.next().await.expect("challenge");
        let ch = r.get("Challenge").expect("Challenge header").to_string();
        assert!(ch.chars().all(|c| c.is_ascii_digit()));
        let key = hex::encode(Md5::digest(format!("{ch}{secret}").as_bytes()));
        c.action(&[
            ("Action", "Login"),
            ("ActionID", "t-002"),
            ("AuthType", "MD5"),
            ("Username", "gateway"),
            ("Key", &key),
        ])
        .await;
        let r = c.next().await.expect("login reply");
        if ok {
            assert_eq!(r.get("Message"), Some("Authentication accepted"));
        } else {
            assert_eq!(r.get("Message"), Some("Authentication failed"));
            assert!(c.next().await.is_none());
        }
    }
}

#[tokio::test]
async fn permission_denied_before_login_then_login_works() {
    let sim = sim().await;
    let mut c = Client::connect(sim.addr()).await;
    c.send("Action: Ping\r\nActionID: t-001\r\n\r\n").await;
    let r = c.next().await.expect("denied");
    assert_eq!(r.raw, b"Response: Error\r\nActionID: t-001\r\nMessage: Permission denied\r\n\r\n");
    c.login().await;
    c.send("Action: Ping\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!(r.headers[0], ("Response".into(), "Success".into()));
    assert_eq!(r.get("ActionID"), None, "fact 4: no ActionID when none was sent");
    assert_eq!(r.get("Ping"), Some("Pong"));
}

#[tokio::test]
async fn unknown_and_missing_action_lf_and_case() {
    let sim = sim().await;
    let mut c = logged_in(&sim).await;
    c.send("Action: FooBarNoSuchAction\r\nActionID: t-002\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!(
        r.get("Message"),
        Some("Invalid/unknown command: FooBarNoSuchAction. Use Action: ListCommands to show available commands.")
    );
    c.send("ActionID: no-action-1\r\nFoo: bar\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!(r.raw, b"Response: Error\r\nActionID: no-action-1\r\nMessage: Missing action in request\r\n\r\n");
    c.send("action:ping\nactionid:   case-3   \n\n").await;
    let r = c.response().await;
    assert_eq!(r.get("ActionID"), Some("case-3   "));
    assert!(r.raw.windows(2).all(|w| w[1] != b'\n' || w[0] == b'\r'), "answers in CRLF");
}

#[tokio::test]
async fn core_show_channels_list_and_events_off() {
    let sim = sim().await;
    sim.add_channel(ami_sim::ChannelSpec {
        name: "PJSIP/103-DEMO-00000001".into(),
        state: ami_sim::ChannelState::Up,
        application: "Wait".into(),
        application_data: "20".into(),
        ..Default::default()
    });
    let mut c = Client::connect(sim.addr()).await;
    c.action(&[("Action", "Login"), ("Username", "gateway"), ("Secret", "gatewaysecret"), ("Events", "off")]).await;
    let r = c.next().await.expect("login");
    assert_eq!(r.get("Message"), Some("Authentication accepted"));
    c.action(&[("Action", "CoreShowChannels"), ("ActionID", "t-002")]).await;
    let start = c.next().await.expect("start");
    assert_eq!(
        pairs(&start),
        vec![
            ("Response", "Success"),
            ("ActionID", "t-002"),
            ("EventList", "start"),
            ("Message", "Channels will follow")
        ]
    );
    let item = c.next().await.expect("item");
    assert_eq!(
        &pairs(&item)[..3],
        &[("Event", "CoreShowChannel"), ("ActionID", "t-002"), ("Channel", "PJSIP/103-DEMO-00000001")]
    );
    assert_eq!(item.get("ChannelStateDesc"), Some("Up"));
    assert_eq!(item.get("ApplicationData"), Some("20"));
    assert!(item.get("Uniqueid").expect("uid").starts_with("sim-"));
    let done = c.next().await.expect("complete");
    assert_eq!(
        pairs(&done),
        vec![
            ("Event", "CoreShowChannelsComplete"),
            ("ActionID", "t-002"),
            ("EventList", "Complete"),
            ("ListItems", "1")
        ]
    );
    // Events are off: a new channel produces nothing for this connection.
    sim.add_channel(ami_sim::ChannelSpec { name: "Local/1@x-00000009;1".into(), ..Default::default() });
    assert!(c.next_within(std::time::Duration::from_millis(100)).await.is_err());
}

#[tokio::test]
async fn originate_async_events_and_failures() {
    let sim = sim().await;
    let mut c = logged_in(&sim).await;
    c.send("Action: Originate\r\nActionID: t-002\r\nChannel: Local/100@test\r\nContext: DEMO\r\nExten: 101\r\nPriority: 1\r\nAsync: true\r\nCallerID: 5551002\r\nVariable: FOO=bar\r\nVariable: BAZ=qux,ANOTHER=x\r\nAccount: fixture-acct\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!(r.get("Message"), Some("Originate successfully queued"));
    let n1 = c.until(|m| m.get("Event") == Some("Newchannel")).await;
    assert_eq!(n1.get("Channel"), Some("Local/100@test-00000001;1"));
    let n2 = c.until(|m| m.get("Event") == Some("Newchannel")).await;
    assert_eq!(n2.get("Channel"), Some("Local/100@test-00000001;2"));
    assert_eq!(n2.get("Linkedid"), n1.get("Uniqueid"));
    let or = c.until(|m| m.get("Event") == Some("OriginateResponse")).await;
    assert_eq!(
        &pairs(&or)[..5],
        &[
            ("Event", "OriginateResponse"),
            ("Privilege", "call,all"),
            ("ActionID", "t-002"),
            ("Response", "Success"),
            ("Channel", "Local/100@test-00000001;1")
        ]
    );
    assert_eq!(or.get("Reason"), Some("4"));
    assert_eq!(or.get("Exten"), Some("101"));
    assert_eq!(sim.channel_count(), 2);
    let ch = sim.channel("Local/100@test-00000001;1").expect("channel");
    assert_eq!(ch.account_code, "fixture-acct");
    let vars: Vec<&str> = ch.variables.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(vars, ["FOO", "BAZ", "ANOTHER"]);

    sim.fail_originates(true);
    c.action(&[
        ("Action", "Originate"),
        ("ActionID", "t-003"),
        ("Channel", "Local/100@test"),
        ("Application", "Wait"),
        ("Data", "1"),
        ("Async", "true"),
    ])
    .await;
    assert_eq!(c.response().await.get("Message"), Some("Originate successfully queued"));
    let or = c.until(|m| m.get("Event") == Some("OriginateResponse")).await;
    assert_eq!(or.get("Response"), Some("Failure"));
    assert_eq!(or.get("Reason"), Some("0"));
    assert_eq!(or.get("Uniqueid"), Some("<unknown>"));
    c.action(&[("Action", "Originate"), ("ActionID", "t-004"), ("Application", "Wait")]).await;
    assert_eq!(c.response().await.get("Message"), Some("Channel not specified"));
    assert_eq!(sim.channel_count(), 2);
}

#[tokio::test]
async fn hangup_by_name_and_unknown() {
    let sim = sim().await;
    let mut c = logged_in(&sim).await;
    sim.add_channel(ami_sim::ChannelSpec { name: "PJSIP/a-00000001".into(), ..Default::default() });
    c.action(&[("Action", "Hangup"), ("ActionID", "h1"), ("Channel", "PJSIP/a-00000001"), ("Cause", "16")]).await;
    assert_eq!(c.response().await.get("Message"), Some("Channel Hungup"));
    let h = c.until(|m| m.get("Event") == Some("Hangup")).await;
    assert_eq!(h.get("Cause"), Some("16"));
    assert_eq!(h.get("Cause-txt"), Some("Normal Clearing"));
    c.action(&[("Action", "Hangup"), ("ActionID", "h2"), ("Channel", "PJSIP/a-00000001")]).await;
    assert_eq!(c.response().await.get("Message"), Some("No such channel"));
    assert_eq!(sim.channel_count(), 0);
}

#[tokio::test]
async fn queues_db_and_extension_state() {
    let sim = sim().await;
    sim.add_queue("support");
    sim.set_hint("103", "DEMO", "Custom:103-DEMO");
    let mut c = logged_in(&sim).await;
    c.send("Action: QueueAdd\r\nActionID: t-002\r\nQueue: support\r\nInterface: Local/202@agents/n\r\nPenalty: 1\r\nPaused: true\r\nMemberName: Agent 202\r\nStateInterface: Custom:202-DEMO\r\nReason: lunch\r\n\r\n").await;
    assert_eq!(c.response().await.get("Message"), Some("Added interface to queue"));
    let ev = c.until(|m| m.get("Event") == Some("QueueMemberAdded")).await;
    assert_eq!(ev.get("PausedReason"), Some("lunch"));
    c.action(&[
        ("Action", "QueueAdd"),
        ("ActionID", "t-003"),
        ("Queue", "support"),
        ("Interface", "Local/202@agents/n"),
    ])
    .await;
    assert_eq!(c.response().await.get("Message"), Some("Unable to add interface: Already there"));
    c.action(&[
        ("Action", "QueuePause"),
        ("ActionID", "t-004"),
        ("Interface", "Local/202@agents/n"),
        ("Paused", "false"),
    ])
    .await;
    assert_eq!(c.response().await.get("Message"), Some("Interface unpaused successfully"));
    assert!(!sim.queue_member("support", "Local/202@agents/n").expect("member").paused);
    c.action(&[("Action", "QueueStatus"), ("ActionID", "t-005"), ("Queue", "support")]).await;
    let member = c.until(|m| m.get("Event") == Some("QueueMember")).await;
    assert_eq!(member.headers.last().map(|(k, v)| (k.as_str(), v.as_str())), Some(("ActionID", "t-005")));
    let done = c.until(|m| m.get("Event") == Some("QueueStatusComplete")).await;
    assert_eq!(done.get("ListItems"), Some("2"));
    c.action(&[("Action", "QueueStatus"), ("ActionID", "t-006"), ("Queue", "nosuchqueue")]).await;
    let done = c.until(|m| m.get("Event") == Some("QueueStatusComplete")).await;
    assert_eq!(done.get("ListItems"), Some("0"));

    c.action(&[("Action", "DBPut"), ("ActionID", "d1"), ("Family", "DND"), ("Key", "1002"), ("Val", "")]).await;
    assert_eq!(c.response().await.get("Message"), Some("Updated database successfully"));
    c.action(&[("Action", "DBGet"), ("ActionID", "d2"), ("Family", "DND"), ("Key", "1002")]).await;
    let item = c.until(|m| m.get("Event") == Some("DBGetResponse")).await;
    assert!(item.raw.windows(7).any(|w| w == b"Val: \r\n"));
    c.action(&[("Action", "DBGet"), ("ActionID", "d3"), ("Family", "DND"), ("Key", "9999")]).await;
    assert_eq!(c.response().await.get("Message"), Some("Database entry not found"));

    c.action(&[
        ("Action", "Setvar"),
        ("ActionID", "s1"),
        ("Variable", "DEVICE_STATE(Custom:103-DEMO)"),
        ("Value", "INUSE"),
    ])
    .await;
    assert_eq!(c.response().await.get("Message"), Some("Variable Set"));
    let dsc =
        c.until(|m| m.get("Event") == Some("DeviceStateChange") && m.get("Device") == Some("Custom:103-DEMO")).await;
    assert_eq!(dsc.get("State"), Some("INUSE"));
    let es = c.until(|m| m.get("Event") == Some("ExtensionStatus")).await;
    assert_eq!((es.get("Status"), es.get("StatusText")), (Some("1"), Some("InUse")));
    c.action(&[("Action", "ExtensionState"), ("ActionID", "x1"), ("Exten", "999"), ("Context", "DEMO")]).await;
    let r = c.response().await;
    assert_eq!((r.get("Hint"), r.get("Status"), r.get("StatusText")), (Some(""), Some("-1"), Some("Unknown")));
}

#[tokio::test]
async fn pjsip_endpoints_messages_and_registration() {
    let off = Sim::start(SimConfig { pjsip: false, ..SimConfig::default() }).await.expect("start");
    let mut c = logged_in(&off).await;
    c.action(&[("Action", "PJSIPShowEndpoints"), ("ActionID", "t-002")]).await;
    assert_eq!(
        c.response().await.get("Message"),
        Some("Invalid/unknown command: PJSIPShowEndpoints. Use Action: ListCommands to show available commands.")
    );

    let sim = sim().await;
    sim.add_endpoint("103-DEMO", "Not in use", &["sip:103-DEMO-0x1@127.0.0.1:5070"]);
    sim.add_endpoint("104-DEMO", "Unavailable", &[]);
    sim.set_hint("104", "DEMO", "PJSIP/104-DEMO");
    let mut c = logged_in(&sim).await;
    c.action(&[("Action", "PJSIPShowEndpoints"), ("ActionID", "t-002")]).await;
    let first = c.until(|m| m.get("Event") == Some("EndpointList")).await;
    assert_eq!(first.get("Contacts"), Some("103-DEMO/sip:103-DEMO-0x1@127.0.0.1:5070,"));
    let done = c.until(|m| m.get("Event") == Some("EndpointListComplete")).await;
    assert_eq!(done.get("ListItems"), Some("2"));
    for (to, msg) in [("pjsip:103-DEMO", "Message successfully sent"), ("pjsip:104-DEMO", "Message failed to send.")] {
        c.action(&[("Action", "MessageSend"), ("ActionID", "m"), ("To", to), ("Body", "hi")]).await;
        assert_eq!(c.response().await.get("Message"), Some(msg));
    }
    c.action(&[("Action", "MessageSend"), ("ActionID", "m"), ("Body", "hi")]).await;
    assert_eq!(c.response().await.get("Message"), Some("No 'To' address specified."));
    c.action(&[
        ("Action", "PJSIPNotify"),
        ("ActionID", "n"),
        ("Endpoint", "104-DEMO"),
        ("Variable", "Event=check-sync"),
    ])
    .await;
    assert_eq!(c.response().await.get("Message"), Some("NOTIFY sent"));

    assert!(sim.register("104-DEMO", "sip:104@127.0.0.1:5071"));
    let order: Vec<String> = {
        let mut v = Vec::new();
        for _ in 0..5 {
            let m = c.next().await.expect("event");
            v.push(format!(
                "{}:{}",
                m.get("Event").unwrap_or(""),
                m.get("ContactStatus").or(m.get("PeerStatus")).or(m.get("State")).or(m.get("Status")).unwrap_or("")
            ));
        }
        v
    };
    assert_eq!(
        order,
        [
            "ContactStatus:NonQualified",
            "PeerStatus:Reachable",
            "ContactStatus:Reachable",
            "ExtensionStatus:0",
            "DeviceStateChange:NOT_INUSE"
        ]
    );
}

#[tokio::test]
async fn events_reach_every_connection() {
    let sim = sim().await;
    let mut a = logged_in(&sim).await;
    let mut b = logged_in(&sim).await;
    sim.set_device_state("Custom:1", "INUSE");
    for c in [&mut a, &mut b] {
        let m = c.until(|m| m.get("Event") == Some("DeviceStateChange")).await;
        assert_eq!(m.get("Device"), Some("Custom:1"));
    }
}

#[tokio::test]
async fn fragmenting_mode_keeps_messages_intact() {
    let sim = Sim::start(SimConfig { fragment: true, ..SimConfig::default() }).await.expect("start");
    sim.add_channels_bulk(30, |i| ami_sim::ChannelSpec { name: format!("PJSIP/x-{i:08x}"), ..Default::default() });
    let mut c = logged_in(&sim).await;
    c.action(&[("Action", "CoreShowChannels"), ("ActionID", "f")]).await;
    let done = c.until(|m| m.get("Event") == Some("CoreShowChannelsComplete")).await;
    assert_eq!(done.get("ListItems"), Some("30"));
}

#[tokio::test]
async fn shutdown_and_restart_on_same_port() {
    let sim = sim().await;
    let addr = sim.addr();
    let mut c = logged_in(&sim).await;
    sim.shutdown();
    assert!(c.next().await.is_none(), "connection closed by shutdown");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "listener closed");
    let again = Sim::start_on(addr, SimConfig::default()).await.expect("restart on the same port");
    assert_eq!(again.addr(), addr);
    let mut c = logged_in(&again).await;
    again.drop_connections();
    assert!(c.next().await.is_none(), "dropped");
    let _still_listening = logged_in(&again).await;
}

#[tokio::test]
async fn stall_and_recorded_actions() {
    let sim = sim().await;
    let mut c = logged_in(&sim).await;
    sim.clear_actions();
    sim.stall(true);
    c.send("Action: Ping\r\nActionID: p1\r\n\r\n").await;
    assert!(c.next_within(std::time::Duration::from_millis(150)).await.is_err(), "no answer while stalled");
    let acts = sim.actions();
    assert_eq!(acts.len(), 1);
    assert_eq!(acts[0].get("ActionID"), Some("p1"));
    assert_eq!(acts[0].raw, b"Action: Ping\r\nActionID: p1\r\n\r\n");
    sim.stall(false);
    sim.set_response_delay(std::time::Duration::from_millis(50));
    let t0 = std::time::Instant::now();
    c.send("Action: Ping\r\nActionID: p2\r\n\r\n").await;
    assert_eq!(c.response().await.get("ActionID"), Some("p2"));
    assert!(t0.elapsed() >= std::time::Duration::from_millis(45));
}

#[tokio::test]
async fn bulk_channels_for_the_benchmark() {
    let sim = sim().await;
    let t0 = std::time::Instant::now();
    sim.add_channels_bulk(3400, |i| ami_sim::ChannelSpec {
        name: format!("PJSIP/n1-{i:08x}"),
        state: ami_sim::ChannelState::Up,
        ..Default::default()
    });
    assert!(t0.elapsed() < std::time::Duration::from_secs(2));
    let mut c = logged_in(&sim).await;
    c.action(&[("Action", "CoreShowChannels"), ("ActionID", "b")]).await;
    let done = c.until(|m| m.get("Event") == Some("CoreShowChannelsComplete")).await;
    assert_eq!(done.get("ListItems"), Some("3400"));
}
