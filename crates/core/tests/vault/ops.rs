//! Vault operations, key slots and error kinds, with an in-memory keyring and a hand-moved
//! clock.

use std::fs;
use std::sync::Arc;

use crate::vault_support::*;
use tweestap_core::vault::{
    AddOutcome, CreateOptions, DELETED_RETENTION_SECS, KdfParams, MemoryKeyring, NoKeyring, Unlock,
    VaultError, VaultStore,
};
use tweestap_core::{ErrorKind, OtpKind};

const T0: u64 = 1_750_000_000;

fn keyring_vault(dir: &TempDir) -> (VaultStore, Arc<MemoryKeyring>) {
    let keyring = Arc::new(MemoryKeyring::new());
    let store = memory_store(&dir.vault(), &keyring).with_clock(TestClock::at(T0));
    store.create(CreateOptions::default()).unwrap();
    (store, keyring)
}

/// A keyring vault with a clock the test moves.
fn clocked_vault(dir: &TempDir) -> (VaultStore, Arc<MemoryKeyring>, Arc<TestClock>) {
    let keyring = Arc::new(MemoryKeyring::new());
    let clock = TestClock::at(T0);
    let store = memory_store(&dir.vault(), &keyring).with_clock(clock.clone());
    store.create(CreateOptions::default()).unwrap();
    (store, keyring, clock)
}

fn kind(e: VaultError) -> &'static str {
    e.kind().as_str()
}

#[test]
fn accounts_persist_across_unlocks() {
    let dir = TempDir::new("persist");
    let (store, _) = keyring_vault(&dir);
    let mut v = store.unlock(Unlock::Keyring).unwrap();
    let id = v
        .add(totp("BLk", "jan@example.nl", b"12345678901234567890"))
        .unwrap();
    let AddOutcome::Added { id } = id else {
        panic!("expected Added")
    };
    v.lock();

    let v = store.unlock(Unlock::Keyring).unwrap();
    let list = v.list();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, id);
    assert_eq!(list[0].issuer, "BLk");
    assert_eq!(list[0].otp_type, "totp");
    assert_eq!(list[0].period, Some(30));
    assert_eq!(list[0].created, T0 as i64);
    let account = v.account(&id).unwrap();
    assert_eq!(account.secret.expose(), b"12345678901234567890");
}

#[test]
fn same_login_is_reported_then_replaced_in_place() {
    let dir = TempDir::new("replace");
    let (store, _) = keyring_vault(&dir);
    let mut v = store.unlock(Unlock::Keyring).unwrap();
    let first = v.add(totp("BLk", "jan", b"old-secret-bytes")).unwrap();
    let other = v.add(totp("Other", "jan", b"x-secret-bytes")).unwrap();
    v.set_favourite(first.id(), true).unwrap();
    v.set_group(first.id(), Some("werk")).unwrap();

    let again = v.add(totp("BLk", "jan", b"old-secret-bytes")).unwrap();
    assert_eq!(
        again,
        AddOutcome::Exists {
            id: first.id().into(),
            same_secret: true
        }
    );
    let reset = v.add(totp("BLk", "jan", b"new-secret-bytes")).unwrap();
    assert_eq!(
        reset,
        AddOutcome::Exists {
            id: first.id().into(),
            same_secret: false
        }
    );
    assert_eq!(v.list().len(), 2, "no twin was added");

    v.replace(first.id(), totp("BLk", "jan", b"new-secret-bytes"))
        .unwrap();
    let v = store.unlock(Unlock::Keyring).unwrap();
    let list = v.list();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, first.id(), "kept its place");
    assert!(list[0].favourite && list[0].group.as_deref() == Some("werk"));
    assert_eq!(
        v.account(first.id()).unwrap().secret.expose(),
        b"new-secret-bytes"
    );
    assert_eq!(list[1].id, other.id());
}

#[test]
fn rename_reorder_and_find() {
    let dir = TempDir::new("reorder");
    let (store, _) = keyring_vault(&dir);
    let mut v = store.unlock(Unlock::Keyring).unwrap();
    let ids: Vec<String> = ["A", "B", "C"]
        .iter()
        .map(|n| v.add(totp(n, "me", n.as_bytes())).unwrap().id().to_string())
        .collect();
    v.reorder(&[&ids[2], &ids[0]]).unwrap();
    let order: Vec<String> = v.list().into_iter().map(|s| s.issuer).collect();
    assert_eq!(order, ["C", "A", "B"]);
    assert_eq!(kind(v.reorder(&["nope"]).unwrap_err()), "not_found");

    v.rename(&ids[1], "Bee", "you").unwrap();
    let found = v.find("bee (you)");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, ids[1]);
    assert_eq!(v.find("bee:you")[0].id, ids[1]);
    assert_eq!(v.find(&ids[0][..6])[0].id, ids[0]);
    assert_eq!(v.find("me").len(), 2, "ambiguous name gives every match");
    assert!(v.find("zzz").is_empty());
}

