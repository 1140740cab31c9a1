//! A minimal SIP user agent client (UDP, REGISTER only) for the live-lab tests.
//!
//! The gateway writes PJSIP endpoints and secrets into Asterisk; the only end-to-end proof that a secret
//! really works is a phone registering with it. A full SIP stack would be a heavy dev-dependency for that,
//! so this module speaks just enough RFC 3261 (one non-INVITE client transaction at a time, retransmitted
//! on a fixed timer) and RFC 2617 digest (MD5, `qop=auth` or none) to get a 200 or a 401/403 out of Asterisk.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use md5::{Digest as _, Md5};
use tokio::net::UdpSocket;
use tokio::time::{Instant, timeout_at};

/// Retransmission interval: a fixed T1 is plenty on loopback and keeps the timeout arithmetic trivial.
const RETRANSMIT: Duration = Duration::from_millis(500);

/// Outcome of one REGISTER transaction (after answering at most one digest challenge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterOutcome {
    pub status: u16,
    pub reason: String,
}

/// A SIP user agent bound to 127.0.0.1 on an ephemeral UDP port.
///
/// One phone is one registration binding: Call-ID, From tag and Contact stay the same for its whole life,
/// so a later REGISTER (refresh, changed password, `expires` 0) updates the same contact in Asterisk.
pub struct SipPhone {
    /// Connected to the server, so the kernel drops datagrams from anybody else.
    socket: UdpSocket,
    server: SocketAddr,
    local: SocketAddr,
    username: String,
    password: String,
    call_id: String,
    tag: String,
    cseq: u32,
}

impl SipPhone {
    /// `username` is the endpoint/auth name (e.g. "103-DEMO"), `server` Asterisk's UDP SIP address.
    /// The socket binds to the loopback address of the server's family (127.0.0.1 for IPv4).
    pub async fn new(server: SocketAddr, username: &str, password: &str) -> io::Result<SipPhone> {
        let loopback = if server.is_ipv4() { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { IpAddr::V6(Ipv6Addr::LOCALHOST) };
        let socket = UdpSocket::bind(SocketAddr::new(loopback, 0)).await?;
        socket.connect(server).await?;
        let local = socket.local_addr()?;
        Ok(SipPhone {
            socket,
            server,
            local,
            username: username.to_owned(),
            password: password.to_owned(),
            call_id: format!("{}@pbxgw-test", random_hex()),
            tag: random_hex(),
            cseq: 0,
        })
    }

    /// REGISTER with Expires `expires` seconds (0 = unregister). Sends without credentials first; on 401/407
    /// answers the digest challenge once and returns the final response's status (a second 401 means the
    /// credentials were refused). Retransmits every 500 ms while no final response arrives and fails with
    /// `TimedOut` after `timeout` in total; malformed responses or unsupported challenges give `InvalidData`.
    pub async fn register(&mut self, expires: u32, timeout: Duration) -> io::Result<RegisterOutcome> {
        let deadline = Instant::now() + timeout;
        let first = self.send_register(expires, None, deadline).await?;
        let (challenge_header, credentials_header) = match first.status {
            401 => ("WWW-Authenticate", "Authorization"),
            407 => ("Proxy-Authenticate", "Proxy-Authorization"),
            _ => return Ok(RegisterOutcome { status: first.status, reason: first.reason }),
        };
        // Asterisk may offer several challenges (one per algorithm): take the first one we can answer.
        let challenge = first
            .headers(challenge_header)
            .filter_map(|value| parse_challenge(value).ok())
            .find(Challenge::supported)
            .ok_or_else(|| invalid(format!("no MD5 digest challenge in {} {}", first.status, first.reason)))?;
        let uri = self.request_uri();
        let credentials = challenge.credentials(&self.username, &self.password, "REGISTER", &uri, &random_hex());
        let last = self.send_register(expires, Some((credentials_header, credentials)), deadline).await?;
        Ok(RegisterOutcome { status: last.status, reason: last.reason })
    }

    /// Changes the password used for the next challenges (to test a changed secret).
    pub fn set_password(&mut self, password: &str) {
        password.clone_into(&mut self.password);
    }

    /// The local address (host:port) that appears in the Contact header.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    fn request_uri(&self) -> String {
        format!("sip:{}", self.server)
    }

