//! A typed async client for the Market OpenAPI that signs V3 like the Python SDK.

use md5::{Digest, Md5};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh 32-hex nonce: MD5 of the process, a sequence number, the wall time and random state, as
/// the SDK makes its `x-acs-signature-nonce`.
pub fn random_nonce() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(SEQ.fetch_add(1, Ordering::Relaxed));
    let mut md5 = Md5::new();
    md5.update(std::process::id().to_le_bytes());
    md5.update(SEQ.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    md5.update(
        crate::clock::wall_now()
            .timestamp_nanos_opt()
            .unwrap_or_default()
            .to_le_bytes(),
    );
    md5.update(hasher.finish().to_le_bytes());
    hex::encode(md5.finalize())
}
