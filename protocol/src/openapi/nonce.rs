//! The `x-acs-signature-nonce` / `SignatureNonce` of a signed request: used by both signatures'
//! request builders (`v3`, `v1`) and the client, so it lives beneath all three.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// A fresh 32-hex nonce, as the SDK's `x-acs-signature-nonce` looks: a sequence number hashed under
/// two keys drawn at random once per process (SipHash), so no two nonces of one process repeat and
/// two processes do not share theirs.
pub fn random_nonce() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    static KEYS: OnceLock<[RandomState; 2]> = OnceLock::new();
    let keys = KEYS.get_or_init(|| [RandomState::new(), RandomState::new()]);
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&keys[0].hash_one(n).to_le_bytes());
    bytes[8..].copy_from_slice(&keys[1].hash_one(n).to_le_bytes());
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_nonces_are_32_hex_and_differ() {
        let a = random_nonce();
        let b = random_nonce();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