    /// Runs one client transaction: a new CSeq and Via branch, the request retransmitted until a final
    /// response with our Call-ID and CSeq arrives (1xx and stale responses are skipped).
    async fn send_register(
        &mut self,
        expires: u32,
        authorization: Option<(&str, String)>,
        deadline: Instant,
    ) -> io::Result<Response> {
        self.cseq += 1;
        let host = host(self.server.ip());
        let user = &self.username;
        let mut request = format!(
            "REGISTER {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch=z9hG4bK{branch};rport\r\nMax-Forwards: 70\r\n\
             From: <sip:{user}@{host}>;tag={tag}\r\nTo: <sip:{user}@{host}>\r\nCall-ID: {call_id}\r\n\
             CSeq: {cseq} REGISTER\r\nContact: <sip:{user}@{local}>\r\nExpires: {expires}\r\n",
            uri = self.request_uri(),
            local = self.local,
            branch = random_hex(),
            tag = self.tag,
            call_id = self.call_id,
            cseq = self.cseq,
        );
        if let Some((name, value)) = authorization {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("User-Agent: pbxgw-test\r\nContent-Length: 0\r\n\r\n");

        let mut buf = vec![0u8; 65_535];
        loop {
            // ECONNREFUSED (ICMP port unreachable: Asterisk not up yet) counts as "no response" on both ends.
            match self.socket.send(request.as_bytes()).await {
                Err(e) if e.kind() != io::ErrorKind::ConnectionRefused => return Err(e),
                _ => {}
            }
            let resend_at = (Instant::now() + RETRANSMIT).min(deadline);
            while let Ok(received) = timeout_at(resend_at, self.socket.recv(&mut buf)).await {
                let len = match received {
                    Ok(len) => len,
                    Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => continue,
                    Err(e) => return Err(e),
                };
                let datagram = &buf[..len];
                if !datagram.starts_with(b"SIP/2.0 ") {
                    continue; // a request or a keep-alive: a UAC-only phone has nothing to say to it
                }
                let response = parse_response(datagram)?;
                let ours = response.header("Call-ID") == Some(self.call_id.as_str())
                    && response.header("CSeq").is_some_and(|cseq| is_cseq(cseq, self.cseq, "REGISTER"));
                if ours && response.status >= 200 {
                    return Ok(response);
                }
            }
            if Instant::now() >= deadline {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "no final response to REGISTER"));
            }
        }
    }
}

/// A parsed SIP response: status line and headers (the body is never needed for REGISTER).
#[derive(Debug)]
struct Response {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
}

impl Response {
    /// All values of a header, name compared case-insensitively, in datagram order.
    fn headers<'s>(&'s self, name: &str) -> impl Iterator<Item = &'s str> {
        self.headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers(name).next()
    }
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

fn random_hex() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// The host part of a SIP URI: IPv6 addresses need brackets.
fn host(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// `CSeq: <number> <method>` with arbitrary whitespace between the two.
fn is_cseq(value: &str, number: u32, method: &str) -> bool {
    let mut parts = value.split_whitespace();
    parts.next().and_then(|n| n.parse::<u32>().ok()) == Some(number) && parts.next() == Some(method)
}

/// Parses the status line and headers of a response datagram (folded header lines are joined).
fn parse_response(datagram: &[u8]) -> io::Result<Response> {
    let text = std::str::from_utf8(datagram).map_err(|_| invalid("SIP response is not UTF-8"))?;
    let head = text.split("\r\n\r\n").next().unwrap_or(text);
    let mut lines = head.split('\n').map(|line| line.trim_end_matches('\r'));
    let status_line = lines.next().unwrap_or_default();
    let rest =
        status_line.strip_prefix("SIP/2.0 ").ok_or_else(|| invalid(format!("bad status line {status_line:?}")))?;
    let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
    let status = code
        .parse::<u16>()
        .ok()
        .filter(|s| (100..=699).contains(s))
        .ok_or_else(|| invalid(format!("bad status code in {status_line:?}")))?;
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let (_, value) = headers.last_mut().ok_or_else(|| invalid("continuation line before any header"))?;
            value.push(' ');
            value.push_str(line.trim());
        } else if !line.is_empty() {
            let (name, value) = line.split_once(':').ok_or_else(|| invalid(format!("bad header line {line:?}")))?;
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    Ok(Response { status, reason: reason.trim().to_owned(), headers })
}

/// The parts of a `Digest` challenge this client uses.
#[derive(Debug, Default, PartialEq, Eq)]
struct Challenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    algorithm: Option<String>,
    /// The `qop` options offered, lower-cased; empty when the challenge has no `qop` (RFC 2069 style).
    qop: Vec<String>,
}

