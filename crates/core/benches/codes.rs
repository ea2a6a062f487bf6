//! Prints how long computing the current codes of 1,000 accounts takes (the app's list view
//! refreshes them every second). A program that prints figures, not a test.
//!
//! Run: `cargo bench -p tweestap-core --bench codes`

use std::hint::black_box;
use std::time::{Duration, Instant};

use tweestap_core::account::{Account, Algorithm, OtpKind, Secret};
use tweestap_core::otp::{self, Clock, SystemClock};

const ACCOUNTS: usize = 1_000;
const ROUNDS: usize = 50;

/// 1,000 accounts mixing SHA1/SHA256/SHA512, 6/7/8 digits, 30/60 s TOTP, HOTP and Steam,
/// with key lengths matching their hash (20/32/64 bytes) plus some 10-byte portal keys.
fn accounts() -> Vec<Account> {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next_byte = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed as u8
    };
    (0..ACCOUNTS)
        .map(|i| {
            let algorithm = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][i % 3];
            let key_len = match (i % 7, algorithm) {
                (0, _) => 10,
                (_, Algorithm::Sha1) => 20,
                (_, Algorithm::Sha256) => 32,
                (_, Algorithm::Sha512) => 64,
            };
            let kind = match i % 10 {
                0 => OtpKind::Hotp { counter: i as u64 },
                1 => OtpKind::Steam,
                2 | 3 => OtpKind::Totp { period: 60 },
                _ => OtpKind::Totp { period: 30 },
            };
            Account {
                kind,
                issuer: format!("Service {i}"),
                account: format!("user{i}@example.com"),
                secret: Secret::new((0..key_len).map(|_| next_byte()).collect()),
                algorithm,
                digits: [6, 7, 8][i % 3],
            }
        })
        .collect()
}

fn main() {
    let accounts = accounts();
    let now = SystemClock::default().now_unix();
    // Warm-up.
    for account in &accounts {
        black_box(otp::generate(account, now));
    }
    let mut rounds: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            for account in &accounts {
                black_box(otp::generate(black_box(account), black_box(now)));
            }
            start.elapsed()
        })
        .collect();
    rounds.sort();
    let median = rounds[ROUNDS / 2];
    let per_account = median / ACCOUNTS as u32;
    println!(
        "codes: current + next code for {ACCOUNTS} accounts (mixed SHA1/SHA256/SHA512, TOTP/HOTP/Steam): \
         median {:.3} ms, min {:.3} ms, max {:.3} ms over {ROUNDS} rounds ({:.2} µs per account)",
        median.as_secs_f64() * 1e3,
        rounds[0].as_secs_f64() * 1e3,
        rounds[ROUNDS - 1].as_secs_f64() * 1e3,
        per_account.as_secs_f64() * 1e6,
    );
}
