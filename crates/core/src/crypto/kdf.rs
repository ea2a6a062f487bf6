//! The key derivations of the formats Tweestap imports: scrypt (Aegis), PBKDF2-HMAC-SHA256
//! (2FAS), PBKDF2-HMAC-SHA1 and SHA-256 (andOTP); Tweestap's own encrypted export uses scrypt
//! too. Work factors read from a file are bounded, so a crafted file cannot make an import
//! allocate gigabytes or run for hours.

use zeroize::Zeroizing;

use super::{KEY_LEN, Key32};

// Work factors accepted from a file. Every bound covers all of a KDF's parameters, so that no
// single one can be turned up while another stays in range (N = 2, r = 2^20, p = 16 once took
// 2.5 GB and 3 min 20 s), and an import refuses a file beyond them before deriving anything.
// The bounds leave several times the real exports' settings, and keep any one import within
// a few seconds and 256 MB.

/// scrypt memory, 128 · r · (N + p) bytes (the N·r blocks plus p lanes of r): 128 MiB, 4× what
/// Aegis uses (32 MiB).
pub(crate) const MAX_SCRYPT_MEMORY: u64 = 128 * 1024 * 1024;
/// scrypt work, N · r · p (each unit one 128-byte Salsa20/8 block mix, twice): 2^20 per slot,
/// 4× Aegis's 2^15 · 8 · 1.
pub(crate) const MAX_SCRYPT_WORK: u64 = 1 << 20;
/// scrypt work summed over every password slot an import may try: 8 slots of Aegis's cost.
pub(crate) const MAX_SCRYPT_WORK_PER_IMPORT: u64 = 8 << 18;
/// PBKDF2 iterations: 1 000 000, 6× andOTP's (140 000–160 000) and 100× 2FAS's (10 000);
/// about 2.4 s for SHA-1 in a debug build here, under 1 s in a release build.
pub(crate) const MAX_PBKDF2_ITERATIONS: u32 = 1_000_000;

/// scrypt cost parameters as files store them (`N`, `r`, `p`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScryptCost {
    pub n: u64,
    pub r: u32,
    pub p: u32,
}

impl ScryptCost {
    /// Aegis's parameters: N = 2^15, r = 8, p = 1 (32 MiB).
    pub const AEGIS: ScryptCost = ScryptCost {
        n: 1 << 15,
        r: 8,
        p: 1,
    };

    /// Cheap parameters for tests that write many encrypted exports. Never for real files.
    pub const fn insecure_for_tests() -> ScryptCost {
        ScryptCost {
            n: 1 << 4,
            r: 8,
            p: 1,
        }
    }

    /// Whether this version runs (and reads) these parameters.
    pub fn is_valid(self) -> bool {
        self.params().is_some()
    }

    /// N · r · p, the derivation's work (saturating).
    pub(crate) fn work(self) -> u64 {
        self.n
            .saturating_mul(u64::from(self.r))
            .saturating_mul(u64::from(self.p))
    }

    /// 128 · r · (N + p) bytes, the derivation's memory (saturating).
    pub(crate) fn memory(self) -> u64 {
        128u64
            .saturating_mul(u64::from(self.r))
            .saturating_mul(self.n.saturating_add(u64::from(self.p)))
    }

    /// Why these parameters are more than this version runs, if they are.
    pub(crate) fn too_costly(self) -> Option<String> {
        if self.memory() > MAX_SCRYPT_MEMORY {
            Some(format!(
                "scrypt N={}, r={}, p={} needs {} MiB of memory; at most {} MiB is accepted",
                self.n,
                self.r,
                self.p,
                self.memory() / (1024 * 1024),
                MAX_SCRYPT_MEMORY / (1024 * 1024)
            ))
        } else if self.work() > MAX_SCRYPT_WORK {
            Some(format!(
                "scrypt N={}, r={}, p={} is {}× the work of an Aegis export; at most {}× is accepted",
                self.n,
                self.r,
                self.p,
                self.work() / Self::AEGIS.work(),
                MAX_SCRYPT_WORK / Self::AEGIS.work()
            ))
        } else {
            None
        }
    }

    /// `None` unless N is a power of two above 1 and the cost is within the bounds this
    /// version runs.
    fn params(self) -> Option<scrypt::Params> {
        if !self.n.is_power_of_two() || self.n < 2 || self.r == 0 || !(1..=16).contains(&self.p) {
            return None;
        }
        if self.too_costly().is_some() {
            return None;
        }
        scrypt::Params::new(self.n.trailing_zeros() as u8, self.r, self.p).ok()
    }

    /// Derives a 256-bit key; `None` when the parameters are out of bounds.
    pub(crate) fn derive(self, password: &[u8], salt: &[u8]) -> Option<Key32> {
        let params = self.params()?;
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        scrypt::scrypt(password, salt, &params, out.as_mut()).ok()?;
        Some(out)
    }
}

/// PBKDF2-HMAC-SHA256, 256-bit output.
pub(crate) fn pbkdf2_sha256(password: &[u8], salt: &[u8], iterations: u32) -> Key32 {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, out.as_mut());
    out
}

/// PBKDF2-HMAC-SHA1, 256-bit output.
pub(crate) fn pbkdf2_sha1(password: &[u8], salt: &[u8], iterations: u32) -> Key32 {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, out.as_mut());
    out
}

/// SHA-256 of `data` (andOTP's old key derivation).
pub(crate) fn sha256(data: &[u8]) -> Key32 {
    use sha2::Digest;
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    out.copy_from_slice(&sha2::Sha256::digest(data));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kdf_vectors() {
        // RFC 7914 §12, second vector.
        let cost = ScryptCost {
            n: 1024,
            r: 8,
            p: 16,
        };
        let mut out = [0u8; 64];
        scrypt::scrypt(b"password", b"NaCl", &cost.params().unwrap(), &mut out).unwrap();
        assert_eq!(crate::hex::encode(&out[..8]), "fdbabe1c9d347200");
        // RFC 6070: PBKDF2-HMAC-SHA1, "password"/"salt", 2 iterations.
        assert_eq!(
            crate::hex::encode(&pbkdf2_sha1(b"password", b"salt", 2)[..20]),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
        );
        // Bounds.
        assert!(
            ScryptCost {
                n: 1 << 20,
                r: 8,
                p: 1
            }
            .params()
            .is_none()
        );
        assert!(
            ScryptCost {
                n: 1000,
                r: 8,
                p: 1
            }
            .params()
            .is_none()
        );
        assert!(
            ScryptCost {
                n: 1 << 15,
                r: 8,
                p: 1
            }
            .params()
            .is_some()
        );
    }
}
