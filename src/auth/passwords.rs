//! Password hashing with argon2id at OWASP's recommended cost (m = 19 MiB, t = 2, p = 1).
//! Hashing is CPU-heavy: callers run these functions on `spawn_blocking`.

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use sha2::{Digest as _, Sha256};

/// Marks a stored hash whose input was a client-supplied SHA-256 digest rather than the password
/// (legacy `us_password` may arrive pre-hashed, CONTRACT §6 Q8). Such a hash verifies a password
/// by hashing it with SHA-256 first.
const PREHASHED_MARK: &str = "sha256:";

fn hasher() -> Argon2<'static> {
    // These constants are valid argon2 parameters; `Params::new` only fails for out-of-range values.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password for storage (PHC string).
pub fn hash(password: &str) -> anyhow::Result<String> {
    hash_bytes(password.as_bytes())
}

fn hash_bytes(input: &[u8]) -> anyhow::Result<String> {
    let phc: PasswordHash = hasher().hash_password(input).map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))?;
    Ok(phc.to_string())
}

/// Hashes a legacy `us_password` value: a 64-hex-digit value is taken as the SHA-256 of the password
/// (§6 Q8) and stored as argon2id over that digest; anything else is the password itself.
pub fn hash_legacy(value: &str) -> anyhow::Result<String> {
    if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(format!("{PREHASHED_MARK}{}", hash_bytes(value.to_ascii_lowercase().as_bytes())?))
    } else {
        hash(value)
    }
}

/// Checks a password against a stored hash; a malformed stored hash never verifies.
pub fn verify(password: &str, stored: &str) -> bool {
    let (input, phc) = match stored.strip_prefix(PREHASHED_MARK) {
        Some(phc) => (hex::encode(Sha256::digest(password.as_bytes())).into_bytes(), phc),
        None => (password.as_bytes().to_vec(), stored),
    };
    hasher().verify_password(&input, phc).is_ok()
}

/// A hash of a random password, verified against when the user does not exist so that a login
/// for an unknown name costs the same time as one for a known name.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&super::secrets::random_token()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let stored = hash("correct horse").unwrap_or_default();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("correct horse", &stored));
        assert!(!verify("wrong", &stored));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn prehashed_legacy_passwords_verify_with_the_plain_password() {
        let digest = hex::encode(Sha256::digest(b"change-me"));
        let stored = hash_legacy(&digest.to_uppercase()).unwrap_or_default();
        assert!(stored.starts_with(PREHASHED_MARK));
        assert!(verify("change-me", &stored));
        assert!(!verify(&digest, &stored), "the digest itself is not the password");
        let plain = hash_legacy("sha256(change-me)").unwrap_or_default();
        assert!(verify("sha256(change-me)", &plain));
    }
}
