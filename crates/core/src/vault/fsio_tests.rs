use super::*;

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tweestap-fsio-{}-{}",
        std::process::id(),
        super::super::format::random_id()
    ));
    fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn replace_keeps_previous_generation_as_backup() {
    let d = tempdir();
    let v = d.join("vault.tweestap");
    let _l = lock(&v, Duration::from_secs(1)).unwrap();
    replace(&v, b"one", Previous::None).unwrap();
    assert!(!backup_path(&v).exists());
    replace(&v, b"two", Previous::KeepAsBackup).unwrap();
    replace(&v, b"three", Previous::KeepAsBackup).unwrap();
    assert_eq!(fs::read(&v).unwrap(), b"three");
    assert_eq!(fs::read(backup_path(&v)).unwrap(), b"two");
    assert!(!sibling(&v, ".tmp").exists());
    assert!(!sibling(&v, ".bak.tmp").exists());
    // Creating over an existing vault is refused and changes nothing.
    let e = replace(&v, b"new", Previous::None).unwrap_err();
    assert!(matches!(e, VaultError::VaultExists { .. }));
    assert_eq!(fs::read(&v).unwrap(), b"three");
    fs::remove_dir_all(d).unwrap();
}

#[test]
fn second_lock_times_out_as_busy() {
    let d = tempdir();
    let v = d.join("vault.tweestap");
    let held = lock(&v, Duration::from_secs(1)).unwrap();
    let t = Instant::now();
    let e = lock(&v, Duration::from_millis(200)).unwrap_err();
    assert!(matches!(e, VaultError::VaultBusy { .. }), "{e:?}");
    assert!(t.elapsed() >= Duration::from_millis(200));
    drop(held);
    lock(&v, Duration::from_millis(200)).unwrap();
    fs::remove_dir_all(d).unwrap();
}

#[test]
fn stamps_sort_and_round_trip() {
    assert_eq!(format_stamp(0), "19700101T000000.000Z");
    assert_eq!(format_stamp(1_700_000_000_123), "20231114T221320.123Z");
    assert_eq!(format_stamp(951_782_400_000), "20000229T000000.000Z");
    for ms in [0, 1, 951_782_400_000, 1_700_000_000_123, 4_102_444_800_999] {
        assert_eq!(parse_stamp(&format_stamp(ms)), Some(ms));
    }
    assert!(format_stamp(1_699_999_999_999) < format_stamp(1_700_000_000_000));
    for bad in [
        "",
        "20231114T221320.123",
        "2023111xT221320.123Z",
        "20231314T221320.123Z",
    ] {
        assert_eq!(parse_stamp(bad), None, "{bad}");
    }
}

#[test]
fn auto_backups_keep_the_newest() {
    let d = tempdir();
    let v = d.join("vault.tweestap");
    fs::write(d.join("notes.txt"), b"mine").unwrap();
    for n in 0..13u8 {
        keep_auto_backup(&v, &[n], None, 10, 1_700_000_000_000 + u64::from(n)).unwrap();
    }
    let kept = list_auto_backups(&v);
    assert_eq!(kept.len(), 10);
    let contents: Vec<u8> = kept.iter().map(|p| fs::read(p).unwrap()[0]).collect();
    assert_eq!(contents, (3..13).collect::<Vec<u8>>());
    // Other files in the folder are never touched.
    fs::write(auto_backup_dir(&v).join("vault.tweestap.keep-me"), b"x").unwrap();
    keep_auto_backup(&v, &[13], None, 10, 1_700_000_000_100).unwrap();
    assert!(auto_backup_dir(&v).join("vault.tweestap.keep-me").exists());
    assert!(!auto_backup_dir(&v).join(".vault.tweestap.tmp").exists());
    fs::remove_dir_all(d).unwrap();
}

#[test]
fn restores_in_the_same_second_keep_every_replaced_file() {
    let d = tempdir();
    let v = d.join("vault.tweestap");
    fs::write(&v, b"first").unwrap();
    let a = restore(&v, b"second", 1_700_000_000).unwrap().unwrap();
    let b = restore(&v, b"third", 1_700_000_000).unwrap().unwrap();
    assert_ne!(a, b);
    assert_eq!(fs::read(&a).unwrap(), b"first");
    assert_eq!(fs::read(&b).unwrap(), b"second");
    assert_eq!(fs::read(&v).unwrap(), b"third");
    fs::remove_dir_all(d).unwrap();
}

#[test]
fn a_generation_with_an_old_key_outlives_the_rotation_for_30_days() {
    let d = tempdir();
    let v = d.join("vault.tweestap");
    let t0 = 1_700_000_000_000u64;
    keep_auto_backup(&v, b"new", Some(b"held the old key"), 10, t0).unwrap();
    for n in 0..50u64 {
        keep_auto_backup(&v, &[n as u8], None, 10, t0 + 1000 * (n + 1)).unwrap();
    }
    let all = auto_backups_of(&v);
    assert_eq!(all.len(), 11, "{all:?}");
    assert!(all[0].holds_old_key);
    assert_eq!(fs::read(&all[0].path).unwrap(), b"held the old key");
    assert!(all[1..].iter().all(|b| !b.holds_old_key));
    // 30 days on, the next save lets it go.
    keep_auto_backup(&v, b"later", None, 10, t0 + OLD_KEY_KEPT_MS + 1).unwrap();
    assert!(auto_backups_of(&v).iter().all(|b| !b.holds_old_key));
    fs::remove_dir_all(d).unwrap();
}

#[test]
fn old_key_generations_are_bounded_in_number() {
    let d = tempdir();
    let v = d.join("vault.tweestap");
    let t0 = 1_700_000_000_000u64;
    for n in 0..(OLD_KEY_MAX_COUNT as u64 + 5) {
        keep_auto_backup(&v, b"new", Some(&n.to_le_bytes()), 10, t0 + n).unwrap();
    }
    let old: Vec<AutoBackup> = auto_backups_of(&v)
        .into_iter()
        .filter(|b| b.holds_old_key)
        .collect();
    assert_eq!(old.len(), OLD_KEY_MAX_COUNT);
    // The newest are the ones kept.
    let last = fs::read(&old.last().unwrap().path).unwrap();
    assert_eq!(last, (OLD_KEY_MAX_COUNT as u64 + 4).to_le_bytes());
    fs::remove_dir_all(d).unwrap();
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempdir();
    let v = d.join("vault.tweestap");
    let _l = lock(&v, Duration::from_secs(1)).unwrap();
    replace(&v, b"x", Previous::None).unwrap();
    let mode = fs::metadata(&v).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    fs::remove_dir_all(d).unwrap();
}
