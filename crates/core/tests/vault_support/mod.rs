//! Helpers shared by the vault test files (each file uses a subset).
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tweestap_core::otp::Clock;
use tweestap_core::vault::{
    CreateOptions, KdfParams, MemoryKeyring, NoKeyring, Unlock, Vault, VaultStore,
};
use tweestap_core::{Account, Secret};

pub const PASSWORD: &str = "correct horse battery staple";

/// A folder under the system temp dir, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let p = std::env::temp_dir().join(format!("tweestap-{tag}-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn vault(&self) -> PathBuf {
        self.0.join("vault.tweestap")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A clock the test moves by hand.
#[derive(Debug)]
pub struct TestClock(pub AtomicU64);

impl TestClock {
    pub fn at(t: u64) -> Arc<Self> {
        Arc::new(TestClock(AtomicU64::new(t)))
    }
    pub fn advance(&self, secs: u64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_unix(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub fn totp(issuer: &str, account: &str, secret: &[u8]) -> Account {
    Account::totp(issuer, account, Secret::new(secret.to_vec()))
}

/// Keyring and/or password protection, with cheap Argon2id parameters.
pub fn options(keyring: bool, password: Option<&str>) -> CreateOptions<'_> {
    CreateOptions {
        keyring,
        password,
        kdf: KdfParams::insecure_for_tests(),
    }
}

/// A store with no keyring at all (the `--no-keyring` route).
pub fn password_store(path: &Path) -> VaultStore {
    VaultStore::new(path).with_keyring(Arc::new(NoKeyring))
}

/// A password-only vault with cheap Argon2id parameters.
pub fn create_password_vault(path: &Path) -> Vault {
    password_store(path)
        .create(options(false, Some(PASSWORD)))
        .unwrap()
}

pub fn open_with_password(path: &Path) -> Vault {
    password_store(path)
        .unlock(Unlock::Password(PASSWORD))
        .unwrap()
}

/// A store whose keyring is in memory, shared by the handles of one test.
pub fn memory_store(path: &Path, keyring: &Arc<MemoryKeyring>) -> VaultStore {
    VaultStore::new(path).with_keyring(keyring.clone())
}

/// Runs this test binary again with only `test_name` (its full name: `module::test`), as a
/// child process with `envs`.
/// The child test checks an environment variable to know it is the child.
pub fn rerun_self(test_name: &str, envs: &[(&str, &str)]) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([test_name, "--exact", "--nocapture", "--test-threads=1"]);
    for (k, v) in envs {
        c.env(k, v);
    }
    c
}

pub fn stdout_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A small, seedable generator (xorshift64*): tests print the seed so a failure replays.
pub struct Rng(pub u64);

impl Rng {
    pub fn from_time() -> Self {
        let seed = std::env::var("TWEESTAP_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("seed: TWEESTAP_TEST_SEED={seed}");
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
