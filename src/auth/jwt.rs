//! Short-lived access tokens for users: HS256 only (pinned), `iss`, `aud`, `exp` required, and a key
//! id (`kid`) derived from the secret so a rotated secret is recognised instead of misread.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// Issuer claim of every token.
pub const ISSUER: &str = "pbx-gateway";
/// Audience claim of every token.
pub const AUDIENCE: &str = "pbx-gateway-api";

/// The claims we issue and require.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// User id, as a string (RFC 7519 `sub`).
    pub sub: String,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Issued at (epoch seconds).
    pub iat: i64,
    /// Expiry (epoch seconds).
    pub exp: i64,
}

/// Signing and verification keys for one secret.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    kid: String,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys").field("kid", &self.kid).finish_non_exhaustive()
    }
}

impl JwtKeys {
    /// Keys for an HMAC secret.
    pub fn new(secret: &str) -> JwtKeys {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            kid: super::secrets::digest(secret)[..16].to_string(),
        }
    }

    /// Issues a token for `user_id`, valid for `ttl_secs`.
    pub fn issue(&self, user_id: i64, ttl_secs: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now + ttl_secs,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, &claims, &self.encoding)?)
    }

    /// Verifies a token and returns its user id; `None` for anything invalid or expired.
    pub fn verify(&self, token: &str) -> Option<i64> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg != Algorithm::HS256 || header.kid.as_deref() != Some(self.kid.as_str()) {
            return None;
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        // A token that is not valid yet is refused like an expired one (`nbf` is optional).
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).ok()?;
        data.claims.sub.parse().ok()
    }

    /// Whether a bearer credential looks like a JWT rather than an API key.
    pub fn looks_like_jwt(credential: &str) -> bool {
        credential.starts_with("eyJ") && credential.matches('.').count() == 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejections() {
        let keys = JwtKeys::new("s3cret-s3cret-s3cret-s3cret-s3cret");
        let token = keys.issue(42, 60).unwrap_or_default();
        assert!(JwtKeys::looks_like_jwt(&token));
        assert_eq!(keys.verify(&token), Some(42));
        assert_eq!(JwtKeys::new("another secret entirely, long enough").verify(&token), None);
        let expired = keys.issue(42, -3600).unwrap_or_default();
        assert_eq!(keys.verify(&expired), None);
        // alg=none and tampered payloads are refused.
        let parts: Vec<&str> = token.split('.').collect();
        let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        assert_eq!(keys.verify(&format!("{none_header}.{}.", parts[1])), None);
        assert_eq!(keys.verify(&format!("{}.{}x.{}", parts[0], parts[1], parts[2])), None);
    }

    #[test]
    fn a_token_not_valid_yet_is_refused() {
        let keys = JwtKeys::new("s3cret-s3cret-s3cret-s3cret-s3cret");
        let now = chrono::Utc::now().timestamp();
        let token_with_nbf = |nbf: i64| {
            let claims = serde_json::json!({
                "sub": "42", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600, "nbf": nbf
            });
            let mut header = Header::new(Algorithm::HS256);
            header.kid = Some(keys.kid.clone());
            jsonwebtoken::encode(&header, &claims, &keys.encoding).unwrap_or_default()
        };
        assert_eq!(keys.verify(&token_with_nbf(now + 3600)), None, "nbf an hour ahead");
        assert_eq!(keys.verify(&token_with_nbf(now - 10)), Some(42));
    }
}
