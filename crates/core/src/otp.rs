//! Code generation and verification: HOTP (RFC 4226), TOTP (RFC 6238, T0 = 0) and Steam Guard.
//!
//! Time is always a parameter (`at_unix`); [`Clock`] is how a door obtains it, and
//! [`SystemClock::offset_s`] is the one place where a clock-skew correction is applied.
//!
//! The HMAC over the 8-byte big-endian moving factor is computed by `totp-rs` (built with a
//! step of one second, so its "time" *is* the counter: one code path serves HOTP, TOTP and
//! Steam, for any `u64` counter or time). Dynamic truncation and rendering live here, because
//! `totp-rs` panics for 10 or more digits and because the RFC vectors check the truncated
//! value itself.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use subtle::ConstantTimeEq;

use crate::account::{Account, Algorithm, OtpKind};

/// Characters of a Steam Guard code, least-significant first.
const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";
/// Steam Guard codes are always five characters.
pub const STEAM_DIGITS: u8 = 5;
/// Steam Guard is TOTP with this period (and SHA1).
pub const STEAM_PERIOD: u32 = 30;
/// Largest `window` [`verify`] accepts; larger values are clamped (each step costs one HMAC).
pub const MAX_VERIFY_WINDOW: u32 = 1000;

/// The code of an account at one instant, with what a UI or script needs around it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeInfo {
    /// The current code (digits, or five letters/digits for Steam).
    pub code: String,
    /// Seconds until `code` changes (1..=period); `None` for HOTP.
    pub remaining_s: Option<u32>,
    /// Time step in seconds; `None` for HOTP.
    pub period: Option<u32>,
    /// The code after this one: next time step, or counter + 1 for HOTP (`None` only when
    /// the counter is already `u64::MAX`).
    pub next_code: Option<String>,
    /// Unix time at which the current code became valid; `None` for HOTP.
    #[serde(skip)]
    pub step_start: Option<u64>,
}

/// Source of the current Unix time. Code paths take the time as a number; only a door (app,
/// CLI) asks a clock for it.
pub trait Clock {
    fn now_unix(&self) -> u64;

    /// The same instant in milliseconds, for smooth countdowns; whole seconds by default.
    fn now_unix_ms(&self) -> u64 {
        self.now_unix().saturating_mul(1000)
    }
}

/// The system clock plus a correction in seconds (positive when the system clock is behind).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemClock {
    pub offset_s: i64,
}

impl Clock for SystemClock {
    fn now_unix(&self) -> u64 {
        self.now_unix_ms() / 1000
    }

    fn now_unix_ms(&self) -> u64 {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| {
                u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
            });
        now_ms.saturating_add_signed(self.offset_s.saturating_mul(1000))
    }
}

/// A clock stopped at one instant, for tests and for `--at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now_unix(&self) -> u64 {
        self.0
    }
}

/// Computes HMAC(key, counter as 8 big-endian bytes) for one account's key and hash, reusing
/// the keyed state across counters.
struct Signer {
    inner: totp_rs::Totp,
}

impl Signer {
    fn new(key: &[u8], algorithm: Algorithm) -> Self {
        let algorithm = match algorithm {
            Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
            Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
            Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
        };
        // Step 1 s: totp-rs signs `time / step`, so the "time" passed is the counter itself.
        // `build_noncompliant` accepts keys under 128 bits, which real portals issue.
        let inner = totp_rs::Builder::new()
            .with_algorithm(algorithm)
            .with_secret(key)
            .with_step_duration(1)
            .build_noncompliant();
        Self { inner }
    }

    fn mac(&self, counter: u64) -> impl AsRef<[u8]> {
        self.inner.sign(counter)
    }

    fn truncated(&self, counter: u64) -> u32 {
        truncate(self.mac(counter).as_ref())
    }
}

/// The full HMAC of `counter` under `key` (RFC 4226 step 1), e.g. to check test vectors.
pub fn hmac(key: &[u8], algorithm: Algorithm, counter: u64) -> Vec<u8> {
    Signer::new(key, algorithm).mac(counter).as_ref().to_vec()
}

/// RFC 4226 dynamic truncation: the 31-bit value at the offset given by the low nibble of the
/// last byte.
pub fn truncate(mac: &[u8]) -> u32 {
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let word = [
        mac[offset],
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ];
    u32::from_be_bytes(word) & 0x7fff_ffff
}

/// A truncated value as a zero-padded decimal code of `digits` digits (the value modulo
/// 10^digits; from 10 digits on, the whole 31-bit value, zero-padded).
pub fn render_decimal(value: u32, digits: u8) -> String {
    let width = usize::from(digits);
    let value = match 10u32.checked_pow(u32::from(digits)) {
        Some(modulus) => value % modulus,
        None => value,
    };
    if width == 0 {
        return String::new();
    }
    format!("{value:0width$}")
}

/// A truncated value as a Steam Guard code: five characters, least-significant first.
pub fn render_steam(mut value: u32) -> String {
    let radix = STEAM_ALPHABET.len() as u32;
    (0..STEAM_DIGITS)
        .map(|_| {
            let c = STEAM_ALPHABET[(value % radix) as usize] as char;
            value /= radix;
            c
        })
        .collect()
}

