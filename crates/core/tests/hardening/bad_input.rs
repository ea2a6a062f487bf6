//! Hostile and careless input, case by case: malformed links of every error category,
//! truncated and oversized inputs (a 1 MB link, a 100-megapixel PNG, deeply nested JSON, an
//! import of 100 000 accounts), invalid UTF-8, wrong passwords, every byte of a backup
//! flipped, a full disk and a read-only folder. Each gives a typed error (a stable kind and a
//! one-line message that quotes no secret) or works, within bounded time and memory, and
//! leaves the vault byte for byte as it was. (Every byte of a vault file flipped:
//! `vault/tamper.rs`; a full disk and a read-only folder for single changes:
//! `vault/fs_errors.rs`; the CLI's side: `crates/cli/tests/bad_input_cli.rs`.)

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::time::Instant;

use crate::import_support::own_fixtures_dir;
use crate::mount_support::{Mount, fill, is_root, skip};
use crate::png_support::blank_png;
use crate::support::{fixtures_dir, vectors};
use crate::vault_support::*;
use tweestap_core::import::{
    self, Format, ImportOptions, ImportPreview, Resolution, ScryptCost, Source,
};
use tweestap_core::migration::parse_migration;
use tweestap_core::qr::{self, MAX_FILE_BYTES};
use tweestap_core::uri::{MAX_LINK_LEN, parse_otpauth, parse_otpauth_any};
use tweestap_core::vault::{KdfParams, Unlock};
use tweestap_core::{ErrorKind, is_well_formed_kind, parse_link};

/// The key of most links below, which no message may quote.
const KEY: &str = "JBSWY3DPEHPK3PXP";

/// A typed error as a person meets it: a known-looking kind and one short line that quotes
/// none of `secrets`.
fn assert_clear(error: &impl ErrorKind, secrets: &[&str], what: &str) {
    let kind = error.kind();
    assert!(is_well_formed_kind(kind), "{what}: kind {kind:?}");
    let message = error.to_string();
    assert!(!message.trim().is_empty(), "{what}: empty message");
    assert!(
        !message.contains('\n'),
        "{what}: multi-line message {message:?}"
    );
    assert!(
        message.len() <= 500,
        "{what}: {} byte message",
        message.len()
    );
    for secret in secrets.iter().filter(|s| s.len() >= 8) {
        assert!(
            !message.contains(secret),
            "{what}: message quotes a secret: {message}"
        );
    }
}

fn preview(
    bytes: &[u8],
    format: Option<Format>,
    password: Option<&str>,
) -> Result<ImportPreview, import::ImportError> {
    import::preview(
        &[Source::new("input", bytes.to_vec())],
        ImportOptions { format, password },
    )
}

/// The kind of a failed preview (checked for clarity), or "ok".
fn preview_kind(bytes: &[u8], format: Option<Format>, password: Option<&str>) -> String {
    match preview(bytes, format, password) {
        Ok(_) => "ok".into(),
        Err(e) => {
            assert_clear(&e, &[KEY], &format!("{format:?}"));
            e.kind().into()
        }
    }
}

// ---------------------------------------------------------------------------------------
// Links.

