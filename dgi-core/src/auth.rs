//! Request signing: the `DGI-API-Token` header.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// Header carrying the API key.
pub const HEADER_API_KEY: &str = "DGI-API-Key";
/// Header carrying the unix time, in seconds, that the token was made for.
pub const HEADER_REQUEST_TIME: &str = "X-Request-Time";
/// Header carrying the token.
pub const HEADER_TOKEN: &str = "DGI-API-Token";

/// An API key and its secret. Neither is ever printed.
#[derive(Clone)]
pub struct Credentials {
    api_key: SecretString,
    secret_key: SecretString,
}

impl Credentials {
    /// Pairs an API key with its secret key.
    pub fn new(api_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            api_key: SecretString::from(api_key.into()),
            secret_key: SecretString::from(secret_key.into()),
        }
    }

    /// The API key, for the `DGI-API-Key` header and for storage.
    pub fn api_key(&self) -> &str {
        self.api_key.expose_secret()
    }

    /// The secret key, for storage only; it never travels.
    pub fn secret_key(&self) -> &str {
        self.secret_key.expose_secret()
    }

    /// The token for a request made at `unix_seconds`.
    ///
    /// Lower-case hex SHA-256 of the API key, the secret key and the time in
    /// decimal, joined without separator. Tokens are valid only for seconds:
    /// sign every attempt afresh.
    pub fn token(&self, unix_seconds: i64) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.api_key().as_bytes());
        hasher.update(self.secret_key().as_bytes());
        hasher.update(unix_seconds.to_string().as_bytes());
        hex::encode(hasher.finalize())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &"[redacted]")
            .field("secret_key", &"[redacted]")
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted credentials]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_matches_the_specification_example() {
        let creds = Credentials::new("dgi-key-live:h3oiu8b54que", "dgi-secret-live:dTvCnLh58A");
        assert_eq!(
            creds.token(1_567_645_682),
            "67b89654150621abb8f9fbb13c296ca0b368d86f76966698f22e59786b134c9a"
        );
    }

    #[test]
    fn credentials_never_print() {
        let creds = Credentials::new("key-visible-123", "secret-visible-456");
        for shown in [
            format!("{creds:?}"),
            format!("{creds}"),
            format!("{creds:#?}"),
        ] {
            assert!(!shown.contains("visible"), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
    }
}
