//! Hashing, a leaf: the cache key, the prompt hash in the model-call log and audit ids all use
//! the same hex SHA-256.

use sha2::{Digest, Sha256};

/// Hex sha256 of a string.
pub fn sha256_hex(s: &str) -> String {
    let d = Sha256::digest(s.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}
