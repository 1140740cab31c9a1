//! Which Asterisk nodes the gateway talks to: `PBXGW_AMI_NODES`, a comma-separated list of
//! `<name>=ami://<user>[:<secret>]@<host>[:<port>][?auth=md5|plain&secret_file=<path>]`.
//! The secret is percent-decoded; `secret_file` reads it from a file instead (trailing newline
//! dropped), so it need not sit in the environment. MD5 challenge login is the default because it
//! never puts the secret on the wire.

use std::fmt;

/// How to log in (captures 02 and 04).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// `Action: Challenge` then `Key: md5(challenge + secret)`.
    Md5,
    /// `Secret:` in clear text.
    Plain,
}

/// A secret that never shows up in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret, for the login only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// One node of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeConfig {
    /// The node name used everywhere (`srv01`): COUNTCHANNELS keys, `nodename=`, `/v1/nodes`.
    pub name: String,
    /// Host name or address.
    pub host: String,
    /// AMI port (5038 by default).
    pub port: u16,
    /// AMI user (`manager.conf` section).
    pub username: String,
    /// Its secret.
    pub secret: Secret,
    /// Login method.
    pub auth: AuthMethod,
}

/// Parses `PBXGW_AMI_NODES`. An empty string means no PBX: live operations then answer
/// `pbx_unavailable`.
pub fn parse_nodes(spec: &str) -> Result<Vec<NodeConfig>, String> {
    let mut nodes: Vec<NodeConfig> = Vec::new();
    for entry in spec.split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
        let node = parse_node(entry)?;
        if nodes.iter().any(|known| known.name == node.name) {
            return Err(format!("node {} is listed twice", node.name));
        }
        nodes.push(node);
    }
    Ok(nodes)
}

fn parse_node(entry: &str) -> Result<NodeConfig, String> {
    let (name, url) = entry.split_once('=').ok_or_else(|| format!("{entry:?}: expected <name>=ami://..."))?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(format!("node name {name:?} must be letters, digits, '_' or '-'"));
    }
    let rest =
        url.trim().strip_prefix("ami://").ok_or_else(|| format!("node {name}: the URL must start with ami://"))?;
    let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (userinfo, hostport) =
        authority.rsplit_once('@').ok_or_else(|| format!("node {name}: expected ami://user:secret@host:port"))?;
    let (user, secret) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = match hostport.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>().map_err(|_| format!("node {name}: bad port {port:?}"))?),
        None => (hostport, 5038),
    };
    if host.is_empty() || user.is_empty() {
        return Err(format!("node {name}: host and user are required"));
    }
    let mut auth = AuthMethod::Md5;
    let mut secret =
        percent_decode(secret).ok_or_else(|| format!("node {name}: bad percent-encoding in the secret"))?;
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        match pair.split_once('=') {
            Some(("auth", "md5")) => auth = AuthMethod::Md5,
            Some(("auth", "plain")) => auth = AuthMethod::Plain,
            Some(("secret_file", path)) => {
                let path = percent_decode(path).ok_or_else(|| format!("node {name}: bad secret_file"))?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|err| format!("node {name}: cannot read secret_file {path}: {err}"))?;
                secret = text.trim_end_matches(['\r', '\n']).to_string();
            }
            _ => return Err(format!("node {name}: unknown option {pair:?} (auth=md5|plain, secret_file=PATH)")),
        }
    }
    if secret.is_empty() {
        return Err(format!("node {name}: no secret (put it in the URL or use secret_file=)"));
    }
    if [user, host].iter().chain([&secret.as_str()]).any(|v| v.contains(['\r', '\n'])) {
        return Err(format!("node {name}: CR/LF in the URL"));
    }
    Ok(NodeConfig {
        name: name.to_string(),
        host: host.to_string(),
        port,
        username: user.to_string(),
        secret: Secret::new(secret),
        auth,
    })
}

pub(crate) fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = raw.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_cluster() {
        let nodes = parse_nodes("srv01=ami://gw:s%40cret@pbx1.example.net:5038, srv02=ami://gw:x@10.0.0.2?auth=plain")
            .expect("valid");
        assert_eq!(nodes.len(), 2);
        assert_eq!(nodes[0].name, "srv01");
        assert_eq!(nodes[0].secret.expose(), "s@cret");
        assert_eq!(nodes[0].auth, AuthMethod::Md5);
        assert_eq!((nodes[1].host.as_str(), nodes[1].port, nodes[1].auth), ("10.0.0.2", 5038, AuthMethod::Plain));
        assert!(!format!("{nodes:?}").contains("s@cret"));
        assert!(parse_nodes("").expect("empty").is_empty());
    }

    #[test]
    fn secret_from_a_file() {
        let path = std::env::temp_dir().join(format!("pbxgw-ami-secret-{}", std::process::id()));
        std::fs::write(&path, "from-file\n").expect("write");
        let nodes = parse_nodes(&format!("a=ami://gw@h:1?secret_file={}", path.display())).expect("valid");
        assert_eq!(nodes[0].secret.expose(), "from-file");
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn refuses_bad_entries() {
        for bad in
            ["srv01", "srv01=http://a:b@h", "srv01=ami://h", "a=ami://u:s@h:x", "a=ami://u@h", "a=ami://u:s@h?x=1"]
        {
            assert!(parse_nodes(bad).is_err(), "{bad}");
        }
        assert!(parse_nodes("a=ami://u:s@h,a=ami://u:s@h2").is_err());
    }
}