#[test]
fn delete_restore_and_purge_after_thirty_days() {
    let dir = TempDir::new("delete");
    let (store, _, clock) = clocked_vault(&dir);
    let mut v = store.unlock(Unlock::Keyring).unwrap();
    let a = v.add(totp("A", "a", b"aaaaaaaaaa")).unwrap();
    let b = v.add(totp("B", "b", b"bbbbbbbbbb")).unwrap();

    v.delete(a.id()).unwrap();
    assert_eq!(v.list().len(), 1);
    let deleted = v.list_deleted();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].deleted_at, Some(T0 as i64));
    assert_eq!(
        deleted[0].purge_at(),
        Some(T0 as i64 + DELETED_RETENTION_SECS)
    );
    assert_eq!(kind(v.account(a.id()).unwrap_err()), "not_found");
    assert_eq!(kind(v.delete(a.id()).unwrap_err()), "not_found");

    clock.advance(29 * 86_400);
    v.restore(a.id()).unwrap();
    assert_eq!(v.list().len(), 2);

    v.delete(a.id()).unwrap();
    v.delete(b.id()).unwrap();
    clock.advance(30 * 86_400 - 1);
    assert_eq!(
        v.list_deleted().len(),
        2,
        "still recoverable one second before"
    );
    clock.advance(1);
    assert!(v.list_deleted().is_empty(), "expired ones are not offered");
    assert_eq!(kind(v.restore(a.id()).unwrap_err()), "not_found");
    assert_eq!(v.purge_expired().unwrap(), 2);
    assert_eq!(v.purge_expired().unwrap(), 0);
    let bytes_before = fs::read(dir.vault()).unwrap();
    let v = store.unlock(Unlock::Keyring).unwrap();
    assert!(v.list().is_empty() && v.list_deleted().is_empty());
    assert_eq!(fs::read(dir.vault()).unwrap(), bytes_before);
}

#[test]
fn every_write_purges_expired_deletions() {
    let dir = TempDir::new("autopurge");
    let (store, keyring, clock) = clocked_vault(&dir);
    let mut v = store.unlock(Unlock::Keyring).unwrap();
    let a = v.add(totp("A", "a", b"aaaaaaaaaa")).unwrap();
    v.delete(a.id()).unwrap();
    clock.advance(DELETED_RETENTION_SECS as u64);
    v.add(totp("B", "b", b"bbbbbbbbbb")).unwrap();
    // Even a backdated clock cannot bring it back: it is gone from the file.
    let store2 = memory_store(&dir.vault(), &keyring).with_clock(TestClock::at(T0));
    let mut v2 = store2.unlock(Unlock::Keyring).unwrap();
    assert!(v2.list_deleted().is_empty());
    assert_eq!(kind(v2.restore(a.id()).unwrap_err()), "not_found");
}

#[test]
fn hotp_counter_advances_once_per_code() {
    let dir = TempDir::new("hotp");
    let (store, _) = keyring_vault(&dir);
    let mut v = store.unlock(Unlock::Keyring).unwrap();
    let mut acc = totp("H", "h", b"hhhhhhhhhh");
    acc.kind = OtpKind::Hotp { counter: 7 };
    let id = v.add(acc).unwrap().id().to_string();
    assert_eq!(
        v.advance_hotp_counter(&id).unwrap().kind,
        OtpKind::Hotp { counter: 7 }
    );
    assert_eq!(
        v.advance_hotp_counter(&id).unwrap().kind,
        OtpKind::Hotp { counter: 8 }
    );
    let v = store.unlock(Unlock::Keyring).unwrap();
    assert_eq!(v.account(&id).unwrap().kind, OtpKind::Hotp { counter: 9 });
    assert_eq!(v.summary(&id).unwrap().period, None);
}