impl Challenge {
    /// MD5 (or no algorithm, meaning MD5) with either no qop or `auth` among the offered ones.
    fn supported(&self) -> bool {
        self.algorithm.as_deref().is_none_or(|a| a.eq_ignore_ascii_case("MD5"))
            && (self.qop.is_empty() || self.qop.iter().any(|q| q == "auth"))
    }

    /// The `Authorization` / `Proxy-Authorization` header value. Each challenge is answered once, so `nc`
    /// is always 1.
    fn credentials(&self, username: &str, password: &str, method: &str, uri: &str, cnonce: &str) -> String {
        let qop = (!self.qop.is_empty()).then_some(("00000001", cnonce));
        let response = digest_response(username, &self.realm, password, method, uri, &self.nonce, qop);
        let mut value = format!(
            "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", response=\"{response}\"",
            quote(username),
            quote(&self.realm),
            quote(&self.nonce),
            quote(uri)
        );
        if let Some(algorithm) = &self.algorithm {
            value.push_str(&format!(", algorithm={algorithm}"));
        }
        if let Some(opaque) = &self.opaque {
            value.push_str(&format!(", opaque=\"{}\"", quote(opaque)));
        }
        if let Some((nc, cnonce)) = qop {
            value.push_str(&format!(", qop=auth, nc={nc}, cnonce=\"{}\"", quote(cnonce)));
        }
        value
    }
}

