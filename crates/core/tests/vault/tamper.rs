//! A damaged or tampered vault is refused with `integrity_error`, never half-read, never
//! "repaired", and neither it nor its backup is changed.

use std::fs;
use std::sync::Arc;

use crate::vault_support::*;
use tweestap_core::ErrorKind;
use tweestap_core::vault::{CreateOptions, KeyringBackend, MemoryKeyring, Unlock, VaultError};

fn assert_integrity(result: Result<impl Sized, VaultError>, what: &str) {
    match result {
        Ok(_) => panic!("{what}: a damaged vault was accepted"),
        Err(e) => assert_eq!(e.kind(), "integrity_error", "{what}: {e}"),
    }
}

/// Where the ciphertext starts: after the 46-byte prefix and the JSON header.
fn header_end(bytes: &[u8]) -> usize {
    46 + u32::from_le_bytes(bytes[10..14].try_into().unwrap()) as usize
}

#[test]
fn every_flipped_bit_pattern_is_an_integrity_error_and_changes_nothing() {
    let dir = TempDir::new("tamper");
    let keyring = Arc::new(MemoryKeyring::new());
    let store = memory_store(&dir.vault(), &keyring);
    let mut v = store.create(options(true, Some(PASSWORD))).unwrap();
    v.add(totp("BLk", "jan@example.nl", b"12345678901234567890"))
        .unwrap();
    v.add(totp("Other", "piet", b"abcdefghijabcdefghij"))
        .unwrap();
    let good = fs::read(dir.vault()).unwrap();
    let backup = fs::read(store.backup_path()).unwrap();
    eprintln!("vault of {} bytes", good.len());

    for i in 0..good.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[i] ^= mask;
            fs::write(dir.vault(), &bad).unwrap();
            let what = format!("byte {i} ^ {mask:#04x}");
            assert_integrity(store.unlock(Unlock::Keyring), &what);
            assert_integrity(store.unlock(Unlock::Password(PASSWORD)), &what);
            if i < header_end(&good) {
                // Without a key only the prefix and header can be checked.
                assert_integrity(store.info(), &what);
            }
            // A handle opened before the damage refuses to write over it.
            assert_integrity(v.add(totp("New", "x", b"xxxxxxxxxx")), &what);
            assert_integrity(v.refresh(), &what);
            assert_eq!(fs::read(dir.vault()).unwrap(), bad, "{what}: file changed");
            assert_eq!(
                fs::read(store.backup_path()).unwrap(),
                backup,
                "{what}: backup changed"
            );
        }
    }

    // Truncated at every length, and with bytes appended.
    for len in 0..good.len() {
        fs::write(dir.vault(), &good[..len]).unwrap();
        assert_integrity(
            store.unlock(Unlock::Keyring),
            &format!("truncated to {len}"),
        );
    }
    let mut longer = good.clone();
    longer.extend_from_slice(b"trailing");
    fs::write(dir.vault(), &longer).unwrap();
    assert_integrity(store.unlock(Unlock::Keyring), "appended bytes");

    // The error offers the backup, and the backup opens.
    let e = store.unlock(Unlock::Keyring).unwrap_err();
    assert!(
        e.to_string()
            .contains(&store.backup_path().display().to_string()),
        "{e}"
    );
    let from_backup = memory_store(&store.backup_path(), &keyring)
        .unlock(Unlock::Keyring)
        .unwrap();
    assert_eq!(from_backup.list().len(), 1);

    // Restoring the good bytes makes everything work again.
    fs::write(dir.vault(), &good).unwrap();
    assert_eq!(store.unlock(Unlock::Keyring).unwrap().list().len(), 2);
}

#[test]
fn a_slot_moved_between_vaults_does_not_open_the_other() {
    // Header tampering with a recomputed checksum (deliberate, not accidental) still cannot
    // open or alter anything: the header is associated data of the content.
    let dir = TempDir::new("swap");
    let keyring = Arc::new(MemoryKeyring::new());
    let a = memory_store(&dir.0.join("a.tweestap"), &keyring);
    let b = memory_store(&dir.0.join("b.tweestap"), &keyring);
    a.create(CreateOptions::default()).unwrap();
    b.create(CreateOptions::default()).unwrap();
    let a_bytes = fs::read(a.path()).unwrap();
    let b_bytes = fs::read(b.path()).unwrap();
    // Same layout, different keys: b's header with a's ciphertext.
    let mut mixed = b_bytes[..header_end(&b_bytes)].to_vec();
    mixed.extend_from_slice(&a_bytes[header_end(&a_bytes)..]);
    fs::write(b.path(), &mixed).unwrap();
    assert_integrity(b.unlock(Unlock::Keyring), "header of b, content of a");
}