#[test]
fn add_all_is_one_write_and_dedupes() {
    let dir = TempDir::new("addall");
    let (store, keyring) = keyring_vault(&dir);
    let mut v = store.unlock(Unlock::Keyring).unwrap();
    let out = v
        .add_all(vec![
            totp("A", "a", b"1111111111"),
            totp("B", "b", b"2222222222"),
            totp("A", "a", b"3333333333"),
        ])
        .unwrap();
    assert!(matches!(out[0], AddOutcome::Added { .. }));
    assert!(matches!(out[1], AddOutcome::Added { .. }));
    assert_eq!(
        out[2],
        AddOutcome::Exists {
            id: out[0].id().into(),
            same_secret: false
        }
    );
    // One write: the backup is the empty vault from before the import.
    let backup = memory_store(&store.backup_path(), &keyring)
        .unlock(Unlock::Keyring)
        .unwrap();
    assert!(backup.list().is_empty());
}

#[test]
fn two_handles_do_not_lose_each_others_changes() {
    let dir = TempDir::new("handles");
    let (store, _) = keyring_vault(&dir);
    let mut app = store.unlock(Unlock::Keyring).unwrap();
    let mut cli = store.unlock(Unlock::Keyring).unwrap();
    app.add(totp("App", "x", b"aaaaaaaaaa")).unwrap();
    cli.add(totp("Cli", "x", b"bbbbbbbbbb")).unwrap();
    assert_eq!(
        cli.list().len(),
        2,
        "the CLI's write re-read the app's change"
    );
    assert_eq!(app.list().len(), 1, "the app's copy is stale until refresh");
    app.refresh().unwrap();
    assert_eq!(app.list().len(), 2);
}

#[test]
fn create_refuses_without_any_key_and_over_existing_files() {
    let dir = TempDir::new("create");
    let store = password_store(&dir.vault());
    let e = store.create(options(false, None)).unwrap_err();
    assert_eq!(e.kind(), "password_required");
    let e = store.create(options(false, Some(""))).unwrap_err();
    assert_eq!(e.kind(), "password_required");
    assert!(!dir.vault().exists());

    // The keyring route with no keyring: a clear error, nothing on disk.
    let e = store.create(CreateOptions::default()).unwrap_err();
    assert_eq!(e.kind(), "keyring_unavailable");
    assert!(!dir.vault().exists());

    create_password_vault(&dir.vault());
    let e = password_store(&dir.vault())
        .create(options(false, Some(PASSWORD)))
        .unwrap_err();
    assert_eq!(e.kind(), "vault_exists");

    // An earlier vault's backup is not silently rotated away by a new vault.
    let mut v = open_with_password(&dir.vault());
    v.add(totp("A", "a", b"aaaaaaaaaa")).unwrap();
    fs::remove_file(dir.vault()).unwrap();
    let e = password_store(&dir.vault())
        .create(options(false, Some(PASSWORD)))
        .unwrap_err();
    assert_eq!(e.kind(), "vault_exists");
    assert!(e.to_string().contains(".bak"), "{e}");
}

#[test]
fn unlock_errors_are_specific() {
    let dir = TempDir::new("unlock");
    let missing = password_store(&dir.vault());
    assert_eq!(
        missing.unlock(Unlock::Keyring).unwrap_err().kind(),
        "vault_not_found"
    );

    let keyring = Arc::new(MemoryKeyring::new());
    let store = memory_store(&dir.vault(), &keyring);
    store.create(CreateOptions::default()).unwrap();
    assert_eq!(
        store.unlock(Unlock::Password("x")).unwrap_err().kind(),
        "keyring_required",
        "no password slot"
    );
    keyring.clear();
    let e = store.unlock(Unlock::Keyring).unwrap_err();
    assert_eq!(e.kind(), "keyring_missing");
    assert!(
        e.to_string()
            .contains("unlock with your password or restore a backup")
    );
    assert!(!e.is_bad_input());

    let e = password_store(&dir.vault())
        .unlock(Unlock::Keyring)
        .unwrap_err();
    assert_eq!(e.kind(), "keyring_unavailable");

    let dir2 = TempDir::new("unlock2");
    create_password_vault(&dir2.vault());
    let store2 = password_store(&dir2.vault());
    let e = store2.unlock(Unlock::Password("wrong")).unwrap_err();
    assert_eq!(e.kind(), "wrong_password");
    assert!(e.is_bad_input());
    assert_eq!(
        store2.unlock(Unlock::Keyring).unwrap_err().kind(),
        "password_required",
        "no keyring slot"
    );
}

