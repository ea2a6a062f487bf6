//! What a window shows for a vault that is not open (`VaultStore::status_when_closed`): the
//! setup screen, the unlock screen, the codes (opened with the keyring key on the way), or the
//! damaged screen.

use std::sync::Arc;

use crate::vault_support::*;
use tweestap_core::ErrorKind;
use tweestap_core::vault::{MemoryKeyring, VaultState};

#[test]
fn a_missing_vault_is_the_setup_screen() {
    let dir = TempDir::new("status-missing");
    let store = memory_store(&dir.vault(), &Arc::new(MemoryKeyring::new()));
    let (status, opened) = store.status_when_closed(false);
    assert_eq!(status.state, VaultState::Missing);
    assert!(opened.is_none());
}

#[test]
fn a_keyring_vault_opens_on_the_way_unless_the_person_locked_one_with_a_password() {
    let dir = TempDir::new("status-keyring");
    let keyring = Arc::new(MemoryKeyring::new());
    let store = memory_store(&dir.vault(), &keyring);
    store.create(options(true, None)).unwrap();
    let (status, opened) = store.status_when_closed(false);
    assert_eq!(status.state, VaultState::Unlocked);
    assert!(status.has_keyring_slot && !status.has_password_slot);
    assert!(opened.is_some());
    // Locked by the person, but with no password to unlock it: the keyring opens it again.
    let (status, opened) = store.status_when_closed(true);
    assert_eq!(status.state, VaultState::Unlocked);
    assert!(opened.is_some());

    let both = TempDir::new("status-both");
    let store = memory_store(&both.vault(), &keyring);
    store.create(options(true, Some(PASSWORD))).unwrap();
    assert_eq!(
        store.status_when_closed(false).0.state,
        VaultState::Unlocked
    );
    let (status, opened) = store.status_when_closed(true);
    assert_eq!(
        status.state,
        VaultState::Locked,
        "it waits for the password"
    );
    assert!(opened.is_none());
}

#[test]
fn a_password_vault_is_the_unlock_screen_and_a_damaged_one_says_why() {
    let dir = TempDir::new("status-password");
    create_password_vault(&dir.vault());
    let store = password_store(&dir.vault());
    let (status, opened) = store.status_when_closed(false);
    assert_eq!(status.state, VaultState::Locked);
    assert!(status.has_password_slot && status.problem.is_none() && opened.is_none());

    let keyring_dir = TempDir::new("status-keyring-lost");
    let keyring = Arc::new(MemoryKeyring::new());
    memory_store(&keyring_dir.vault(), &keyring)
        .create(options(true, Some(PASSWORD)))
        .unwrap();
    // This computer's keyring lost the key: the unlock screen, and why.
    let elsewhere = memory_store(&keyring_dir.vault(), &Arc::new(MemoryKeyring::new()));
    let (status, _) = elsewhere.status_when_closed(false);
    assert_eq!(status.state, VaultState::Locked);
    assert_eq!(
        status.problem.map(|e| e.kind().as_str()),
        Some("keyring_missing")
    );

    std::fs::write(dir.vault(), b"TWEESTAP not a vault").unwrap();
    let (status, _) = store.status_when_closed(false);
    assert_eq!(status.state, VaultState::Damaged);
    assert!(status.problem.is_some());
}
