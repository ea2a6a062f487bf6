//! Inputs the fuzz targets (`fuzz/`, docs/FUZZING.md) found to crash, hang or exhaust memory,
//! each with the typed error it gives now. Each case names its target and what happened.

use crate::vault_support::{TempDir, create_password_vault, totp};
use tweestap_core::import::{
    self, Format, GoogleExport, ImportOptions, MAX_CODES_PER_EXPORT, Source,
};
use tweestap_core::migration::{BatchInfo, encode_migration, parse_migration};
use tweestap_core::vault::KdfParams;
use tweestap_core::{Account, MigrationError, Secret};
use tweestap_core::{ErrorKind, OtpKind};

fn import_text(text: &str, format: Option<Format>) -> Result<import::ImportPreview, String> {
    import::preview(
        &[Source::new("fuzz.txt", text.as_bytes().to_vec())],
        ImportOptions {
            format,
            password: None,
        },
    )
    .map_err(|e| {
        let message = e.to_string();
        assert!(message.len() < 500, "{} byte message", message.len());
        e.kind().to_string()
    })
}

fn export_code(index: i32, size: i32) -> String {
    let account = Account::totp("Example", "bob", Secret::new(b"0123456789".to_vec()));
    let batch = BatchInfo {
        version: 1,
        batch_size: size,
        batch_index: index,
        batch_id: 42,
    };
    encode_migration(&[account], &batch).unwrap().to_string()
}

/// import_detect, after seconds: a Google export link whose header claims 1.7 billion QR
/// codes. Counting the missing ones allocated 2 GiB (16 GiB on the way to the message).
#[test]
fn export_claiming_billions_of_codes() {
    let found = "otpauth-migration://offline?data=CikKFH6fLEj6%2FfF9ikoTXgEyo%2FmgvvjAEgtFeGFtcGxlOmJvYiABKAEwAhABGAEoABi9%2B7TkAg%3D%3D";
    let batch = parse_migration(found).expect("the link itself decodes");
    assert!(batch.batch.batch_size as usize > MAX_CODES_PER_EXPORT);
    for format in [None, Some(Format::Google)] {
        assert_eq!(
            import_text(found, format).unwrap_err(),
            "invalid_protobuf",
            "{format:?}"
        );
    }
    assert_eq!(
        GoogleExport::new().add(found),
        Err(MigrationError::InvalidProtobuf)
    );
    // Mixed into a link list, it is one skipped line.
    let list = format!("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n{found}\n");
    let preview = import_text(&list, None).unwrap();
    assert_eq!(preview.accounts.len(), 1);
    assert_eq!(preview.skipped[0].reason, "invalid_protobuf");
}

/// Found by review of the same code: a code outside its export's range was stored but never
/// counted, so the export stayed incomplete however many codes were added.
#[test]
fn export_code_outside_its_range() {
    for (index, size) in [(2, 2), (-1, 3), (7, 5)] {
        assert_eq!(
            import_text(&export_code(index, size), None).unwrap_err(),
            "invalid_protobuf",
            "{index} of {size}"
        );
    }
    // The largest export accepted: the message names the first missing codes, not a thousand.
    let size = MAX_CODES_PER_EXPORT as i32;
    let error = import::preview(
        &[Source::new("one.txt", export_code(0, size).into_bytes())],
        ImportOptions::default(),
    )
    .map(|p| p.is_complete());
    assert_eq!(error.ok(), Some(false));
    let mut g = GoogleExport::new();
    g.add(&export_code(0, size)).unwrap();
    let message = g.incomplete().unwrap().to_string();
    assert!(message.contains("missing: number 2, 3,"), "{message}");
    assert!(message.contains("and 989 more"), "{message}");
    assert!(message.len() < 400, "{message}");
}

/// vault_open (its account-rules check on the backup import of a re-sealed vault): a
/// Tweestap backup's records were imported as they were, so a crafted backup (made with a
/// password its victim is told) could bring in accounts no parser accepts. They are now
/// skipped with the reason every other format gives.
#[test]
fn backup_records_held_to_the_account_rules() {
    let dir = TempDir::new("fuzz-backup-rules");
    let mut vault = create_password_vault(&dir.vault());
    let mut nine_digits = totp("A", "nine", b"0123456789");
    nine_digits.digits = 9;
    let mut no_period = totp("B", "zero", b"0123456789");
    no_period.kind = OtpKind::Totp { period: 0 };
    let no_key = totp("C", "empty", b"");
    let mut steam = totp("D", "steam", b"0123456789");
    steam.kind = OtpKind::Steam;
    steam.digits = 6;
    let good = totp("E", "good", b"0123456789");
    vault
        .add_all(vec![nine_digits, no_period, no_key, steam, good])
        .unwrap();
    let backup = vault
        .export_backup("pw", KdfParams::insecure_for_tests())
        .unwrap();
    let preview = import::preview(
        &[Source::new("crafted.tweestap", backup)],
        ImportOptions {
            format: None,
            password: Some("pw"),
        },
    )
    .unwrap();
    let names: Vec<&str> = preview
        .accounts
        .iter()
        .map(|a| a.account.account.as_str())
        .collect();
    assert_eq!(names, ["good"]);
    let skipped: Vec<(&str, &str)> = preview
        .skipped
        .iter()
        .map(|s| (s.account.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("nine", "invalid_digits"),
            ("zero", "invalid_period"),
            ("empty", "missing_secret"),
            ("steam", "invalid_digits"),
        ]
    );
}
