//! The OS keyring slot against a real Secret Service, and the path without one.
//!
//! `real_keyring_*` run only when `TWEESTAP_REAL_KEYRING=1`, which `scripts/with-keyring` sets
//! after starting gnome-keyring on a private D-Bus session:
//!
//!     scripts/with-keyring cargo test -p tweestap-core --test vault keyring::
//!
//! With the variable set they must pass: an unusable keyring is a failure, not a skip.

use std::process::{Command, Stdio};
use std::sync::Arc;

use crate::vault_support::*;
use tweestap_core::ErrorKind;
use tweestap_core::vault::{
    CreateOptions, KEYRING_SERVICE, KeyringBackend, MemoryKeyring, Unlock, VaultStore,
};

fn real_keyring_requested() -> bool {
    if std::env::var("TWEESTAP_REAL_KEYRING").as_deref() == Ok("1") {
        return true;
    }
    eprintln!(
        "SKIPPED real keyring test: run under scripts/with-keyring (sets TWEESTAP_REAL_KEYRING=1)"
    );
    false
}

/// `secret-tool lookup service tweestap username USER`: what the Secret Service really holds.
fn secret_tool_lookup(user: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", KEYRING_SERVICE, "username", user])
        .output()
        .expect("secret-tool (libsecret-tools) must be installed for the keyring tests");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
        .filter(|s| !s.is_empty())
}

fn secret_tool_clear(user: &str) {
    let ok = Command::new("secret-tool")
        .args(["clear", "service", KEYRING_SERVICE, "username", user])
        .status()
        .unwrap()
        .success();
    assert!(ok, "secret-tool clear failed");
}

#[test]
fn real_keyring_holds_the_key_outside_this_process() {
    if !real_keyring_requested() {
        return;
    }
    let dir = TempDir::new("realkeyring");
    // The production default: the OS keyring.
    let store = VaultStore::new(dir.vault());
    let mut v = store
        .create(CreateOptions::default())
        .expect("creating a vault in the real Secret Service");
    v.add(totp("BLk", "jan", b"12345678901234567890")).unwrap();
    let user = format!("vault-{}", store.info().unwrap().vault_id);

    // Another program sees the entry: this is the Secret Service, not an in-process mock.
    let stored = secret_tool_lookup(&user).expect("secret-tool does not see the vault key");
    assert_eq!(stored.len(), 64, "a 256-bit key in hex");
    assert!(stored.bytes().all(|b| b.is_ascii_hexdigit()));
    // And it is the vault's key: it opens the vault from a keyring that only has that value.
    let copy = Arc::new(MemoryKeyring::new());
    copy.set(KEYRING_SERVICE, &user, &stored).unwrap();
    let opened = memory_store(&dir.vault(), &copy)
        .unlock(Unlock::Keyring)
        .unwrap();
    assert_eq!(opened.list().len(), 1);

    // A fresh store (as a new process would have) unlocks through the Secret Service.
    let again = VaultStore::new(dir.vault())
        .unlock(Unlock::Keyring)
        .unwrap();
    assert_eq!(again.list()[0].issuer, "BLk");

    // Entry removed behind Tweestap's back: the specific, actionable error.
    secret_tool_clear(&user);
    let e = VaultStore::new(dir.vault())
        .unlock(Unlock::Keyring)
        .unwrap_err();
    assert_eq!(e.kind(), "keyring_missing", "{e}");
    assert!(e.to_string().contains("not in your keyring"));
}

#[test]
fn real_keyring_slot_management() {
    if !real_keyring_requested() {
        return;
    }
    let dir = TempDir::new("realslots");
    let store = VaultStore::new(dir.vault());
    let mut v = store.create(options(true, Some(PASSWORD))).unwrap();
    let user = format!("vault-{}", store.info().unwrap().vault_id);
    assert!(secret_tool_lookup(&user).is_some());

    // Removing the keyring slot deletes the key from the Secret Service.
    assert!(v.remove_keyring_slot().unwrap());
    assert_eq!(secret_tool_lookup(&user), None);
    assert_eq!(
        store.unlock(Unlock::Keyring).unwrap_err().kind(),
        "password_required"
    );

    // New machine: unlock with the password, put the key (back) in the keyring.
    let mut v = store.unlock(Unlock::Password(PASSWORD)).unwrap();
    v.add_keyring_slot().unwrap();
    assert!(secret_tool_lookup(&user).is_some());
    store.unlock(Unlock::Keyring).unwrap();

    // Clean up what this test put in the keyring.
    v.remove_keyring_slot().unwrap();
}

const CHILD_VAR: &str = "TWEESTAP_TEST_NO_SECRET_SERVICE";

/// Runs in a child process with no session bus at all.
#[test]
fn child_without_secret_service() {
    let Ok(path) = std::env::var(CHILD_VAR) else {
        return;
    };
    let dir = std::path::PathBuf::from(path);
    // Creating with the keyring: a clear error, and nothing written.
    let fresh = VaultStore::new(dir.join("fresh.tweestap"));
    let e = fresh.create(CreateOptions::default()).unwrap_err();
    assert_eq!(e.kind(), "keyring_unavailable", "{e}");
    assert!(e.to_string().contains("password"), "{e}");
    assert!(!fresh.exists());
    // The password route works.
    let mut v = fresh.create(options(false, Some(PASSWORD))).unwrap();
    v.add(totp("A", "a", b"aaaaaaaaaa")).unwrap();
    assert_eq!(
        fresh
            .unlock(Unlock::Password(PASSWORD))
            .unwrap()
            .list()
            .len(),
        1
    );
    // A vault made elsewhere with both slots: the keyring slot is unavailable, the password
    // opens it, and adding a keyring slot says why it cannot.
    let both = VaultStore::new(dir.join("both.tweestap"));
    let e = both.unlock(Unlock::Keyring).unwrap_err();
    assert_eq!(e.kind(), "keyring_unavailable", "{e}");
    let mut v = both.unlock(Unlock::Password(PASSWORD)).unwrap();
    assert_eq!(
        v.add_keyring_slot().unwrap_err().kind(),
        "keyring_unavailable"
    );
    println!("CHILD OK");
}

#[test]
fn without_secret_service_the_error_is_clear_and_the_password_route_works() {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        eprintln!("SKIPPED: the Secret Service is the keyring only on Linux and the BSDs");
        return;
    }
    let dir = TempDir::new("nosecretservice");
    let run = TempDir::new("norun");
    let keyring = Arc::new(MemoryKeyring::new());
    memory_store(&dir.0.join("both.tweestap"), &keyring)
        .create(options(true, Some(PASSWORD)))
        .unwrap();
    let out = rerun_self(
        "keyring::child_without_secret_service",
        &[
            (CHILD_VAR, dir.0.to_str().unwrap()),
            // An empty runtime folder: no `bus` socket to fall back on.
            ("XDG_RUNTIME_DIR", run.0.to_str().unwrap()),
        ],
    )
    .env_remove("DBUS_SESSION_BUS_ADDRESS")
    .env_remove("DISPLAY")
    .stdin(Stdio::null())
    .output()
    .unwrap();
    let stdout = stdout_of(&out);
    assert!(
        out.status.success() && stdout.contains("CHILD OK"),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
