//! Vault figures: open and save of a 1,000-account vault, and the Argon2id unlock time.
//!
//!     cargo bench -p tweestap-core --bench vault            # the figures
//!     cargo bench -p tweestap-core --bench vault -- --tune  # Argon2id cost grid
//!
//! Targets: open ≤ 20 ms (excluding the KDF), save ≤ 50 ms (with fsync), unlock ≈ 0.5 s.
//! The vault is written under $TWEESTAP_BENCH_DIR, else the system temp folder: put it on the
//! disk you want to measure, since the save time is mostly fsync.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tweestap_core::vault::{
    CreateOptions, KdfParams, MemoryKeyring, NoKeyring, Unlock, VaultStore,
};
use tweestap_core::{Account, Secret};

const ACCOUNTS: usize = 1000;

fn median_and_max(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (samples[samples.len() / 2], *samples.last().unwrap())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(what: &str, samples: Vec<Duration>, target_ms: Option<f64>) {
    let n = samples.len();
    let (median, max) = median_and_max(samples);
    let verdict = match target_ms {
        Some(t) if ms(median) <= t => format!("  (target ≤ {t} ms: met)"),
        Some(t) => format!("  (target ≤ {t} ms: MISSED)"),
        None => String::new(),
    };
    println!(
        "{what:<44} median {:>8.2} ms   max {:>8.2} ms   n={n}{verdict}",
        ms(median),
        ms(max)
    );
}

fn bench_dir() -> PathBuf {
    let base = std::env::var_os("TWEESTAP_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("tweestap-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn accounts() -> Vec<Account> {
    (0..ACCOUNTS)
        .map(|i| {
            let secret: Vec<u8> = (0..20).map(|b| (i * 31 + b * 7) as u8).collect();
            Account::totp(
                format!("Issuer {i}"),
                format!("person{i}@example.nl"),
                Secret::new(secret),
            )
        })
        .collect()
}

fn unlock_time(params: KdfParams, runs: usize, dir: &std::path::Path) -> Vec<Duration> {
    let path = dir.join(format!(
        "kdf-{}-{}-{}.tweestap",
        params.memory_kib, params.iterations, params.parallelism
    ));
    let store = VaultStore::new(&path).with_keyring(Arc::new(NoKeyring));
    store
        .create(CreateOptions {
            keyring: false,
            password: Some("benchmark password"),
            kdf: params,
        })
        .unwrap();
    let samples = (0..runs)
        .map(|_| {
            let t = Instant::now();
            store
                .unlock(Unlock::Password("benchmark password"))
                .unwrap();
            t.elapsed()
        })
        .collect();
    for f in [path.clone(), store.backup_path()] {
        let _ = std::fs::remove_file(f);
    }
    samples
}

fn tune(dir: &std::path::Path) {
    println!("Argon2id unlock time (p=1), median of 3:");
    for memory_mib in [64u32, 128, 192, 256] {
        for iterations in [2u32, 3, 4, 6, 8] {
            let params = KdfParams {
                memory_kib: memory_mib * 1024,
                iterations,
                parallelism: 1,
            };
            let (median, _) = median_and_max(unlock_time(params, 3, dir));
            println!(
                "  m = {memory_mib:>3} MiB  t = {iterations}   {:>7.0} ms",
                ms(median)
            );
        }
    }
}

fn main() {
    let dir = bench_dir();
    if std::env::args().any(|a| a == "--tune") {
        tune(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    println!(
        "vault benchmark: {ACCOUNTS} accounts, files in {}",
        dir.display()
    );

    let keyring = Arc::new(MemoryKeyring::new());
    let store = VaultStore::new(dir.join("vault.tweestap")).with_keyring(keyring);
    let mut vault = store.create(CreateOptions::default()).unwrap();
    vault.add_all(accounts()).unwrap();
    let size = std::fs::metadata(store.path()).unwrap().len();
    println!("vault file: {:.1} KiB", size as f64 / 1024.0);

    // Open: read, check, decrypt and parse the file; the key comes from an in-memory keyring,
    // so no KDF and no D-Bus round trip is included.
    let open: Vec<Duration> = (0..30)
        .map(|_| {
            let t = Instant::now();
            let v = store.unlock(Unlock::Keyring).unwrap();
            let d = t.elapsed();
            assert_eq!(v.list().len(), ACCOUNTS);
            d
        })
        .collect();
    report("open 1,000 accounts (no KDF)", open, Some(20.0));

    // Save: one change = lock, re-read + decrypt, apply, encrypt, write + fsync, keep the
    // backup, rename, fsync the folder.
    let id = vault.list()[500].id.clone();
    let save: Vec<Duration> = (0..30)
        .map(|i| {
            let t = Instant::now();
            vault.set_favourite(&id, i % 2 == 0).unwrap();
            t.elapsed()
        })
        .collect();
    report("save 1,000 accounts (one change, fsync)", save, Some(50.0));

    let refresh: Vec<Duration> = (0..30)
        .map(|_| {
            let t = Instant::now();
            vault.refresh().unwrap();
            t.elapsed()
        })
        .collect();
    report("refresh (re-read another process's change)", refresh, None);

    let p = KdfParams::DEFAULT;
    let unlock = unlock_time(p, 5, &dir);
    report(
        &format!(
            "password unlock, Argon2id m={} MiB t={} p={}",
            p.memory_kib / 1024,
            p.iterations,
            p.parallelism
        ),
        unlock,
        None,
    );
    println!("(target for the password unlock: about 500 ms)");
    let _ = std::fs::remove_dir_all(&dir);
}