/// The HOTP code of `key` at `counter` (RFC 4226), as decimal digits.
pub fn hotp(key: &[u8], algorithm: Algorithm, digits: u8, counter: u64) -> String {
    render_decimal(Signer::new(key, algorithm).truncated(counter), digits)
}

/// Renders a truncated value the way `kind` shows codes.
fn render(kind: OtpKind, digits: u8, value: u32) -> String {
    match kind {
        OtpKind::Steam => render_steam(value),
        OtpKind::Totp { .. } | OtpKind::Hotp { .. } => render_decimal(value, digits),
    }
}

/// Hash actually used: Steam is SHA1 whatever the account says.
fn effective_algorithm(account: &Account) -> Algorithm {
    match account.kind {
        OtpKind::Steam => Algorithm::Sha1,
        _ => account.algorithm,
    }
}

/// How an account moves: a fixed counter, or time steps of `period` seconds (never zero: a
/// zero period, which no parser produces, is treated as 1 s instead of dividing by zero).
enum Moving {
    Counter(u64),
    Period(u32),
}

fn moving(kind: OtpKind) -> Moving {
    match kind {
        OtpKind::Hotp { counter } => Moving::Counter(counter),
        OtpKind::Totp { period } => Moving::Period(period.max(1)),
        OtpKind::Steam => Moving::Period(STEAM_PERIOD),
    }
}

/// The code for an explicit counter (HOTP) or time step (TOTP/Steam).
pub fn code_at_counter(account: &Account, counter: u64) -> String {
    let signer = Signer::new(account.secret.expose(), effective_algorithm(account));
    render(account.kind, account.digits, signer.truncated(counter))
}

/// The code of `account` at Unix time `at_unix` (ignored for HOTP, whose code depends only on
/// its counter), with the remaining validity and the next code.
pub fn generate(account: &Account, at_unix: u64) -> CodeInfo {
    let signer = Signer::new(account.secret.expose(), effective_algorithm(account));
    let code_for = |counter: u64| render(account.kind, account.digits, signer.truncated(counter));
    match moving(account.kind) {
        Moving::Counter(counter) => CodeInfo {
            code: code_for(counter),
            remaining_s: None,
            period: None,
            next_code: counter.checked_add(1).map(code_for),
            step_start: None,
        },
        Moving::Period(period) => {
            let step = at_unix / u64::from(period);
            let into_step = at_unix % u64::from(period);
            CodeInfo {
                code: code_for(step),
                remaining_s: Some(period - into_step as u32),
                period: Some(period),
                next_code: step.checked_add(1).map(code_for),
                step_start: Some(at_unix - into_step),
            }
        }
    }
}