#[test]
fn a_damaged_vault_is_restored_from_its_backup_and_kept_aside() {
    let dir = TempDir::new("restore");
    let keyring = Arc::new(MemoryKeyring::new());
    let store = memory_store(&dir.vault(), &keyring);
    let mut v = store.create(CreateOptions::default()).unwrap();
    v.add(totp("A", "a", b"aaaaaaaaaa")).unwrap();
    v.add(totp("B", "b", b"bbbbbbbbbb")).unwrap();
    let mut damaged = fs::read(dir.vault()).unwrap();
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    fs::write(dir.vault(), &damaged).unwrap();
    assert_integrity(store.unlock(Unlock::Keyring), "damaged");

    let kept = store.restore_backup().unwrap().expect("damaged file kept");
    assert_eq!(
        fs::read(&kept).unwrap(),
        damaged,
        "the damaged file is kept as it was"
    );
    let v = store.unlock(Unlock::Keyring).unwrap();
    assert_eq!(v.list().len(), 1, "the previous generation");
    assert!(store.backup_path().exists(), "the backup itself stays");

    // A damaged backup is refused, and nothing changes.
    let before = fs::read(dir.vault()).unwrap();
    let mut bad_backup = fs::read(store.backup_path()).unwrap();
    bad_backup[20] ^= 1;
    fs::write(store.backup_path(), &bad_backup).unwrap();
    assert_integrity(store.restore_backup(), "damaged backup");
    assert_eq!(fs::read(dir.vault()).unwrap(), before);

    fs::remove_file(store.backup_path()).unwrap();
    assert_eq!(
        store.restore_backup().unwrap_err().kind(),
        "vault_not_found"
    );
}

/// The keyring entry is looked up before the file is authenticated, so a file must not be
/// able to name it (issue 17): a header whose keyring slot points at another program's entry
/// (checksum recomputed, as an attacker would) is refused, and that entry is never read.
#[test]
fn a_header_cannot_point_at_another_programs_keyring_entry() {
    use sha2::{Digest, Sha256};
    let dir = TempDir::new("keyring-slot");
    let keyring = Arc::new(MemoryKeyring::new());
    let store = memory_store(&dir.vault(), &keyring);
    store.create(CreateOptions::default()).unwrap();
    keyring
        .set("org.example.mail", "bob", "the other program's secret")
        .unwrap();
    let good = fs::read(store.path()).unwrap();
    let end = header_end(&good);
    let header = std::str::from_utf8(&good[46..end]).unwrap();
    let vault_id = serde_json::from_str::<serde_json::Value>(header).unwrap()["vault_id"]
        .as_str()
        .unwrap()
        .to_string();
    for (service, user) in [
        ("org.example.mail", "bob"),
        ("tweestap", "bob"),
        ("org.example.mail", &*format!("vault-{vault_id}")),
    ] {
        let forged = header.replace(
            &format!(r#""service":"tweestap","user":"vault-{vault_id}""#),
            &format!(r#""service":"{service}","user":"{user}""#),
        );
        assert_ne!(forged, header, "the slot was found in {header}");
        let mut bytes = good[..10].to_vec();
        bytes.extend_from_slice(&(forged.len() as u32).to_le_bytes());
        let sum: [u8; 32] = Sha256::new()
            .chain_update(&bytes)
            .chain_update(forged.as_bytes())
            .finalize()
            .into();
        bytes.extend_from_slice(&sum);
        bytes.extend_from_slice(forged.as_bytes());
        bytes.extend_from_slice(&good[end..]);
        fs::write(store.path(), &bytes).unwrap();
        let reads_before = keyring.reads();
        assert_integrity(store.unlock(Unlock::Keyring), &format!("{service}/{user}"));
        assert_eq!(
            keyring.reads(),
            reads_before,
            "{service}/{user}: the keyring was asked"
        );
    }
}
