//! Argon2id: turns a password into the key that wraps the vault's data key.

use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{KEY_LEN, Key32};

/// Why Argon2id refused a set of parameters.
#[derive(Debug)]
pub(crate) struct InvalidKdf(pub String);

/// Argon2id cost parameters, stored in the vault header beside the salt so a vault always opens
/// with the parameters it was made with, whatever the defaults of a later version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    #[serde(rename = "m")]
    pub memory_kib: u32,
    /// Passes over the memory.
    #[serde(rename = "t")]
    pub iterations: u32,
    /// Lanes. The argon2 crate runs them one after another, so more lanes buy nothing here.
    #[serde(rename = "p")]
    pub parallelism: u32,
}

/// Upper bounds accepted when reading a header (a vault or an imported backup), so a crafted
/// header cannot make an unlock allocate gigabytes or run for minutes: at most about 5× the
/// memory and 5× the passes of [`KdfParams::DEFAULT`], some 15 s of work here.
const MAX_MEMORY_KIB: u32 = 1024 * 1024;
const MAX_ITERATIONS: u32 = 16;
const MAX_PARALLELISM: u32 = 16;

impl KdfParams {
    /// The parameters for every new password: 192 MiB, 3 passes, 1 lane — about 0.5 s per
    /// unlock on the reference machine (2-core x86-64 VM) in a release build. Measured with
    /// `cargo bench -p tweestap-core --bench vault -- --tune`; figures in `docs/VAULT.md`.
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 192 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// Deliberately weak parameters (8 KiB, 1 pass) for tests that create many vaults. Never
    /// use them for a real vault: a password protected by them falls to a quick guessing attack.
    pub const fn insecure_for_tests() -> KdfParams {
        KdfParams {
            memory_kib: 8,
            iterations: 1,
            parallelism: 1,
        }
    }

    /// True when a header's parameters are within what this version is willing to run.
    pub(crate) fn within_limits(&self) -> bool {
        self.argon2_params().is_ok()
            && self.memory_kib <= MAX_MEMORY_KIB
            && (1..=MAX_ITERATIONS).contains(&self.iterations)
            && (1..=MAX_PARALLELISM).contains(&self.parallelism)
    }

    /// Why a backup being imported asks for more than an import runs, if it does: at most
    /// 256 MiB, and at most 4× the default's memory × passes (about 2 s in a release build).
    /// A vault of one's own may go up to [`Self::within_limits`]; a file from elsewhere is
    /// held to what Tweestap itself writes, with room.
    pub(crate) fn import_too_costly(&self) -> Option<String> {
        const MAX_IMPORT_MEMORY_KIB: u32 = 256 * 1024;
        let work = u64::from(self.memory_kib) * u64::from(self.iterations);
        let default_work =
            u64::from(Self::DEFAULT.memory_kib) * u64::from(Self::DEFAULT.iterations);
        if self.memory_kib > MAX_IMPORT_MEMORY_KIB {
            Some(format!(
                "Argon2id with {} MiB of memory; at most {} MiB is accepted",
                self.memory_kib / 1024,
                MAX_IMPORT_MEMORY_KIB / 1024
            ))
        } else if work > 4 * default_work {
            Some(format!(
                "Argon2id with {} MiB and {} passes, {:.1}× Tweestap's own setting; at most 4× is accepted",
                self.memory_kib / 1024,
                self.iterations,
                work as f64 / default_work as f64
            ))
        } else {
            None
        }
    }

    fn argon2_params(&self) -> Result<Params, InvalidKdf> {
        Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|e| InvalidKdf(e.to_string()))
    }

    /// Derives the 256-bit key-encryption key from `password` and `salt`.
    pub(crate) fn derive(&self, password: &[u8], salt: &[u8]) -> Result<Key32, InvalidKdf> {
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, self.argon2_params()?);
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        argon
            .hash_password_into(password, salt, out.as_mut())
            .map_err(|e| InvalidKdf(e.to_string()))?;
        Ok(out)
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_is_deterministic_and_salted() {
        let p = KdfParams::insecure_for_tests();
        let a = p.derive(b"hunter2", b"saltsaltsaltsalt").unwrap();
        let b = p.derive(b"hunter2", b"saltsaltsaltsalt").unwrap();
        let c = p.derive(b"hunter2", b"SALTSALTSALTSALT").unwrap();
        assert_eq!(*a, *b);
        assert_ne!(*a, *c);
    }

    #[test]
    fn limits_reject_absurd_headers() {
        assert!(KdfParams::DEFAULT.within_limits());
        assert!(KdfParams::insecure_for_tests().within_limits());
        let huge = KdfParams {
            memory_kib: u32::MAX,
            ..KdfParams::DEFAULT
        };
        assert!(!huge.within_limits());
        let zero = KdfParams {
            iterations: 0,
            ..KdfParams::DEFAULT
        };
        assert!(!zero.within_limits());
    }

    #[test]
    fn imports_run_what_tweestap_writes_with_room_and_no_more() {
        assert_eq!(KdfParams::DEFAULT.import_too_costly(), None);
        let four_times = KdfParams {
            iterations: 12,
            ..KdfParams::DEFAULT
        };
        assert_eq!(four_times.import_too_costly(), None);
        for (memory_kib, iterations) in [(257 * 1024, 1), (1024 * 1024, 16), (256 * 1024, 10)] {
            let costly = KdfParams {
                memory_kib,
                iterations,
                parallelism: 1,
            };
            assert!(
                costly.within_limits(),
                "{costly:?} opens as a vault of one's own"
            );
            assert!(costly.import_too_costly().is_some(), "{costly:?}");
        }
    }
}
