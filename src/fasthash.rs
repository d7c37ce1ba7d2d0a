//! A fast hasher for the scan's internal maps and sets.
//!
//! Lockfiles of large monorepos hold hundreds of thousands of entries, and the maps that link
//! them (install paths, names, dependency sets) hash every key several times; std's SipHash
//! was a fifth of a scan's instructions. This is the multiply-rotate hash rustc uses for its
//! own tables. It is not keyed: a file crafted to collide can make a scan slower, never give
//! it another result, and the files scanned are the repository's own.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

pub type FastMap<K, V> = HashMap<K, V, FastBuild>;
pub type FastSet<T> = HashSet<T, FastBuild>;

/// Builds [`FastHasher`]s.
#[derive(Clone, Copy, Debug, Default)]
pub struct FastBuild;

impl BuildHasher for FastBuild {
    type Hasher = FastHasher;

    fn build_hasher(&self) -> FastHasher {
        FastHasher { hash: 0 }
    }
}

/// Eight bytes at a time: rotate, xor, multiply.
#[derive(Clone, Copy, Debug)]
pub struct FastHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply moves a word's entropy up, never down: without this the low bits that
        // pick a bucket depend only on the low bytes of the last word, and keys that differ
        // in the high bytes of it (`node_modules/p1234` against `node_modules/p1235`) share
        // buckets by the thousand. MurmurHash3's 64-bit finaliser (xor-shift, multiply, twice)
        // makes every output bit depend on every input bit, for a few cycles per key.
        let mut hash = self.hash;
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        hash ^ (hash >> 33)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_work_and_hashes_depend_on_every_byte() {
        let mut map: FastMap<&str, usize> = FastMap::default();
        for (index, key) in ["a", "ab", "abcdefgh", "abcdefghi", ""].iter().enumerate() {
            map.insert(key, index);
        }
        assert_eq!(map.get("abcdefghi"), Some(&3));
        assert_eq!(map.get(""), Some(&4));
        assert_eq!(map.get("abcdefgj"), None);
        let hash = |text: &str| FastBuild.hash_one(text);
        assert_ne!(hash("node_modules/a"), hash("node_modules/b"));
    }

    /// Keys that differ only in the high bytes of their last word (a number at the end of an
    /// install path) must still land in different buckets, which hashbrown picks from the low
    /// bits: without the final rotation, 10,000 such keys shared about a thousand of 4,096
    /// buckets and a 600,000-entry lockfile spent most of its scan comparing keys.
    #[test]
    fn low_bits_spread_over_keys_that_differ_late() {
        for prefix in [
            "node_modules/p",
            "node_modules/pk",
            "node_modules/pkg-",
            "a",
        ] {
            let buckets: HashSet<u64> = (0..10_000)
                .map(|i| FastBuild.hash_one(format!("{prefix}{i}")) & 0xfff)
                .collect();
            // 10,000 random keys fill 3,740 of 4,096 buckets on average.
            assert!(buckets.len() > 3_600, "{prefix}: {} buckets", buckets.len());
        }
    }
}
