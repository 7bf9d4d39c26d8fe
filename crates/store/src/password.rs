//! argon2id password hashing and random secrets (session ids, API tokens, one-time passwords).

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use sha2::{Digest, Sha256};

/// argon2id with a cost chosen at start: OWASP's 19 MiB / 2 passes in production, tiny in tests.
#[derive(Clone, Debug)]
pub struct Hasher {
    params: Params,
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher {
            params: Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params"),
        }
    }
}

impl Hasher {
    /// Cheap parameters for tests only: never for stored production passwords.
    pub fn fast_for_tests() -> Self {
        Hasher {
            params: Params::new(256, 1, 1, None).expect("valid argon2 params"),
        }
    }

    fn argon(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// A PHC string `$argon2id$v=19$m=…`. CPU-heavy: call from `spawn_blocking` in servers.
    pub fn hash(&self, password: &str) -> String {
        self.argon()
            .hash_password(password.as_bytes())
            .expect("argon2 hashing with valid params")
            .to_string()
    }

    /// Verifies against the parameters stored in the hash itself.
    pub fn verify(&self, hash: &str, password: &str) -> bool {
        match PasswordHash::new(hash) {
            Ok(parsed) => self
                .argon()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }
}

/// `n` random bytes from the OS as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).expect("OS random source");
    hex(&buf)
}

/// A password people can type: 16 characters without look-alikes.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).expect("OS random source");
    buf.iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// Secrets are stored only as their SHA-256: a leaked table does not give working sessions or tokens.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = Hasher::fast_for_tests();
        let hash = h.hash("correct horse");
        assert!(hash.starts_with("$argon2id$"));
        assert!(h.verify(&hash, "correct horse"));
        assert!(!h.verify(&hash, "correct horsE"));
        assert!(!h.verify("not a hash", "x"));
        // Two hashes of one password differ (random salt).
        assert_ne!(hash, h.hash("correct horse"));
        // A production-cost hash verifies with any Hasher: parameters come from the hash.
        assert!(h.verify(&Hasher::default().hash("p"), "p"));
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        assert_eq!(random_hex(32).len(), 64);
        assert_ne!(random_hex(16), random_hex(16));
        assert_eq!(random_password().len(), 16);
        assert_eq!(secret_hash("a").len(), 64);
    }
}
