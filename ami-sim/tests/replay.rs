//! Replays of real captures, driven by a raw TCP client that uses its own
//! ActionIDs: the replayed bytes must equal the capture with the ActionIDs
//! rewritten, and what the client sent must be recorded.

use std::path::PathBuf;
use std::time::Duration;

use ami_sim::Replay;
use ami_sim::wire::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CAPTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/ami-captures");

fn capture(prefix: &str, ext: &str) -> PathBuf {
    let dir = std::fs::read_dir(CAPTURES).expect("captures directory");
    dir.filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with(&format!("{prefix}-")) && name.ends_with(ext)
        })
        .expect("capture file")
}

/// Rewrites `ActionID: <id>` lines to `ActionID: mine-<id>`.
fn remap(text: &str, ids: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match line.strip_prefix("ActionID: ") {
            Some(rest) => {
                let id = rest.trim_end_matches(['\r', '\n']);
                if ids.iter().any(|i| i == id) {
                    out.push_str(&format!("ActionID: mine-{id}{}", &rest[id.len()..]));
                } else {
                    out.push_str(line);
                }
            }
            None => out.push_str(line),
        }
    }
    out
}

async fn replay_capture(prefix: &str) {
    let sent = std::fs::read_to_string(capture(prefix, ".sent")).expect(".sent");
    let recv = std::fs::read_to_string(capture(prefix, ".recv")).expect(".recv");
    let chunks = std::fs::read_to_string(capture(prefix, ".jsonl"))
        .expect(".jsonl")
        .matches("\"dir\": \"recv\", \"data\"")
        .count();
    let mut p = Parser::default();
    p.push(sent.as_bytes());
    let mut ids = Vec::new();
    while let Some(m) = p.next_message() {
        if let Some(id) = m.get("ActionID") {
            ids.push(id.to_string());
        }
    }
    let ours = remap(&sent, &ids);
    let expected = remap(&recv, &ids);

    let replay = Replay::start(capture(prefix, ".jsonl")).await.expect("replay");
    let mut s = TcpStream::connect(replay.addr()).await.expect("connect");
    s.write_all(ours.as_bytes()).await.expect("send");
    let mut got = Vec::new();
    let mut reads = 0;
    let mut buf = [0u8; 65536];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
            .await
            .expect("replay stalled")
            .expect("read");
        if n == 0 {
            break;
        }
        reads += 1;
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(String::from_utf8_lossy(&got), expected, "capture {prefix}");
    assert_eq!(replay.received(), ours.as_bytes());
    assert!(reads >= 2 && reads <= chunks, "{reads} reads for {chunks} chunks");
    assert_eq!(replay.completed(), 1);
}

#[tokio::test]
async fn replay_02_login_plaintext() {
    replay_capture("02").await;
}

#[tokio::test]
async fn replay_04_login_md5() {
    replay_capture("04").await;
}

#[tokio::test]
async fn replay_33_pipelined() {
    replay_capture("33").await;
}

#[tokio::test]
async fn replay_39_bare_lf_in_values() {
    replay_capture("39").await;
}

#[tokio::test]
async fn replay_48_long_event_stream() {
    replay_capture("48").await;
}

#[tokio::test]
async fn replay_waits_for_the_client() {
    // 02: after the banner, nothing more until the client sends its Login.
    let replay = Replay::start(capture("02", ".jsonl")).await.expect("replay");
    let mut s = TcpStream::connect(replay.addr()).await.expect("connect");
    let mut buf = [0u8; 4096];
    let n = s.read(&mut buf).await.expect("banner");
    assert_eq!(&buf[..n], b"Asterisk Call Manager/13.0.0\r\n");
    let more = tokio::time::timeout(Duration::from_millis(100), s.read(&mut buf)).await;
    assert!(more.is_err(), "server must wait for the Login");
    s.write_all(b"Action: Login\r\nActionID: x-1\r\nUsername: gateway\r\nSecret: gatewaysecret\r\n\r\n")
        .await
        .expect("send");
    let n = s.read(&mut buf).await.expect("login reply");
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(text.starts_with("Response: Success\r\nActionID: x-1\r\n"), "{text}");
}
