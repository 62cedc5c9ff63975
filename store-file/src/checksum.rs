//! The checksum of SQLite's write-ahead log and its index (file format §4.1; `walChecksumBytes` in
//! SQLite's source): two running 32-bit sums over the content read as pairs of 32-bit words, in the
//! byte order the log's magic number (or, for the index, the machine) names.

/// The two running sums.
pub(crate) type Sums = (u32, u32);

/// Continues `sums` over `bytes`, whose length is a multiple of 8.
pub(crate) fn extend(big_endian: bool, bytes: &[u8], sums: Sums) -> Sums {
    let word = |b: &[u8]| {
        let b = [b[0], b[1], b[2], b[3]];
        if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    };
    let (mut s1, mut s2) = sums;
    for pair in bytes.chunks_exact(8) {
        s1 = s1.wrapping_add(word(&pair[..4])).wrapping_add(s2);
        s2 = s2.wrapping_add(word(&pair[4..])).wrapping_add(s1);
    }
    (s1, s2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sum_carries_the_other_forward() {
        // s1 = 1 + 0 = 1, s2 = 2 + 1 = 3; then s1 = 1 + 3 + 3 = 7, s2 = 3 + 4 + 7 = 14.
        let bytes = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4];
        assert_eq!(extend(true, &bytes, (0, 0)), (7, 14));
        assert_eq!(
            extend(true, &bytes[8..], extend(true, &bytes[..8], (0, 0))),
            (7, 14)
        );
    }

    #[test]
    fn little_endian_words_read_the_same_bytes_backwards() {
        let bytes = [1, 0, 0, 0, 2, 0, 0, 0];
        assert_eq!(extend(false, &bytes, (0, 0)), (1, 3));
    }
}
