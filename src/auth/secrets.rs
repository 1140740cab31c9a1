//! Random secrets (API keys, login tokens) and their at-rest digests.

use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// Prefix of generated API keys: makes them recognisable to people and to secret scanners.
pub const API_KEY_PREFIX: &str = "pgw_";

/// 32 random bytes, URL-safe base64 without padding (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A new API key value.
pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", random_token())
}

/// Hex SHA-256, the at-rest form of keys and tokens. High-entropy secrets need no slow hash: a digest
/// cannot be reversed, and a fast one keeps per-request key checks cheap.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two digests without leaking, through timing, how many leading bytes match.
pub fn digests_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The part of a key shown in lists (`pgw_AbCd…`): enough to recognise it, useless to an attacker.
pub fn display_prefix(key: &str) -> String {
    key.chars().take(API_KEY_PREFIX.len() + 6).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_digests_stable() {
        let (a, b) = (new_api_key(), new_api_key());
        assert_ne!(a, b);
        assert!(a.starts_with(API_KEY_PREFIX) && a.len() == API_KEY_PREFIX.len() + 43);
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(digests_match(&digest(&a), &digest(&a)));
        assert!(!digests_match(&digest(&a), &digest(&b)));
        assert!(!digests_match("ab", "abc"));
        assert_eq!(display_prefix("pgw_0123456789"), "pgw_012345");
    }
}

/// Writes a secret to a file only the owner can read (creating its folder). Without `replace` it
/// fails when the file exists, so two processes starting together never overwrite each other's.
pub fn write_owner_only(path: &std::path::Path, secret: &str, replace: bool) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    if replace {
        options.write(true).create(true).truncate(true);
    } else {
        options.write(true).create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    // An existing file keeps its mode on open: make it owner-only too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    writeln!(file, "{secret}")?;
    file.sync_all()
}

/// The secret in `path`, generating a random one into a new owner-only file when there is none.
/// The file appears complete or not at all (written aside, then linked into place), so processes
/// starting together all end up with the one secret that won.
pub fn read_or_create(path: &std::path::Path) -> std::io::Result<String> {
    let read = |path: &std::path::Path| -> std::io::Result<String> {
        let text = std::fs::read_to_string(path)?;
        let secret = text.trim();
        if secret.is_empty() {
            return Err(std::io::Error::other(format!("{} is empty", path.display())));
        }
        Ok(secret.to_string())
    };
    match read(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        other => return other,
    }
    let secret = random_token();
    let aside = path.with_extension(format!("new-{}", &random_token()[..8]));
    write_owner_only(&aside, &secret, false)?;
    let linked = std::fs::hard_link(&aside, path);
    let _ = std::fs::remove_file(&aside);
    match linked {
        Ok(()) => Ok(secret),
        // Another process linked its secret first: use that one.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => read(path),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod file_tests {
    use super::*;

    #[test]
    fn a_secret_file_is_created_once_owner_only_and_shared_by_racers() {
        let dir = std::env::temp_dir().join(format!("pbxgw-secret-{}", &random_token()[..12]));
        let path = dir.join("jwt-secret");
        let racers: Vec<_> = (0..8)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || read_or_create(&path).ok())
            })
            .collect();
        let secrets: Vec<Option<String>> = racers.into_iter().map(|r| r.join().ok().flatten()).collect();
        let first = secrets[0].clone();
        assert!(first.as_ref().is_some_and(|s| s.len() >= 32), "{secrets:?}");
        assert!(secrets.iter().all(|s| *s == first), "one secret for all: {secrets:?}");
        assert_eq!(read_or_create(&path).ok(), first, "read back on the next start");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777).unwrap_or_default();
            assert_eq!(mode, 0o600);
        }
        assert_eq!(std::fs::read_dir(&dir).map(Iterator::count).unwrap_or_default(), 1, "no leftovers");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
