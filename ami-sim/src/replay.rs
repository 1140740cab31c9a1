//! [`Replay`]: plays one capture's server side back with its exact TCP read
//! boundaries (the `.jsonl` timeline), to test a client's buffering against
//! real splits (fact 3).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::wire::{Parser, count_messages};

/// One timeline step.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    /// Server→client bytes: index into `Script::chunks`.
    Write(usize),
    /// Wait until the client has sent this many messages in total.
    WaitFor(usize),
    /// The server closed the connection.
    Eof,
}

/// A parsed capture.
#[derive(Debug, Default)]
struct Script {
    steps: Vec<Step>,
    /// Server chunks, in order.
    chunks: Vec<Vec<u8>>,
    /// Offset of each chunk in the concatenated server stream.
    starts: Vec<usize>,
    /// The concatenated server stream.
    stream: Vec<u8>,
    /// ActionID value spans `[a, b)` in the concatenated server stream.
    id_spans: Vec<(usize, usize)>,
    /// The capture client's ActionIDs, one entry per message it sent.
    client_ids: Vec<Option<String>>,
}

impl Script {
    fn parse(text: &str) -> std::io::Result<Script> {
        let bad = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
        let mut s = Script::default();
        let mut sent_all = Vec::new();
        let mut stream = Vec::new();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(format!("line {}: {e}", n + 1)))?;
            if v.get("eof").and_then(|e| e.as_bool()) == Some(true) {
                s.steps.push(Step::Eof);
                continue;
            }
            let data = v.get("data").and_then(|d| d.as_str()).ok_or_else(|| bad(format!("line {}: no data", n + 1)))?;
            match v.get("dir").and_then(|d| d.as_str()) {
                Some("recv") => {
                    s.starts.push(stream.len());
                    stream.extend_from_slice(data.as_bytes());
                    s.chunks.push(data.as_bytes().to_vec());
                    s.steps.push(Step::Write(s.chunks.len() - 1));
                }
                Some("sent") => {
                    sent_all.extend_from_slice(data.as_bytes());
                    s.steps.push(Step::WaitFor(count_messages(&sent_all)));
                }
                other => return Err(bad(format!("line {}: dir {other:?}", n + 1))),
            }
        }
        let mut p = Parser::default();
        p.push(&sent_all);
        while let Some(m) = p.next_message() {
            s.client_ids.push(m.get("ActionID").map(str::to_string));
        }
        s.id_spans = action_id_spans(&stream);
        s.stream = stream;
        Ok(s)
    }

    /// Chunk `k` with captured ActionIDs replaced by the client's. A value
    /// that straddles a chunk boundary is split at the same offset (clamped
    /// to the new value's length), so the concatenation stays consistent.
    fn render(&self, k: usize, stream_ids: &HashMap<String, String>) -> Vec<u8> {
        let data = &self.chunks[k];
        let s = self.starts[k];
        let e = s + data.len();
        let whole = &self.stream;
        let mut out = Vec::with_capacity(data.len());
        let mut pos = s;
        for &(a, b) in self.id_spans.iter().filter(|(a, b)| *a < e && *b > s) {
            let old = String::from_utf8_lossy(&whole[a..b]).into_owned();
            let new = stream_ids.get(&old).map(String::as_bytes).unwrap_or(&whole[a..b]);
            let from = a.max(s);
            out.extend_from_slice(&whole[pos..from]);
            let lo = (from - a).min(new.len());
            let hi = if b <= e { new.len() } else { (e - a).min(new.len()) };
            out.extend_from_slice(&new[lo..hi.max(lo)]);
            pos = b.min(e);
        }
        out.extend_from_slice(&whole[pos..e]);
        out
    }
}

/// Value spans of every `ActionID: ` line in a server stream.
fn action_id_spans(stream: &[u8]) -> Vec<(usize, usize)> {
    const KEY: &[u8] = b"ActionID: ";
    let mut spans = Vec::new();
    let mut line_start = 0;
    while line_start < stream.len() {
        let end = stream[line_start..].iter().position(|&b| b == b'\n').map_or(stream.len(), |p| line_start + p);
        if stream[line_start..].starts_with(KEY) {
            let a = line_start + KEY.len();
            let b = if end > a && stream[end - 1] == b'\r' && end < stream.len() { end - 1 } else { end };
            spans.push((a, b));
        }
        line_start = end + 1;
    }
    spans
}