#[test]
fn new_machine_flow_password_then_keyring() {
    let dir = TempDir::new("slots");
    let old_machine = Arc::new(MemoryKeyring::new());
    let store = memory_store(&dir.vault(), &old_machine);
    let mut v = store.create(options(true, Some(PASSWORD))).unwrap();
    v.add(totp("A", "a", b"aaaaaaaaaa")).unwrap();
    let info = store.info().unwrap();
    assert!(info.has_keyring_slot && info.has_password_slot);

    // The file travels to a new machine whose keyring does not have the key.
    let new_machine = Arc::new(MemoryKeyring::new());
    let store = memory_store(&dir.vault(), &new_machine);
    assert_eq!(
        store.unlock(Unlock::Keyring).unwrap_err().kind(),
        "keyring_missing"
    );
    let mut v = store.unlock(Unlock::Password(PASSWORD)).unwrap();
    v.add_keyring_slot().unwrap();
    assert_eq!(new_machine.len(), 1);
    let mut v2 = store.unlock(Unlock::Keyring).unwrap();
    assert_eq!(v2.list().len(), 1);

    // Change the password: the old one stops working, the new one works.
    v2.set_password("new password", KdfParams::insecure_for_tests())
        .unwrap();
    assert_eq!(
        store.unlock(Unlock::Password(PASSWORD)).unwrap_err().kind(),
        "wrong_password"
    );
    store.unlock(Unlock::Password("new password")).unwrap();
    assert_eq!(
        v2.set_password("", KdfParams::insecure_for_tests())
            .unwrap_err()
            .kind(),
        "password_required"
    );

    // Remove the password (the keyring key remains), then the keyring slot is the last key.
    v2.remove_password().unwrap();
    assert!(!store.info().unwrap().has_password_slot);
    assert_eq!(
        v2.remove_keyring_slot().unwrap_err().kind(),
        "password_required"
    );

    // Put a password back, remove the keyring slot: the entry leaves the keyring.
    v2.set_password(PASSWORD, KdfParams::insecure_for_tests())
        .unwrap();
    assert!(v2.remove_keyring_slot().unwrap());
    assert!(new_machine.is_empty());
    assert_eq!(v2.remove_password().unwrap_err().kind(), "keyring_required");
    let info = store.info().unwrap();
    assert!(!info.has_keyring_slot && info.has_password_slot);
    assert_eq!(
        store.unlock(Unlock::Keyring).unwrap_err().kind(),
        "password_required"
    );
    assert_eq!(
        store
            .unlock(Unlock::Password(PASSWORD))
            .unwrap()
            .list()
            .len(),
        1
    );
}

#[test]
fn several_vaults_coexist_in_one_keyring() {
    let dir = TempDir::new("coexist");
    let keyring = Arc::new(MemoryKeyring::new());
    let a = memory_store(&dir.0.join("a.tweestap"), &keyring);
    let b = memory_store(&dir.0.join("b.tweestap"), &keyring);
    a.create(CreateOptions::default())
        .unwrap()
        .add(totp("A", "a", b"aaaaaaaaaa"))
        .unwrap();
    b.create(CreateOptions::default()).unwrap();
    assert_eq!(keyring.len(), 2);
    assert_ne!(a.info().unwrap().vault_id, b.info().unwrap().vault_id);
    assert_eq!(a.unlock(Unlock::Keyring).unwrap().list().len(), 1);
    assert_eq!(b.unlock(Unlock::Keyring).unwrap().list().len(), 0);
}

#[test]
fn a_replaced_vault_file_is_detected() {
    let dir = TempDir::new("replaced");
    let keyring = Arc::new(MemoryKeyring::new());
    let store = memory_store(&dir.vault(), &keyring);
    let mut v = store.create(CreateOptions::default()).unwrap();
    fs::remove_file(dir.vault()).unwrap();
    fs::remove_file(store.backup_path()).ok();
    store.create(CreateOptions::default()).unwrap();
    let before = fs::read(dir.vault()).unwrap();
    let e = v.add(totp("A", "a", b"aaaaaaaaaa")).unwrap_err();
    assert_eq!(e.kind(), "vault_changed");
    assert_eq!(fs::read(dir.vault()).unwrap(), before);
}

