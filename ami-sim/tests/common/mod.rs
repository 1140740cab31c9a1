//! A tiny raw-TCP AMI client for the tests.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use ami_sim::wire::{Message, Parser};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const T: Duration = Duration::from_secs(5);

pub struct Client {
    pub stream: TcpStream,
    parser: Parser,
    /// Every byte received, banner included.
    pub raw: Vec<u8>,
    banner_seen: bool,
}

impl Client {
    /// Connects and reads the banner line.
    pub async fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).await.expect("connect");
        let mut c = Client { stream, parser: Parser::default(), raw: Vec::new(), banner_seen: false };
        let banner = c.read_banner().await;
        assert_eq!(banner, "Asterisk Call Manager/13.0.0\r\n");
        c
    }

    async fn read_banner(&mut self) -> String {
        let mut line = Vec::new();
        let mut b = [0u8; 1];
        while !line.ends_with(b"\r\n") {
            let n = tokio::time::timeout(T, self.stream.read(&mut b)).await.expect("banner timeout").expect("read");
            assert!(n > 0, "eof before banner");
            line.push(b[0]);
        }
        self.raw.extend_from_slice(&line);
        self.banner_seen = true;
        String::from_utf8(line).expect("utf8")
    }

    pub async fn send(&mut self, text: &str) {
        self.stream.write_all(text.as_bytes()).await.expect("write");
    }

    /// Sends headers as one message with CRLF.
    pub async fn action(&mut self, headers: &[(&str, &str)]) {
        let mut s = String::new();
        for (k, v) in headers {
            s.push_str(&format!("{k}: {v}\r\n"));
        }
        s.push_str("\r\n");
        self.send(&s).await;
    }

    /// Next message, or None on EOF.
    pub async fn next(&mut self) -> Option<Message> {
        self.next_within(T).await.expect("timeout waiting for a message")
    }

    /// Next message within `d`: Err on timeout, Ok(None) on EOF.
    pub async fn next_within(&mut self, d: Duration) -> Result<Option<Message>, ()> {
        let deadline = tokio::time::Instant::now() + d;
        loop {
            if let Some(m) = self.parser.next_message() {
                return Ok(Some(m));
            }
            let mut buf = [0u8; 4096];
            match tokio::time::timeout_at(deadline, self.stream.read(&mut buf)).await {
                Err(_) => return Err(()),
                Ok(Ok(0)) | Ok(Err(_)) => return Ok(None),
                Ok(Ok(n)) => {
                    self.raw.extend_from_slice(&buf[..n]);
                    self.parser.push(&buf[..n]);
                }
            }
        }
    }

    /// Skips messages until one matches.
    pub async fn until(&mut self, pred: impl Fn(&Message) -> bool) -> Message {
        loop {
            let m = self.next().await.expect("eof while waiting");
            if pred(&m) {
                return m;
            }
        }
    }

    /// Next message that is a response (not an event).
    pub async fn response(&mut self) -> Message {
        self.until(|m| m.get("Response").is_some() && m.get("Event").is_none()).await
    }

    pub async fn login(&mut self) {
        self.action(&[("Action", "Login"), ("ActionID", "l-1"), ("Username", "gateway"), ("Secret", "gatewaysecret")])
            .await;
        let r = self.response().await;
        assert_eq!(r.get("Message"), Some("Authentication accepted"));
        let booted = self.next().await.expect("FullyBooted");
        assert_eq!(booted.get("Event"), Some("FullyBooted"));
    }
}

/// Header names/values of a message as a vector of pairs.
pub fn pairs(m: &Message) -> Vec<(&str, &str)> {
    m.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