/// Escapes a value for a quoted-string.
fn quote(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

fn md5_hex(data: &str) -> String {
    hex::encode(Md5::digest(data.as_bytes()))
}

/// RFC 2617 request-digest for MD5; `qop` is `(nc, cnonce)` for `qop=auth`, `None` for the RFC 2069 form.
fn digest_response(
    username: &str,
    realm: &str,
    password: &str,
    method: &str,
    uri: &str,
    nonce: &str,
    qop: Option<(&str, &str)>,
) -> String {
    let ha1 = md5_hex(&format!("{username}:{realm}:{password}"));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    match qop {
        Some((nc, cnonce)) => md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")),
        None => md5_hex(&format!("{ha1}:{nonce}:{ha2}")),
    }
}

/// Parses a `WWW-Authenticate` / `Proxy-Authenticate` value: `Digest` followed by comma-separated
/// `name=value` pairs, values quoted (with backslash escapes) or bare tokens. Unknown parameters are skipped.
fn parse_challenge(value: &str) -> io::Result<Challenge> {
    let value = value.trim_start();
    let scheme_end = value.find(char::is_whitespace).unwrap_or(value.len());
    if !value[..scheme_end].eq_ignore_ascii_case("Digest") {
        return Err(invalid(format!("not a Digest challenge: {value:?}")));
    }
    let mut challenge = Challenge::default();
    let (mut realm, mut nonce) = (None, None);
    let mut rest = &value[scheme_end..];
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        if rest.is_empty() {
            break;
        }
        let (name, after) = rest.split_once('=').ok_or_else(|| invalid(format!("bad challenge parameter {rest:?}")))?;
        let after = after.trim_start();
        let param;
        if let Some(quoted) = after.strip_prefix('"') {
            let mut unescaped = String::new();
            let mut chars = quoted.char_indices();
            let end = loop {
                match chars.next() {
                    Some((i, '"')) => break i,
                    Some((_, '\\')) => unescaped.extend(chars.next().map(|(_, c)| c)),
                    Some((_, c)) => unescaped.push(c),
                    None => return Err(invalid(format!("unterminated quoted string in {value:?}"))),
                }
            };
            param = unescaped;
            rest = &quoted[end + 1..];
        } else {
            let end = after.find(',').unwrap_or(after.len());
            param = after[..end].trim().to_owned();
            rest = &after[end..];
        }
        match name.trim().to_ascii_lowercase().as_str() {
            "realm" => realm = Some(param),
            "nonce" => nonce = Some(param),
            "opaque" => challenge.opaque = Some(param),
            "algorithm" => challenge.algorithm = Some(param),
            "qop" => {
                challenge.qop =
                    param.split(',').map(|q| q.trim().to_ascii_lowercase()).filter(|q| !q.is_empty()).collect()
            }
            _ => {}
        }
    }
    challenge.realm = realm.ok_or_else(|| invalid(format!("challenge without realm: {value:?}")))?;
    challenge.nonce = nonce.ok_or_else(|| invalid(format!("challenge without nonce: {value:?}")))?;
    Ok(challenge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_matches_rfc_2617_example() {
        let (user, realm, nonce) = ("Mufasa", "testrealm@host.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093");
        let with_qop = digest_response(
            user,
            realm,
            "Circle Of Life",
            "GET",
            "/dir/index.html",
            nonce,
            Some(("00000001", "0a4f113b")),
        );
        assert_eq!(with_qop, "6629fae49393a05397450978507c4ef1");
        // Same inputs without qop (value computed independently with Python's hashlib).
        let without = digest_response(user, realm, "Circle Of Life", "GET", "/dir/index.html", nonce, None);
        assert_eq!(without, "670fd8c2df070c60b045671b8b24ff02");
    }

    #[test]
    fn parses_quoted_and_bare_parameters() {
        let c = parse_challenge(
            r#"digest  realm="asterisk",nonce="17x/y,z",opaque = "o\"q" , algorithm=md5, qop="auth-int, auth", x=y"#,
        )
        .unwrap();
        assert_eq!(c.realm, "asterisk");
        assert_eq!(c.nonce, "17x/y,z");
        assert_eq!(c.opaque.as_deref(), Some("o\"q"));
        assert_eq!(c.algorithm.as_deref(), Some("md5"));
        assert_eq!(c.qop, ["auth-int", "auth"]);
        assert!(c.supported());

        let bare = parse_challenge("Digest realm=r, nonce=n").unwrap();
        assert_eq!((bare.realm.as_str(), bare.nonce.as_str(), bare.qop.len()), ("r", "n", 0));
        assert!(!parse_challenge("Digest realm=r, nonce=n, algorithm=SHA-256").unwrap().supported());
        assert!(!parse_challenge("Digest realm=r, nonce=n, qop=auth-int").unwrap().supported());
    }

    #[test]
    fn rejects_malformed_challenges() {
        for bad in
            ["Basic realm=\"x\"", "Digest realm=\"x\"", "Digest nonce=\"x\"", "Digest realm=\"x", "Digest realm", ""]
        {
            assert_eq!(parse_challenge(bad).unwrap_err().kind(), io::ErrorKind::InvalidData, "{bad:?}");
        }
    }

    #[test]
    fn credentials_echo_the_challenge() {
        let c =
            parse_challenge(r#"Digest realm="asterisk", nonce="n1", opaque="op", algorithm=MD5, qop="auth""#).unwrap();
        let v = c.credentials("104-DEMO", "104pass", "REGISTER", "sip:127.0.0.1:5060", "cn");
        let expected = digest_response(
            "104-DEMO",
            "asterisk",
            "104pass",
            "REGISTER",
            "sip:127.0.0.1:5060",
            "n1",
            Some(("00000001", "cn")),
        );
        assert_eq!(
            v,
            format!(
                "Digest username=\"104-DEMO\", realm=\"asterisk\", nonce=\"n1\", uri=\"sip:127.0.0.1:5060\", \
                 response=\"{expected}\", algorithm=MD5, opaque=\"op\", qop=auth, nc=00000001, cnonce=\"cn\""
            )
        );
    }

    #[test]
    fn parses_responses_and_rejects_garbage() {
        let r = parse_response(
            b"SIP/2.0 401 Unauthorized\r\ncall-id: abc\r\nWWW-Authenticate: Digest realm=\"a\",\r\n nonce=\"b\"\r\n\
              CSeq:  2   REGISTER\r\nContent-Length: 0\r\n\r\n",
        )
        .unwrap();
        assert_eq!((r.status, r.reason.as_str()), (401, "Unauthorized"));
        assert_eq!(r.header("Call-ID"), Some("abc"));
        assert!(is_cseq(r.header("cseq").unwrap(), 2, "REGISTER"));
        assert_eq!(parse_challenge(r.header("www-authenticate").unwrap()).unwrap().nonce, "b");
        for bad in [
            &b"SIP/2.0 99 Odd\r\n\r\n"[..],
            b"SIP/2.0 abc\r\n",
            b"HTTP/1.1 200 OK\r\n",
            b"SIP/2.0 200 OK\r\nNoColon\r\n",
            b"\xff\xfe",
        ] {
            assert_eq!(parse_response(bad).unwrap_err().kind(), io::ErrorKind::InvalidData);
        }
    }

    /// A scripted registrar: the first request goes unanswered (retransmission), then a 100, a response
    /// for another CSeq and a garbage-free challenge without qop; the authorised retry gets its 200.
    #[tokio::test]
    async fn transaction_retransmits_skips_foreign_responses_and_answers_the_challenge() {
        let registrar = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let server = registrar.local_addr().unwrap();
        let mut phone = SipPhone::new(server, "u1", "secret").await.unwrap();
        let contact = format!("Contact: <sip:u1@{}>\r\n", phone.local_addr());
        let client = tokio::spawn(async move { phone.register(60, Duration::from_secs(5)).await });

        let mut buf = vec![0u8; 65_535];
        let (len, from) = registrar.recv_from(&mut buf).await.unwrap();
        let first = String::from_utf8(buf[..len].to_vec()).unwrap();
        let (len, _) = registrar.recv_from(&mut buf).await.unwrap();
        assert_eq!(first.as_bytes(), &buf[..len], "a retransmission is byte-identical");
        assert!(first.starts_with(&format!("REGISTER sip:{server} SIP/2.0\r\n")), "{first}");
        assert!(first.contains(&contact) && first.contains("\r\nCSeq: 1 REGISTER\r\n"), "{first}");
        let line = |name: &str| first.lines().find(|l| l.starts_with(name)).unwrap().to_owned();
        let (via, call_id) = (line("Via:"), line("Call-ID:"));
        let reply = |status: &str, cseq: u32, extra: &str| {
            format!(
                "SIP/2.0 {status}\r\n{via}\r\n{call_id}\r\nCSeq: {cseq} REGISTER\r\n{extra}Content-Length: 0\r\n\r\n"
            )
        };
        for datagram in [
            reply("100 Trying", 1, ""),
            reply("200 OK", 7, ""),
            reply("401 Unauthorized", 1, "www-authenticate: Digest realm=\"r\", nonce=\"n\"\r\n"),
        ] {
            registrar.send_to(datagram.as_bytes(), from).await.unwrap();
        }
        let (len, _) = registrar.recv_from(&mut buf).await.unwrap();
        let second = String::from_utf8(buf[..len].to_vec()).unwrap();
        let response = digest_response("u1", "r", "secret", "REGISTER", &format!("sip:{server}"), "n", None);
        assert!(second.contains("\r\nCSeq: 2 REGISTER\r\n"), "{second}");
        let authorization = format!(
            "\r\nAuthorization: Digest username=\"u1\", realm=\"r\", nonce=\"n\", uri=\"sip:{server}\", \
             response=\"{response}\"\r\n"
        );
        assert!(second.contains(&authorization), "{second}");
        registrar.send_to(reply("200 OK", 2, "").as_bytes(), from).await.unwrap();
        let outcome = client.await.unwrap().unwrap();
        assert_eq!(outcome, RegisterOutcome { status: 200, reason: "OK".into() });
    }
}