#[test]
fn backup_holds_the_previous_generation() {
    let dir = TempDir::new("backup");
    let mut v = create_password_vault(&dir.vault());
    v.add(totp("A", "a", b"aaaaaaaaaa")).unwrap();
    v.add(totp("B", "b", b"bbbbbbbbbb")).unwrap();
    let backup = password_store(&store_path_of_backup(&dir))
        .unlock(Unlock::Password(PASSWORD))
        .unwrap();
    assert_eq!(
        backup.list().len(),
        1,
        "the backup is one generation behind"
    );
}

fn store_path_of_backup(dir: &TempDir) -> std::path::PathBuf {
    password_store(&dir.vault()).backup_path()
}

#[test]
fn nothing_secret_in_debug_output_or_the_file() {
    let dir = TempDir::new("redact");
    let mut v = create_password_vault(&dir.vault());
    let secret = b"VERY-SECRET-KEY-BYTES";
    let id = v.add(totp("A", "a", secret)).unwrap().id().to_string();
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let debug = format!(
        "{v:?} {:?} {:?} {:?}",
        v.account(&id).unwrap(),
        v.list(),
        Unlock::Password(PASSWORD)
    );
    assert!(
        !debug.contains(&hex) && !debug.contains("VERY-SECRET"),
        "{debug}"
    );
    assert!(!debug.contains(PASSWORD), "{debug}");
    let json = serde_json::to_string(&v.list()).unwrap();
    assert!(!json.contains(&hex) && !json.contains("secret"), "{json}");
    let file = fs::read(dir.vault()).unwrap();
    assert!(!file.windows(hex.len()).any(|w| w == hex.as_bytes()));
    assert!(!file.windows(secret.len()).any(|w| w == secret));
}

#[test]
fn zeroize_clears_secrets() {
    use zeroize::Zeroize;
    let dir = TempDir::new("zeroize");
    let mut v = create_password_vault(&dir.vault());
    let id = v
        .add(totp("A", "a", b"0123456789"))
        .unwrap()
        .id()
        .to_string();
    let mut account = v.account(&id).unwrap();
    account.secret.zeroize();
    assert!(account.secret.is_empty(), "Secret::zeroize empties it");
    // The vault's own copy is independent of the one handed out.
    assert_eq!(v.account(&id).unwrap().secret.expose(), b"0123456789");
    // Locking consumes the handle: its key and secrets cannot be used afterwards.
    v.lock();
}

#[test]
fn no_keyring_store_never_touches_a_keyring() {
    let dir = TempDir::new("nokeyring");
    let store = VaultStore::new(dir.vault()).with_keyring(Arc::new(NoKeyring));
    let mut v = store.create(options(false, Some(PASSWORD))).unwrap();
    assert_eq!(
        v.add_keyring_slot().unwrap_err().kind(),
        "keyring_unavailable"
    );
    assert!(!store.info().unwrap().has_keyring_slot);
}

#[test]
fn kdf_parameters_a_later_open_would_refuse_are_refused_at_creation() {
    let dir = TempDir::new("kdflimits");
    let e = password_store(&dir.vault())
        .create(CreateOptions {
            keyring: false,
            password: Some(PASSWORD),
            kdf: KdfParams {
                iterations: 1000,
                ..KdfParams::insecure_for_tests()
            },
        })
        .unwrap_err();
    assert_eq!(e.kind(), "invalid_kdf_params");
    assert!(!dir.vault().exists());
}

#[test]
fn codes_come_from_the_vault_without_the_secret_leaving_it() {
    let dir = TempDir::new("codes");
    let (store, _) = keyring_vault(&dir);
    let mut v = store.unlock(Unlock::Keyring).unwrap();
    // RFC 6238 appendix B, SHA1, T = 59 s: 94287082.
    let mut rfc = totp("RFC", "6238", b"12345678901234567890");
    rfc.digits = 8;
    let id = v.add(rfc).unwrap().id().to_string();
    let code = v.code(&id, 59).unwrap();
    assert_eq!(code.code, "94287082");
    assert_eq!(code.remaining_s, Some(1));

    // RFC 4226 appendix D: counters 0 and 1 give 755224 and 287082.
    let mut hotp = totp("RFC", "4226", b"12345678901234567890");
    hotp.kind = OtpKind::Hotp { counter: 0 };
    let id = v.add(hotp).unwrap().id().to_string();
    assert_eq!(
        v.code(&id, 0).unwrap().code,
        "755224",
        "peek does not advance"
    );
    assert_eq!(v.code(&id, 0).unwrap().code, "755224");
    assert_eq!(v.next_hotp_code(&id, 0).unwrap().code, "755224");
    assert_eq!(v.next_hotp_code(&id, 0).unwrap().code, "287082");
    assert_eq!(
        store
            .unlock(Unlock::Keyring)
            .unwrap()
            .code(&id, 0)
            .unwrap()
            .code,
        "359152",
        "counter 2 was stored"
    );
}