/// Every category of `UriError` and `MigrationError`, through the link parser and through an
/// import, where a bad `otpauth://` line is skipped with its kind and a bad export link fails
/// a Google import.
#[test]
fn every_link_error_category() {
    let huge = format!(
        "otpauth://totp/a?secret={KEY}&issuer={}",
        "x".repeat(MAX_LINK_LEN)
    );
    let otpauth: &[(&str, &str)] = &[
        ("otpauth:/totp/a?secret=JBSWY3DPEHPK3PXP", "invalid_scheme"),
        ("http://totp/a?secret=JBSWY3DPEHPK3PXP", "invalid_scheme"),
        ("otpauth://motp/a?secret=JBSWY3DPEHPK3PXP", "invalid_type"),
        (
            "otpauth://totp/%E2%82?secret=JBSWY3DPEHPK3PXP",
            "invalid_uri",
        ),
        (
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&issuer=%zz",
            "invalid_uri",
        ),
        ("otpauth://totp/a?issuer=x", "missing_secret"),
        ("otpauth://totp/a?secret=", "missing_secret"),
        ("otpauth://totp/a?secret=JBSWY3DPEHPK3PX1", "invalid_secret"),
        ("otpauth://totp/a?secret=A", "invalid_secret"),
        (
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
            "invalid_algorithm",
        ),
        (
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=9",
            "invalid_digits",
        ),
        (
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=-6",
            "invalid_digits",
        ),
        (
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=0",
            "invalid_period",
        ),
        (
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=1e3",
            "invalid_period",
        ),
        (
            "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP",
            "missing_counter",
        ),
        (
            "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=-1",
            "invalid_counter",
        ),
        (&huge, "link_too_long"),
    ];
    let huge_export = format!(
        "otpauth-migration://offline?data={}",
        "A".repeat(MAX_LINK_LEN)
    );
    let migration: &[(&str, &str)] = &[
        ("otpauth-migration://online?data=CgA", "invalid_host"),
        ("otpauth-migration://offline?x=1", "missing_data"),
        ("otpauth-migration://offline?data=", "missing_data"),
        ("otpauth-migration://offline?data=%%", "invalid_base64"),
        ("otpauth-migration://offline?data=Cg*A", "invalid_base64"),
        ("otpauth-migration://offline?data=CgEK", "invalid_protobuf"),
        (
            "otpauth-migration://offline?data=%2F%2F%2F%2F",
            "invalid_protobuf",
        ),
        (&huge_export, "link_too_long"),
    ];
    let mut seen = BTreeSet::new();
    for (input, kind) in otpauth {
        let what = &input[..input.len().min(60)];
        let error = parse_otpauth(input).unwrap_err();
        assert_eq!(error.kind(), *kind, "{what}");
        assert_clear(&error, &[KEY], what);
        assert_eq!(parse_link(input).unwrap_err().kind(), *kind, "{what}");
        if *kind != "invalid_type" {
            assert_eq!(
                parse_otpauth_any(input).unwrap_err().kind(),
                *kind,
                "{what}"
            );
        }
        // In a list of links the line is skipped with its kind; the good line still counts.
        let list = format!("otpauth://totp/Good:one?secret={KEY}\n{input}\n");
        let p = preview(list.as_bytes(), Some(Format::Uris), None).unwrap();
        assert_eq!(p.accounts.len(), 1, "{what}");
        assert_eq!(p.skipped.len(), 1, "{what}");
        assert_eq!(p.skipped[0].reason, *kind, "{what}");
        assert!(
            p.skipped[0].account.len() < 100,
            "{what}: a huge name was kept"
        );
        seen.insert(*kind);
    }
    for (input, kind) in migration {
        let what = &input[..input.len().min(60)];
        let error = parse_migration(input).unwrap_err();
        assert_eq!(error.kind(), *kind, "{what}");
        assert_clear(&error, &[], what);
        assert_eq!(parse_link(input).unwrap_err().kind(), *kind, "{what}");
        assert_eq!(
            preview_kind(input.as_bytes(), Some(Format::Google), None),
            *kind
        );
        seen.insert(*kind);
    }
    let all = [
        "invalid_scheme",
        "invalid_type",
        "invalid_uri",
        "missing_secret",
        "invalid_secret",
        "invalid_algorithm",
        "invalid_digits",
        "invalid_period",
        "missing_counter",
        "invalid_counter",
        "link_too_long",
        "invalid_host",
        "missing_data",
        "invalid_base64",
        "invalid_protobuf",
    ];
    assert_eq!(seen, all.into_iter().collect(), "every category is covered");
}

/// A megabyte where a link belongs, in each part of it: refused by its length before any
/// decoding, never a megabyte-long account name.
#[test]
fn one_megabyte_links() {
    let mb = 1024 * 1024;
    let cases = [
        format!("otpauth://totp/{}?secret={KEY}", "a".repeat(mb)),
        format!("otpauth://totp/a?secret={}", "A".repeat(mb)),
        format!(
            "otpauth://totp/a?secret={KEY}&issuer={}",
            "%41".repeat(mb / 3)
        ),
        format!("otpauth://totp/a?{}secret={KEY}", "x=1&".repeat(mb / 4)),
        format!("otpauth-migration://offline?data={}", "CgA".repeat(mb / 3)),
        "\u{1F600}".repeat(mb / 4),
    ];
    for link in &cases {
        assert!(link.len() >= mb - 4);
        let started = Instant::now();
        let error = parse_link(link).unwrap_err();
        assert_eq!(error.kind(), "link_too_long", "{}", &link[..40]);
        assert_clear(&error, &[KEY], "1 MB link");
        assert!(error.to_string().contains(&link.len().to_string()) || link.contains("migration"));
        // As a file of links it is one skipped line (or a failed Google import).
        let kind = preview_kind(link.as_bytes(), None, None);
        assert!(
            ["ok", "link_too_long", "unknown_format"].contains(&kind.as_str()),
            "{kind}"
        );
        if let Ok(p) = preview(link.as_bytes(), Some(Format::Uris), None) {
            assert!(p.accounts.is_empty());
            assert_eq!(p.skipped[0].reason, "link_too_long");
        }
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }
}