/// Checks `code` against `account` and returns the matched offset, nearest first: for
/// TOTP/Steam the time-step offset within ±`window` of the step at `at_unix`; for HOTP the
/// counter offset within `counter..=counter + window` (look-ahead only, `at_unix` ignored).
/// Spaces in `code` are ignored and a Steam code is compared case-insensitively. Each
/// candidate is compared in constant time. `window` is clamped to [`MAX_VERIFY_WINDOW`].
pub fn verify(account: &Account, code: &str, at_unix: u64, window: u32) -> Option<i64> {
    let mut typed: String = code.chars().filter(|&c| c != ' ').collect();
    if account.kind == OtpKind::Steam {
        typed.make_ascii_uppercase();
    }
    let window = i64::from(window.min(MAX_VERIFY_WINDOW));
    let signer = Signer::new(account.secret.expose(), effective_algorithm(account));
    let matches = |counter: u64| {
        let expected = render(account.kind, account.digits, signer.truncated(counter));
        bool::from(expected.as_bytes().ct_eq(typed.as_bytes()))
    };
    let (origin, offsets): (u64, Vec<i64>) = match moving(account.kind) {
        Moving::Counter(counter) => (counter, (0..=window).collect()),
        Moving::Period(period) => (
            at_unix / u64::from(period),
            std::iter::once(0)
                .chain((1..=window).flat_map(|d| [-d, d]))
                .collect(),
        ),
    };
    offsets
        .into_iter()
        .find(|&offset| origin.checked_add_signed(offset).is_some_and(&matches))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Secret;

    fn account(kind: OtpKind, algorithm: Algorithm, digits: u8, key: &[u8]) -> Account {
        Account {
            kind,
            issuer: String::new(),
            account: String::new(),
            secret: Secret::new(key.to_vec()),
            algorithm,
            digits,
        }
    }

    #[test]
    fn rfc4226_first_codes() {
        let key = b"12345678901234567890";
        let expected = ["755224", "287082", "359152", "969429", "338314"];
        for (counter, otp) in expected.iter().enumerate() {
            assert_eq!(hotp(key, Algorithm::Sha1, 6, counter as u64), *otp);
        }
    }

    #[test]
    fn totp_timing_fields() {
        let acc = account(
            OtpKind::Totp { period: 30 },
            Algorithm::Sha1,
            8,
            b"12345678901234567890",
        );
        let info = generate(&acc, 59);
        assert_eq!(info.code, "94287082");
        assert_eq!(info.remaining_s, Some(1));
        assert_eq!(info.period, Some(30));
        assert_eq!(info.step_start, Some(30));
        assert_eq!(
            info.next_code.as_deref(),
            Some(code_at_counter(&acc, 2).as_str())
        );
        assert_eq!(generate(&acc, 60).remaining_s, Some(30));
    }

    #[test]
    fn hotp_next_code_and_overflow() {
        let key = b"12345678901234567890";
        let acc = account(OtpKind::Hotp { counter: 0 }, Algorithm::Sha1, 6, key);
        let info = generate(&acc, 123);
        assert_eq!(info.code, "755224");
        assert_eq!(info.next_code.as_deref(), Some("287082"));
        assert_eq!(
            (info.remaining_s, info.period, info.step_start),
            (None, None, None)
        );
        let last = account(OtpKind::Hotp { counter: u64::MAX }, Algorithm::Sha1, 6, key);
        assert_eq!(generate(&last, 0).next_code, None);
    }

    #[test]
    fn matches_totp_rs_token_rendering() {
        let key = b"0123456789abcdefghij0123456789ab";
        for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
            for digits in 6..=8u8 {
                for period in [15u32, 30, 60] {
                    let reference = totp_rs::Builder::new()
                        .with_algorithm(Signer::new(key, algorithm).inner.algorithm())
                        .with_digits(digits)
                        .with_step_duration(u64::from(period))
                        .with_secret(&key[..])
                        .build_noncompliant();
                    let acc = account(OtpKind::Totp { period }, algorithm, digits, key);
                    for t in [0u64, 59, 1_111_111_111, 1 << 35, 32_503_680_000] {
                        assert_eq!(generate(&acc, t).code, reference.generate(t).to_string());
                    }
                }
            }
        }
    }

    #[test]
    fn steam_rendering() {
        // Same characters as totp-rs's Steam implementation.
        let key = b"steam-secret-key-bytes";
        let reference = totp_rs::Builder::new()
            .with_algorithm(totp_rs::Algorithm::Steam)
            .with_digits(5)
            .with_secret(&key[..])
            .build_noncompliant();
        let acc = account(OtpKind::Steam, Algorithm::Sha256, 5, key);
        for t in [0u64, 1_700_000_000, 4_102_444_800] {
            let code = generate(&acc, t).code;
            assert_eq!(code, reference.generate(t).to_string());
            assert_eq!(code.len(), 5);
            assert_eq!(verify(&acc, &code.to_lowercase(), t, 0), Some(0));
        }
        assert_eq!(render_steam(0), "22222");
        assert_eq!(render_steam(1), "32222");
        assert_eq!(render_steam(26), "23222");
    }

    #[test]
    fn rendering_edges_never_panic() {
        assert_eq!(render_decimal(1_284_755_224, 6), "755224");
        assert_eq!(render_decimal(5, 10), "0000000005");
        assert_eq!(render_decimal(5, 0), "");
        let zero_period = account(OtpKind::Totp { period: 0 }, Algorithm::Sha1, 6, b"k");
        assert_eq!(generate(&zero_period, 10).period, Some(1));
    }

    #[test]
    fn verify_offsets() {
        let acc = account(
            OtpKind::Totp { period: 30 },
            Algorithm::Sha1,
            6,
            b"12345678901234567890",
        );
        let t = 1_700_000_000;
        let previous = generate(&acc, t - 30).code;
        let next = generate(&acc, t).next_code.unwrap();
        assert_eq!(verify(&acc, &generate(&acc, t).code, t, 1), Some(0));
        assert_eq!(verify(&acc, &previous, t, 1), Some(-1));
        assert_eq!(verify(&acc, &next, t, 1), Some(1));
        assert_eq!(verify(&acc, &previous, t, 0), None);
        assert_eq!(verify(&acc, "12345", t, 1), None);
        assert_eq!(verify(&acc, "", t, 1), None);
        // Near time zero there is no step -1.
        assert_eq!(verify(&acc, &generate(&acc, 0).code, 0, 5), Some(0));

        let hotp_acc = account(
            OtpKind::Hotp { counter: 3 },
            Algorithm::Sha1,
            6,
            b"12345678901234567890",
        );
        assert_eq!(verify(&hotp_acc, "969429", 0, 0), Some(0));
        assert_eq!(verify(&hotp_acc, "338 314", 0, 1), Some(1));
        assert_eq!(verify(&hotp_acc, "359152", 0, 5), None, "no look-behind");
    }

    #[test]
    fn clocks() {
        assert_eq!(FixedClock(42).now_unix(), 42);
        let real = SystemClock::default().now_unix();
        let ahead = SystemClock { offset_s: 3600 }.now_unix();
        assert!(ahead >= real + 3600 && ahead <= real + 3601);
        assert_eq!(SystemClock { offset_s: i64::MIN }.now_unix(), 0);
    }
}