#[test]
fn handles_can_live_in_app_state() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<tweestap_core::vault::Vault>();
    shareable::<VaultStore>();
    shareable::<VaultError>();
}

#[test]
fn add_or_replace_all_reports_every_account_and_replaces_only_when_asked() {
    use tweestap_core::vault::AddStatus;
    let dir = TempDir::new("addreplace");
    let (store, _) = keyring_vault(&dir);
    let mut v = store.unlock(Unlock::Keyring).unwrap();
    let first = v
        .add_or_replace_all(vec![totp("BLk", "jan", b"12345678901234567890")], false)
        .unwrap();
    let [(id, AddStatus::Added)] = first.as_slice() else {
        panic!("{first:?}")
    };
    let again = vec![
        totp("BLk", "jan", b"12345678901234567890"),
        totp("Bank", "piet", b"abcdefghijabcdefghij"),
    ];
    let statuses: Vec<AddStatus> = v
        .add_or_replace_all(again, false)
        .unwrap()
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(statuses, [AddStatus::Unchanged, AddStatus::Added]);
    let reset = || vec![totp("BLk", "jan", b"09876543210987654321")];
    assert_eq!(
        v.add_or_replace_all(reset(), false).unwrap()[0],
        (id.clone(), AddStatus::Conflict)
    );
    let before = v.account(id).unwrap();
    assert_eq!(
        before.secret.expose(),
        b"12345678901234567890",
        "a conflict changes nothing"
    );
    assert_eq!(
        v.add_or_replace_all(reset(), true).unwrap()[0],
        (id.clone(), AddStatus::Replaced)
    );
    assert_eq!(
        v.account(id).unwrap().secret.expose(),
        b"09876543210987654321"
    );
    assert_eq!(v.list().len(), 2);
}

#[test]
fn add_status_serializes_as_its_name() {
    use tweestap_core::vault::AddStatus;
    for status in [
        AddStatus::Added,
        AddStatus::Unchanged,
        AddStatus::Replaced,
        AddStatus::Conflict,
    ] {
        assert_eq!(
            serde_json::to_value(status).unwrap(),
            serde_json::json!(status.as_str())
        );
    }
}

/// Issue 17: a key replaced at a re-enrollment (the portal reset the person's 2FA) stays
/// restorable after 50 further saves, although only 10 rotating backups are kept; the backup
/// list says by name what each copy holds and which keys the vault no longer has.
#[test]
fn a_replaced_key_is_restorable_after_fifty_more_saves() {
    use tweestap_core::vault::BackupKind;
    let dir = TempDir::new("old-key");
    let mut vault = create_password_vault(&dir.vault());
    let old = b"the key before the portal reset";
    let id = vault.add(totp("BLk", "jan", old)).unwrap().id().to_string();
    vault
        .replace(&id, totp("BLk", "jan", b"the key after the portal reset"))
        .unwrap();
    for i in 0..50 {
        vault
            .add(totp("Other", &format!("user {i}"), b"12345678901234567890"))
            .unwrap();
    }
    let copies = vault.store().backup_copies();
    let automatic = copies
        .iter()
        .filter(|c| c.kind == BackupKind::Automatic)
        .count();
    assert_eq!(automatic, 10, "{copies:?}");
    let old_key: Vec<_> = copies
        .iter()
        .filter(|c| c.kind == BackupKind::OldKey)
        .collect();
    assert_eq!(old_key.len(), 1, "{copies:?}");
    let held = vault.backup_accounts(&old_key[0].path).unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].issuer.as_str(), held[0].key_in_vault),
        ("BLk", Some(false))
    );

    // Restoring that copy brings the old key back.
    let store = vault.store().clone();
    drop(vault);
    store.restore_from(&old_key[0].path).unwrap();
    let vault = open_with_password(&dir.vault());
    let back = vault.resolve("BLk").unwrap();
    let code = vault.code(&back.id, 59).unwrap();
    let expected = tweestap_core::otp::generate(&totp("BLk", "jan", old), 59);
    assert_eq!(code.code, expected.code);
}