/// Every prefix of a link: a typed error or (for a prefix that is itself a link) an account.
#[test]
fn truncated_links() {
    let migration = vectors("migration")["cases"][3]["input"]
        .as_str()
        .unwrap()
        .to_owned();
    for link in [
        format!(
            "otpauth://hotp/ACME:alice?secret={KEY}&issuer=ACME&algorithm=SHA256&digits=8&counter=42"
        ),
        migration,
    ] {
        for end in 0..link.len() {
            if !link.is_char_boundary(end) {
                continue;
            }
            if let Err(e) = parse_link(&link[..end]) {
                assert_clear(&e, &[KEY], &link[..end]);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Import files.

/// Every importable fixture file, with its format and the password of the encrypted ones.
fn import_files() -> Vec<(String, Vec<u8>, Option<&'static str>)> {
    let mut files = Vec::new();
    let aegis = fixtures_dir().join("vectors/aegis");
    let index = vectors("aegis/index");
    for file in index["files"].as_array().unwrap() {
        let name = file["file"].as_str().unwrap();
        let password = file["passwords"][0].as_str().map(|p| &*p.to_owned().leak());
        files.push((
            name.to_owned(),
            fs::read(aegis.join(name)).unwrap(),
            password,
        ));
    }
    let own = own_fixtures_dir();
    for (path, password) in [
        ("2fas/plain.2fas", None),
        ("2fas/encrypted.2fas", Some("2fas-wachtwoord")),
        ("andotp/otp_accounts.json", None),
        ("bitwarden/export.json", None),
        ("duo/accounts.json", None),
        ("freeotp-plus/export.json", None),
        ("steam/old.maFile", None),
        ("uris/links.txt", None),
    ] {
        files.push((path.to_owned(), fs::read(own.join(path)).unwrap(), password));
    }
    let dir = TempDir::new("bad-input-backup");
    let mut vault = create_password_vault(&dir.vault());
    vault
        .add(totp("BLk", "jan", b"12345678901234567890"))
        .unwrap();
    let backup = vault
        .export_backup("backup-pw", KdfParams::insecure_for_tests())
        .unwrap();
    files.push(("backup.tweestap".into(), backup, Some("backup-pw")));
    files
}

/// Prefixes of every import file: all of the first and last 300 bytes, every 7th between.
/// Each is a typed error (or, rarely, a smaller valid file); nothing panics.
#[test]
fn truncated_import_files() {
    for (name, bytes, password) in import_files() {
        let n = bytes.len();
        let ends = (0..n).filter(|&e| e < 300 || e + 300 > n || e % 7 == 0);
        let mut errors = 0;
        for end in ends {
            let part = &bytes[..end];
            match preview(part, None, password) {
                Ok(_) => {}
                Err(e) => {
                    assert_clear(
                        &e,
                        &[KEY, password.unwrap_or("")],
                        &format!("{name}[..{end}]"),
                    );
                    errors += 1;
                }
            }
        }
        assert!(errors > 0, "{name}");
        // Whole, it imports (the wrong-password fixture aside).
        let whole = preview(&bytes, None, password);
        assert!(
            whole.is_ok() || name.starts_with("wrong") || name.starts_with("corrupt"),
            "{name}: {:?}",
            whole.err().map(|e| e.to_string())
        );
    }
}

/// 100 000 levels of arrays and objects, where each JSON format and the detection expect
/// their own structure: a typed error, no stack overflow.
#[test]
fn deeply_nested_json() {
    let depth = 100_000;
    let arrays = "[".repeat(depth) + &"]".repeat(depth);
    let objects = "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth);
    let inputs = [
        arrays.clone(),
        objects.clone(),
        format!("{{\"header\":{{\"slots\":{arrays},\"params\":null}},\"db\":{{}}}}"),
        format!(
            "{{\"header\":{{\"slots\":null}},\"db\":{{\"version\":3,\"entries\":[{{\"type\":\"totp\",\"info\":{objects}}}]}}}}"
        ),
        format!("{{\"services\":[{arrays}],\"schemaVersion\":4}}"),
        format!("{{\"encrypted\":false,\"items\":{objects}}}"),
        format!("[{{\"secret\":\"{KEY}\",\"tags\":{arrays}}}]"),
    ];
    for input in &inputs {
        for format in [
            None,
            Some(Format::Aegis),
            Some(Format::TwoFas),
            Some(Format::AndOtp),
            Some(Format::Bitwarden),
            Some(Format::Duo),
            Some(Format::FreeOtpPlus),
            Some(Format::Steam),
            Some(Format::Uris),
        ] {
            let kind = preview_kind(input.as_bytes(), format, Some("pw"));
            // andOTP reads what is not a JSON array as its encrypted layout, where damage
            // and a wrong password look alike.
            let andotp_encrypted = format == Some(Format::AndOtp) && kind == "wrong_password";
            assert!(
                ["unknown_format", "integrity_error", "ok"].contains(&kind.as_str())
                    || andotp_encrypted,
                "{format:?}: {kind}"
            );
            if kind == "ok" {
                // A named format may skip a part it ignores; no account comes of it.
                let p = preview(input.as_bytes(), format, Some("pw")).unwrap();
                assert!(p.accounts.is_empty(), "{format:?}");
            }
        }
    }
}

/// Bytes that are not UTF-8 in text formats: refused as what they are, never a panic.
#[test]
fn invalid_utf8() {
    let link = format!("otpauth://totp/Ex:a\u{e9}?secret={KEY}\n");
    let aegis = fs::read(fixtures_dir().join("vectors/aegis/plain_v3_basic.json")).unwrap();
    let mut cases: Vec<Vec<u8>> = Vec::new();
    for good in [link.as_bytes().to_vec(), aegis] {
        for bad in [
            &b"\xff"[..],
            b"\xc3\x28",
            b"\xed\xa0\x80",
            b"\xf8\x88\x80\x80\x80",
        ] {
            let mut bytes = good.clone();
            bytes.splice(20..20, bad.iter().copied());
            cases.push(bytes);
        }
    }
    // UTF-16 (as Windows tools write text), with its byte-order mark.
    let utf16: Vec<u8> = link.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    cases.push([&[0xff, 0xfe][..], &utf16].concat());
    for bytes in &cases {
        for format in [
            None,
            Some(Format::Uris),
            Some(Format::Google),
            Some(Format::Aegis),
        ] {
            let kind = preview_kind(bytes, format, None);
            assert_eq!(kind, "unknown_format", "{format:?}");
        }
    }
}

/// The wrong password for every encrypted kind: `wrong_password`, a message that does not
/// quote it, and the vault untouched.
#[test]
fn wrong_passwords() {
    let own = own_fixtures_dir();
    let aegis = fs::read(fixtures_dir().join("vectors/aegis/encrypted_basic.json")).unwrap();
    let files = [
        ("aegis", aegis),
        ("2fas", fs::read(own.join("2fas/encrypted.2fas")).unwrap()),
        (
            "andotp",
            fs::read(own.join("andotp/otp_accounts.json.aes")).unwrap(),
        ),
        (
            "andotp old",
            fs::read(own.join("andotp/old_format.json.aes")).unwrap(),
        ),
    ];
    let wrong = "not the password at all";
    for (name, bytes) in &files {
        let format = (*name == "andotp old").then_some(Format::AndOtp);
        let error = preview(bytes, format, Some(wrong)).unwrap_err();
        assert_eq!(error.kind(), "wrong_password", "{name}: {error}");
        assert_clear(&error, &[wrong], name);
        // No password at all is its own error.
        assert_eq!(
            preview_kind(bytes, format, None),
            "password_required",
            "{name}"
        );
    }

    let dir = TempDir::new("bad-input-wrong-pw");
    let mut vault = create_password_vault(&dir.vault());
    vault
        .add(totp("BLk", "jan", b"12345678901234567890"))
        .unwrap();
    let backup = vault
        .export_backup("backup-pw", KdfParams::insecure_for_tests())
        .unwrap();
    let before = fs::read(dir.vault()).unwrap();
    let long = "x".repeat(1024 * 1024);
    for password in [
        wrong,
        "",
        " backup-pw",
        "BACKUP-PW",
        "backup-pw\n",
        &long,
        "wachtwoord \u{1F511}",
    ] {
        let what = &password[..password.len().min(20)];
        let error = preview(&backup, None, Some(password)).unwrap_err();
        assert_eq!(error.kind(), "wrong_password", "backup {what:?}");
        assert_clear(&error, &[password], what);
        let error = password_store(&dir.vault())
            .unlock(Unlock::Password(password))
            .unwrap_err();
        assert_eq!(error.kind(), "wrong_password", "vault {what:?}");
        assert_clear(&error, &[password], what);
    }
    assert_eq!(fs::read(dir.vault()).unwrap(), before);
}

/// Every byte of a Tweestap backup flipped: the import fails with `integrity_error` (or
/// `wrong_password`, for a byte of the password slot's own ciphertext), never a panic and
/// never an account. The vault file's own flips: `vault/tamper.rs`.
#[test]
fn every_byte_of_a_backup_flipped() {
    let dir = TempDir::new("bad-input-flip");
    let mut vault = create_password_vault(&dir.vault());
    vault
        .add(totp("BLk", "jan", b"12345678901234567890"))
        .unwrap();
    let backup = vault
        .export_backup("backup-pw", KdfParams::insecure_for_tests())
        .unwrap();
    for i in 0..backup.len() {
        let mut bad = backup.clone();
        bad[i] ^= 0x01;
        let kind = preview_kind(&bad, None, Some("backup-pw"));
        assert!(
            ["integrity_error", "wrong_password", "unknown_format"].contains(&kind.as_str()),
            "byte {i}: {kind}"
        );
        if i >= 8 {
            assert_ne!(kind, "unknown_format", "byte {i}");
        }
    }
}

/// Aegis tries every password slot with the file's own scrypt cost: a file with thousands of
/// slots would keep an import busy for hours, so more than a few are refused at once.
#[test]
fn aegis_file_with_many_password_slots() {
    let text =
        fs::read_to_string(fixtures_dir().join("vectors/aegis/encrypted_basic.json")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let slot = json["header"]["slots"][0].clone();
    json["header"]["slots"] = serde_json::Value::Array(vec![slot; 5000]);
    let started = Instant::now();
    let error = preview(json.to_string().as_bytes(), None, Some("wrong")).unwrap_err();
    assert_eq!(error.kind(), "integrity_error", "{error}");
    assert!(error.to_string().contains("5000 password slots"), "{error}");
    assert!(started.elapsed().as_secs() < 5);
    // Cheap parameters are still bounded by the slot count, and the real cost bound holds.
    assert!(
        !ScryptCost {
            n: 1 << 21,
            r: 8,
            p: 1
        }
        .is_valid()
    );
}

/// Every scrypt parameter counts (issue 17): N = 2, r = 2^20, p = 16 kept N·r under the old
/// memory cap but took 2.5 GB and 3 min 20 s over 8 slots. Now the file is refused before any
/// derivation, and the child's peak memory shows nothing big was allocated.
#[test]
fn aegis_scrypt_cost_bounds_every_parameter() {
    in_child("aegis_scrypt_cost_bounds_every_parameter", 256, || {
        let text =
            fs::read_to_string(fixtures_dir().join("vectors/aegis/encrypted_basic.json")).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let with_slots = |n: u64, r: u64, p: u64, count: usize| {
            let mut json = json.clone();
            let mut slot = json["header"]["slots"][0].clone();
            slot["n"] = n.into();
            slot["r"] = r.into();
            slot["p"] = p.into();
            json["header"]["slots"] = serde_json::Value::Array(vec![slot; count]);
            json.to_string()
        };
        // One slot beyond the bounds: by memory (r huge), by work (p large), by N.
        for (n, r, p) in [
            (2, 1 << 20, 16),
            (1 << 15, 8, 16),
            (1 << 20, 8, 1),
            (2, 1 << 20, 1),
        ] {
            let error = preview(with_slots(n, r, p, 8).as_bytes(), None, Some("pw")).unwrap_err();
            assert_eq!(error.kind(), "kdf_too_costly", "N={n} r={r} p={p}: {error}");
            assert!(
                error.to_string().contains(&format!("N={n}, r={r}, p={p}")),
                "{error}"
            );
            assert_clear(&error, &[], "a costly Aegis slot");
        }
        // Each slot within bounds (4× Aegis's work), but 8 of them together are too much.
        let error = preview(with_slots(1 << 16, 8, 2, 8).as_bytes(), None, Some("pw")).unwrap_err();
        assert_eq!(error.kind(), "kdf_too_costly", "{error}");
        assert!(
            error.to_string().contains("8 password slots together"),
            "{error}"
        );
        // Aegis's own settings, several slots: still tried (and the password is wrong).
        let error =
            preview(with_slots(1 << 15, 8, 1, 2).as_bytes(), None, Some("wrong")).unwrap_err();
        assert_eq!(error.kind(), "wrong_password", "{error}");
    });
}

/// andOTP's iteration count comes from the file (issue 17: 10 million took 23.6 s): beyond
/// 1 million the file is refused without running PBKDF2.
#[test]
fn andotp_iterations_beyond_the_bound() {
    let mut file = fs::read(own_fixtures_dir().join("andotp/otp_accounts.json.aes")).unwrap();
    for iterations in [10_000_000u32, 1_000_001] {
        file[..4].copy_from_slice(&iterations.to_be_bytes());
        let error = preview(&file, Some(Format::AndOtp), Some("pw")).unwrap_err();
        assert_eq!(error.kind(), "kdf_too_costly", "{iterations}: {error}");
        assert!(
            error.to_string().contains(&iterations.to_string()),
            "{error}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Images.

/// The peak memory of this process so far (VmHWM), in MiB; Linux only.
fn peak_rss_mb() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Runs `test` in a child process (this binary again), which prints its peak memory, and
/// asserts that the peak stayed under `max_peak_mib`; the child is the one with
/// `TWEESTAP_BAD_INPUT_CHILD` set.
fn in_child(test: &str, max_peak_mib: u64, work: impl FnOnce()) {
    if std::env::var_os("TWEESTAP_BAD_INPUT_CHILD").is_some() {
        work();
        println!("peak_rss_mb={}", peak_rss_mb().unwrap_or(0));
        return;
    }
    let out = rerun_self(
        &format!("bad_input::{test}"),
        &[("TWEESTAP_BAD_INPUT_CHILD", "1")],
    )
    .output()
    .unwrap();
    let stdout = stdout_of(&out);
    assert!(
        out.status.success(),
        "{test} in a child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peak: Option<u64> = stdout
        .lines()
        .find_map(|l| l.split("peak_rss_mb=").nth(1))
        .and_then(|v| v.trim().parse().ok());
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    // No figure means the child ran no test (a name that matches none): never a pass.
    let peak = peak.unwrap_or_else(|| panic!("{test} did not run in the child:\n{stdout}"));
    eprintln!("{test}: peak memory {peak} MiB");
    assert!(peak < max_peak_mib, "peak memory {peak} MiB");
}

/// A 100-megapixel PNG (and other sizes beyond the limits) is refused from its header with
/// `image_too_large`, whichever door it comes through, without decoding a pixel.
#[test]
fn hundred_megapixel_png() {
    in_child("hundred_megapixel_png", 400, || {
        let dir = TempDir::new("bad-input-png");
        for (w, h) in [(10_000, 10_000), (20_000, 16), (16, 20_000), (6_400, 6_260)] {
            let png = blank_png(w, h);
            assert!(png.len() < 200_000, "{w}×{h}: {} bytes", png.len());
            let what = format!("{w}×{h}");
            let error = qr::decode_bytes(&png).unwrap_err();
            assert_eq!(error.kind(), "image_too_large", "{what}");
            assert_clear(&error, &[], &what);
            assert!(error.to_string().contains(&format!("{w}×{h}")), "{error}");
            let path = dir.0.join(format!("{what}.png"));
            fs::write(&path, &png).unwrap();
            assert_eq!(
                qr::decode_file(&path).unwrap_err().kind(),
                "image_too_large"
            );
            for format in [None, Some(Format::Google), Some(Format::Uris)] {
                assert_eq!(preview_kind(&png, format, None), "image_too_large");
            }
        }
        // Larger than any image file: refused before reading the pixels' header even.
        let big = vec![0x89u8; MAX_FILE_BYTES as usize + 1];
        assert_eq!(qr::decode_bytes(&big).unwrap_err().kind(), "file_too_large");
        // A blank image within the limits is simply no code.
        assert_eq!(
            qr::decode_bytes(&blank_png(800, 600)).unwrap(),
            Vec::<String>::new()
        );
    });
}

// ---------------------------------------------------------------------------------------
// Size.

/// An import of 100 000 accounts: previewed, planned and committed in one vault write, in
/// bounded time and memory; every account is there afterwards.
#[test]
fn hundred_thousand_accounts() {
    const N: usize = 100_000;
    in_child("hundred_thousand_accounts", 1024, || {
        let mut text = String::with_capacity(N * 80);
        for i in 0..N {
            // Distinct keys: 10 bytes of the number, base32.
            let key = tweestap_core::base32::encode(format!("{i:010}").as_bytes());
            text.push_str(&format!(
                "otpauth://totp/Service{}:user{i}?secret={key}\n",
                i % 97
            ));
        }
        let started = Instant::now();
        let lap = |what: &str| eprintln!("  {what}: {:?}", started.elapsed());
        let preview = preview(text.as_bytes(), None, None).unwrap();
        assert_eq!(preview.accounts.len(), N);
        lap("preview");
        let dir = TempDir::new("bad-input-100k");
        let mut vault = create_password_vault(&dir.vault());
        vault
            .add(totp("Service3", "user3", b"another key!"))
            .unwrap();
        let plan = import::plan(&preview, &vault);
        let conflicts = plan
            .iter()
            .filter(|s| matches!(s, import::PlanStatus::Conflict { .. }))
            .count();
        assert_eq!(conflicts, 1);
        lap("plan");
        let outcomes =
            import::commit(&mut vault, &preview, &plan, |_, _, _| Resolution::Replace).unwrap();
        assert_eq!(outcomes.len(), N);
        lap("commit");
        // The same file again: every account is already there.
        let plan = import::plan(&preview, &vault);
        assert!(
            plan.iter()
                .all(|s| matches!(s, import::PlanStatus::Identical { .. }))
        );
        let again =
            import::commit(&mut vault, &preview, &plan, |_, _, _| Resolution::Cancel).unwrap();
        assert!(
            again
                .iter()
                .all(|o| matches!(o, import::ImportOutcome::Unchanged { .. }))
        );
        lap("plan and commit again");
        let reopened = open_with_password(&dir.vault());
        assert_eq!(reopened.list().len(), N);
        let took = started.elapsed();
        eprintln!("100 000 accounts: preview, plan, commit twice, reopen in {took:?}");
        assert!(took.as_secs() < 120, "{took:?}");
    });
}

/// 100 000 different keys for one login (a crafted file): every one is a repeat of the
/// first, and keeping them all is still one linear pass.
#[test]
fn hundred_thousand_of_one_login() {
    const N: usize = 100_000;
    in_child("hundred_thousand_of_one_login", 1024, || {
        let text: String = (0..N)
            .map(|i| {
                let key = tweestap_core::base32::encode(format!("{i:010}").as_bytes());
                format!("otpauth://totp/Same:login?secret={key}\n")
            })
            .collect();
        let started = Instant::now();
        let preview = preview(text.as_bytes(), None, None).unwrap();
        let dir = TempDir::new("bad-input-one-login");
        let mut vault = create_password_vault(&dir.vault());
        let plan = import::plan(&preview, &vault);
        let repeated = plan
            .iter()
            .filter(|s| {
                matches!(
                    s,
                    import::PlanStatus::Repeated {
                        index: 0,
                        identical: false
                    }
                )
            })
            .count();
        assert_eq!(repeated, N - 1);
        let plan = import::plan(&preview, &vault);
        let outcomes =
            import::commit(&mut vault, &preview, &plan, |_, _, _| Resolution::KeepBoth).unwrap();
        assert_eq!(outcomes.len(), N);
        let took = started.elapsed();
        eprintln!("100 000 keys of one login: preview, plan, commit in {took:?}");
        assert!(took.as_secs() < 120, "{took:?}");
    });
}

// ---------------------------------------------------------------------------------------
// The file system.

/// Ten accounts to import, as a preview.
fn ten_accounts() -> ImportPreview {
    let text: String = (0..10)
        .map(|i| format!("otpauth://totp/Imported:user{i}?secret={KEY}\n"))
        .collect();
    preview(text.as_bytes(), None, None).unwrap()
}

/// A full disk under an import, a password change and a new vault: `disk_full`, and the
/// vault and its backup byte for byte as they were.
#[test]
fn full_disk_under_import_and_password_change() {
    if !cfg!(target_os = "linux") || !is_root() {
        return skip("full disk", "needs root on Linux to mount a small tmpfs");
    }
    let dir = TempDir::new("bad-input-full");
    let _mount = match Mount::tmpfs(&dir.0, "256k") {
        Ok(m) => m,
        Err(e) => return skip("full disk", &format!("cannot mount tmpfs: {e}")),
    };
    let mut vault = create_password_vault(&dir.vault());
    vault
        .add(totp("BLk", "jan", b"12345678901234567890"))
        .unwrap();
    let before = fs::read(dir.vault()).unwrap();
    let backup = fs::read(vault.store().backup_path()).unwrap();
    fill(&dir.0.join("filler"));

    let ten = ten_accounts();
    let plan = import::plan(&ten, &vault);
    let error = import::commit(&mut vault, &ten, &plan, |_, _, _| Resolution::Cancel).unwrap_err();
    assert_eq!(error.kind(), "disk_full", "{error}");
    assert_clear(&error, &[KEY], "import");
    let error = vault
        .set_password("another password", KdfParams::insecure_for_tests())
        .unwrap_err();
    assert_eq!(error.kind(), "disk_full", "{error}");
    let error = password_store(&dir.0.join("second.tweestap"))
        .create(options(false, Some(PASSWORD)))
        .unwrap_err();
    assert_eq!(error.kind(), "disk_full", "{error}");
    assert_clear(&error, &[PASSWORD], "create");

    assert_eq!(fs::read(dir.vault()).unwrap(), before);
    assert_eq!(fs::read(vault.store().backup_path()).unwrap(), backup);
    assert!(!dir.0.join("second.tweestap").exists());
    assert_eq!(open_with_password(&dir.vault()).list().len(), 1);
}

/// A read-only data folder: creating a vault there and importing into one give `read_only`;
/// reading still works; nothing changes.
#[test]
fn read_only_folder_under_import_and_create() {
    if !cfg!(target_os = "linux") || !is_root() {
        return skip(
            "read-only folder",
            "needs root on Linux for a read-only bind mount",
        );
    }
    let dir = TempDir::new("bad-input-ro");
    let mut vault = create_password_vault(&dir.vault());
    vault
        .add(totp("BLk", "jan", b"12345678901234567890"))
        .unwrap();
    let before = fs::read(dir.vault()).unwrap();
    let _mount = match Mount::read_only(&dir.0) {
        Ok(m) => m,
        Err(e) => return skip("read-only folder", &format!("cannot bind-mount: {e}")),
    };
    let ten = ten_accounts();
    let plan = import::plan(&ten, &vault);
    let error = import::commit(&mut vault, &ten, &plan, |_, _, _| Resolution::Cancel).unwrap_err();
    assert_eq!(error.kind(), "read_only", "{error}");
    assert_clear(&error, &[KEY], "import");
    let error = password_store(&dir.0.join("second.tweestap"))
        .create(options(false, Some(PASSWORD)))
        .unwrap_err();
    assert_eq!(error.kind(), "read_only", "{error}");
    let error = password_store(&dir.0.join("sub/third.tweestap"))
        .create(options(false, Some(PASSWORD)))
        .unwrap_err();
    assert_eq!(error.kind(), "read_only", "{error}");
    assert_eq!(open_with_password(&dir.vault()).list().len(), 1);
    assert_eq!(fs::read(dir.vault()).unwrap(), before);
    assert!(!Path::new(&dir.0.join("second.tweestap")).exists());
}
