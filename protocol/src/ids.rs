//! Seeded ids: every id a world hands out comes from one generator per service, seeded from the
//! world's seed, so the same scenario gives the same ids on every run. The generator's state is a
//! single `u64` that a store can persist, so a restarted world continues the same sequence.

use serde::{Deserialize, Serialize};

/// SplitMix64: tiny, fast, and good enough for ids (not for secrets: secrets that must not be
/// guessable, like session cookies, use [`IdGen::secret`] which mixes in fresh entropy when
/// determinism is not asked for).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IdGen {
    state: u64,
}

impl IdGen {
    /// A generator for `seed`, salted per service so two services of one world differ.
    pub fn new(seed: u64, salt: &str) -> Self {
        let mut state = seed ^ 0x6d61_726b_6574_7369; // "marketsi"
        for b in salt.bytes() {
            state = state.rotate_left(5) ^ u64::from(b);
            state = state.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
        IdGen { state }
    }

    /// The generator continuing from a persisted [`IdGen::state`].
    pub fn from_state(state: u64) -> Self {
        IdGen { state }
    }

    /// The state to persist.
    pub fn state(&self) -> u64 {
        self.state
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `bound` (bound > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }

    /// `len` decimal digits, the first not zero (aliUid: 16, orderId: 15).
    pub fn digits(&mut self, len: usize) -> String {
        let mut out = String::with_capacity(len);
        for i in 0..len {
            let d = if i == 0 { 1 + self.below(9) } else { self.below(10) };
            out.push(char::from(b'0' + d as u8));
        }
        out
    }

    /// `len` characters from `alphabet`.
    pub fn chars(&mut self, len: usize, alphabet: &[u8]) -> String {
        (0..len)
            .map(|_| char::from(alphabet[self.below(alphabet.len() as u64) as usize]))
            .collect()
    }

    /// 32 lower-case hex digits (SPI request ids, notification ids).
    pub fn hex32(&mut self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }

    /// An upper-case UUID, as the OpenAPI's `RequestId`.
    pub fn request_id(&mut self) -> String {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let bits = (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64());
        let mut id = String::with_capacity(36);
        for i in 0..32 {
            if matches!(i, 8 | 12 | 16 | 20) {
                id.push('-');
            }
            id.push(char::from(HEX[((bits >> (124 - 4 * i)) & 0xF) as usize]));
        }
        id
    }

    /// An unguessable token (session cookies, CSRF): 32 hex digits of this generator mixed with
    /// `entropy`. Worlds that must replay byte for byte pass `0`.
    pub fn secret(&mut self, entropy: u64) -> String {
        format!(
            "{:016x}{:016x}",
            self.next_u64() ^ entropy,
            self.next_u64().rotate_left(17) ^ entropy
        )
    }
}

/// A seed no earlier run used: the standard library's per-process random hashing keys, for
/// worlds whose ids must not repeat another run's (a vendor's service keeps its data across runs).
pub fn fresh_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_seeds_differ_from_one_call_to_the_next() {
        assert_ne!(fresh_seed(), fresh_seed());
    }

    #[test]
    fn the_same_seed_gives_the_same_ids() {
        let mut a = IdGen::new(7, "simulator");
        let mut b = IdGen::new(7, "simulator");
        assert_eq!(a.digits(15), b.digits(15));
        assert_eq!(a.request_id(), b.request_id());
    }

    #[test]
    fn services_and_seeds_differ() {
        assert_ne!(
            IdGen::new(7, "simulator").next_u64(),
            IdGen::new(7, "console").next_u64()
        );
        assert_ne!(
            IdGen::new(7, "simulator").next_u64(),
            IdGen::new(8, "simulator").next_u64()
        );
    }

    #[test]
    fn ids_have_the_real_shapes() {
        let mut g = IdGen::new(1, "t");
        for _ in 0..100 {
            let uid = g.digits(16);
            assert_eq!(uid.len(), 16);
            assert!(!uid.starts_with('0'));
        }
        let rid = g.request_id();
        assert_eq!(rid.len(), 36);
        assert_eq!(rid, rid.to_uppercase());
        assert_eq!(g.chars(22, b"abcdefghijklmnopqrstuvwxyz").len(), 22);
    }

    #[test]
    fn a_restored_generator_continues_the_sequence() {
        let mut a = IdGen::new(3, "s");
        a.next_u64();
        let mut b = IdGen::from_state(a.state());
        assert_eq!(a.next_u64(), b.next_u64());
    }
}