/// A replaying server. Each accepted connection gets the whole timeline.
#[derive(Debug)]
pub struct Replay {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<u8>>>,
    completed: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Replay {
    /// Loads a `.jsonl` capture and listens on `127.0.0.1:0`.
    pub async fn start(path: impl AsRef<Path>) -> std::io::Result<Replay> {
        let text = std::fs::read_to_string(path)?;
        let script = Arc::new(Script::parse(&text)?);
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let received = Arc::new(Mutex::new(Vec::new()));
        let completed = Arc::new(AtomicUsize::new(0));
        let (rx2, done2) = (received.clone(), completed.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let (script, rx, done) = (script.clone(), rx2.clone(), done2.clone());
                tokio::spawn(async move {
                    if play(stream, &script, rx).await.is_ok() {
                        done.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        Ok(Replay { addr, received, completed, task })
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every byte clients sent so far (all connections, in arrival order).
    pub fn received(&self) -> Vec<u8> {
        self.received.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// How many connections played the whole timeline to its end.
    pub fn completed(&self) -> usize {
        self.completed.load(Ordering::SeqCst)
    }
}

impl Drop for Replay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Plays the timeline on one connection. `Err` if the client went away
/// before the end.
async fn play(stream: TcpStream, script: &Script, received: Arc<Mutex<Vec<u8>>>) -> Result<(), ()> {
    let (mut rd, mut wr) = stream.into_split();
    let (tx, mut msgs) = mpsc::unbounded_channel::<Option<String>>();
    let reader = tokio::spawn(async move {
        let mut parser = Parser::default();
        let mut buf = vec![0u8; 8192];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    received.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(&buf[..n]);
                    parser.push(&buf[..n]);
                    while let Some(m) = parser.next_message() {
                        if tx.send(m.get("ActionID").map(str::to_string)).is_err() {
                            return;
                        }
                    }
                }
            }
        }
    });
    let mut ids = HashMap::new();
    let mut seen = 0;
    let result = async {
        for step in &script.steps {
            match *step {
                Step::Write(k) => {
                    let bytes = script.render(k, &ids);
                    wr.write_all(&bytes).await.map_err(|_| ())?;
                    wr.flush().await.map_err(|_| ())?;
                    // Keep this chunk a separate read on the client side.
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                Step::WaitFor(n) => {
                    while seen < n {
                        let client_id = msgs.recv().await.ok_or(())?;
                        // Map the capture's i-th ActionID to the client's i-th.
                        if let (Some(Some(old)), Some(new)) = (script.client_ids.get(seen), client_id) {
                            ids.insert(old.clone(), new);
                        }
                        seen += 1;
                    }
                }
                Step::Eof => {
                    let _ = wr.shutdown().await;
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }
    .await;
    match result {
        Ok(true) => {
            reader.abort();
            Ok(())
        }
        Ok(false) => {
            // No EOF in the capture: keep the connection open until the
            // client closes it.
            let _ = reader.await;
            Ok(())
        }
        Err(()) => {
            reader.abort();
            Err(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_action_ids_across_boundaries() {
        let text = concat!(
            r#"{"dir":"sent","data":"Action: Ping\r\nActionID: t-002\r\n\r\n"}"#,
            "\n",
            r#"{"dir":"recv","data":"Response: Success\r\nActionID: t-0"}"#,
            "\n",
            r#"{"dir":"recv","data":"02\r\nPing: Pong\r\n\r\n"}"#,
            "\n",
            r#"{"eof":true,"dir":"recv","data":""}"#,
        );
        let s = Script::parse(text).expect("parse");
        assert_eq!(s.steps, vec![Step::WaitFor(1), Step::Write(0), Step::Write(1), Step::Eof]);
        let ids = HashMap::from([("t-002".to_string(), "mine-99".to_string())]);
        let all = [s.render(0, &ids), s.render(1, &ids)].concat();
        assert_eq!(
            String::from_utf8(all).expect("utf8"),
            "Response: Success\r\nActionID: mine-99\r\nPing: Pong\r\n\r\n"
        );
        assert_eq!(s.render(0, &ids), b"Response: Success\r\nActionID: min");
    }
}
