//! The listening node: accept loop, per-connection tasks, event broadcast,
//! and the fragmenting writer.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, watch};

use crate::actions::{self, Conn, Reply};
use crate::state::State;
use crate::wire::{Message, Parser};

/// The banner sent on connect, before anything else (fact 1).
pub const BANNER: &str = "Asterisk Call Manager/13.0.0\r\n";

/// Configuration of a simulated node.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// AMI username accepted by Login.
    pub username: String,
    /// AMI secret (plaintext Login and MD5 key).
    pub secret: String,
    /// Delay before `Authentication failed` (real Asterisk: ~1 s, fact 10).
    pub auth_failure_delay: Duration,
    /// Node name, the prefix of generated Uniqueids (`srv01-1700000000.12`).
    pub node_name: String,
    /// Split every write into small random chunks (fact 3).
    pub fragment: bool,
    /// When false, PJSIP* actions are unknown commands (25).
    pub pjsip: bool,
    /// Port to bind on 127.0.0.1 (0 = any free port).
    pub port: u16,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            username: "gateway".into(),
            secret: "gatewaysecret".into(),
            auth_failure_delay: Duration::from_millis(50),
            node_name: "sim".into(),
            fragment: false,
            pjsip: true,
            port: 0,
        }
    }
}

/// One action as received: headers in order and the exact bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedAction {
    /// `(name, value)` pairs as sent.
    pub headers: Vec<(String, String)>,
    /// Raw bytes of the message including its terminator.
    pub raw: Vec<u8>,
}

impl RecordedAction {
    /// First value of a header (case-insensitive name).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// State shared between the [`crate::Sim`] handle and the connection tasks.
pub(crate) struct Shared {
    pub cfg: SimConfig,
    pub state: Mutex<State>,
    pub events: broadcast::Sender<Arc<str>>,
    pub actions: Mutex<Vec<RecordedAction>>,
    pub response_delay: Mutex<Duration>,
    pub stall: AtomicBool,
    pub fail_originates: AtomicBool,
    pub started: Instant,
    pub epoch: u64,
    pub uid_seq: AtomicU64,
}

impl Shared {
    pub fn new(cfg: SimConfig) -> Shared {
        let (events, _) = broadcast::channel(1 << 16);
        Shared {
            cfg,
            state: Mutex::new(State::default()),
            events,
            actions: Mutex::new(Vec::new()),
            response_delay: Mutex::new(Duration::ZERO),
            stall: AtomicBool::new(false),
            fail_originates: AtomicBool::new(false),
            started: Instant::now(),
            epoch: SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
            uid_seq: AtomicU64::new(0),
        }
    }

    /// Locks the state; a poisoned lock (a panicking test) is recovered.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Broadcasts one encoded event to every connection with events on.
    pub fn emit(&self, event: String) {
        // No receivers (nobody logged in) is fine.
        let _ = self.events.send(Arc::from(event));
    }

    /// Broadcasts several events in order.
    pub fn emit_all(&self, events: Vec<String>) {
        for e in events {
            self.emit(e);
        }
    }

    /// A fresh Uniqueid `<node>-<epoch>.<n>`.
    pub fn next_uniqueid(&self) -> String {
        let n = self.uid_seq.fetch_add(1, Ordering::Relaxed);
        format!("{}-{}.{}", self.cfg.node_name, self.epoch, n)
    }

    pub fn record(&self, msg: &Message) {
        self.actions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(RecordedAction { headers: msg.headers.clone(), raw: msg.raw.clone() });
    }

    pub fn response_delay(&self) -> Duration {
        *self.response_delay.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Lifecycle signal for connection tasks: shutdown flag and the generation
/// of connections allowed to live (bumped by `drop_connections`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Life {
    pub shutdown: bool,
    pub conn_gen: u64,
}

/// Binds and spawns the accept loop.
/// Serves the node's connections on a bound listener.
pub(crate) fn serve(listener: TcpListener, shared: Arc<Shared>, life: watch::Receiver<Life>) {
    tokio::spawn(accept_loop(listener, shared, life));
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut life: watch::Receiver<Life>) {
    loop {
        tokio::select! {
            changed = life.changed() => {
                if changed.is_err() || life.borrow().shutdown {
                    return; // dropping the listener closes the port
                }
            }
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let gen_now = life.borrow().conn_gen;
                tokio::spawn(connection(stream, shared.clone(), life.clone(), gen_now));
            }
        }
    }
}

/// Writes bytes, optionally in random small chunks with a pause between
/// them so the client sees arbitrary TCP splits (fact 3).
pub(crate) async fn write_out(
    stream: &mut TcpStream,
    bytes: &[u8],
    fragment: bool,
    rng: &mut u64,
) -> std::io::Result<()> {
    if !fragment {
        stream.write_all(bytes).await?;
        return stream.flush().await;
    }
    let mut rest = bytes;
    while !rest.is_empty() {
        // xorshift64: good enough for chunk sizes, no extra dependency.
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        let n = ((*rng % 40) as usize + 1).min(rest.len());
        stream.write_all(&rest[..n]).await?;
        stream.flush().await?;
        rest = &rest[n..];
        if rng.is_multiple_of(8) {
            tokio::time::sleep(Duration::from_millis(1)).await;
        } else {
            tokio::task::yield_now().await;
        }
    }
    Ok(())
}

fn dead(life: &Life, conn_gen: u64) -> bool {
    life.shutdown || life.conn_gen != conn_gen
}

async fn connection(mut stream: TcpStream, shared: Arc<Shared>, mut life: watch::Receiver<Life>, conn_gen: u64) {
    let fragment = shared.cfg.fragment;
    let mut rng = shared.started.elapsed().as_nanos() as u64 | 1;
    if write_out(&mut stream, BANNER.as_bytes(), fragment, &mut rng).await.is_err() {
        return;
    }
    let mut events = shared.events.subscribe();
    let mut conn = Conn::default();
    let mut parser = Parser::default();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        // Answer every complete message before reading more (fact 14:
        // pipelined requests are answered in order).
        while let Some(msg) = parser.next_message() {
            shared.record(&msg);
            if shared.stall.load(Ordering::Relaxed) {
                continue;
            }
            let delay = shared.response_delay();
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let Reply { out, close, delay } = actions::handle(&shared, &mut conn, &msg);
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            if write_out(&mut stream, out.as_bytes(), fragment, &mut rng).await.is_err() || close {
                return;
            }
        }
        tokio::select! {
            changed = life.changed() => {
                if changed.is_err() || dead(&life.borrow(), conn_gen) {
                    return;
                }
            }
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => parser.push(&buf[..n]),
            },
            ev = events.recv() => match ev {
                Ok(ev) => {
                    let stalled = shared.stall.load(Ordering::Relaxed);
                    if conn.logged_in && conn.events_on && !stalled
                        && write_out(&mut stream, ev.as_bytes(), fragment, &mut rng).await.is_err()
                    {
                        return;
                    }
                }
                // Lagged: events were dropped for this slow reader; keep going.
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}
