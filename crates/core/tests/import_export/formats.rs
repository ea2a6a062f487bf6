//! Every import fixture through `tweestap_core::import`: each Aegis export of the shared
//! fixtures (`vectors/aegis/index.json`), each Google Authenticator export case
//! (`vectors/migration.json`), and this crate's own fixtures for 2FAS, andOTP, Bitwarden and
//! link lists (`tests/import_fixtures/expected.json`). Each gives exactly the expected
//! accounts (field by field, plus one code each) and skipped entries, or the expected error.

use crate::import_support::{account_object, code_problems, own_expected, own_fixtures_dir};
use crate::support::{Failures, fixtures_dir, vectors};
use serde_json::{Value, json};
use tweestap_core::ErrorKind;
use tweestap_core::import::{Format, ImportOptions, ImportPreview, Source, detect, preview};
use tweestap_core::view::AccountView;

fn read(path: &std::path::Path) -> Source {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Source::new(path.display().to_string(), bytes)
}

fn import(
    sources: &[Source],
    format: Option<Format>,
    password: Option<&str>,
) -> Result<ImportPreview, String> {
    preview(sources, ImportOptions { format, password }).map_err(|e| e.kind().to_string())
}

/// Compares a preview with expected accounts and (when given) skipped entries.
fn compare(
    failures: &mut Failures,
    id: &str,
    got: &ImportPreview,
    want_accounts: &[Value],
    want_skipped: Option<&[Value]>,
) {
    let objects: Vec<Value> = got
        .accounts
        .iter()
        .map(|a| serde_json::to_value(AccountView::new(&a.account, true)).unwrap())
        .collect();
    let wanted: Vec<Value> = want_accounts.iter().map(account_object).collect();
    failures.eq(id, "accounts", &objects, &wanted);
    for (a, want) in got.accounts.iter().zip(want_accounts) {
        for problem in code_problems(&a.account, want) {
            failures.check(false, || {
                format!(
                    "{id}: {} ({}): {problem}",
                    a.account.issuer, a.account.account
                )
            });
        }
    }
    let skipped: Vec<Value> = got
        .skipped
        .iter()
        .map(|s| json!({"reason": s.reason, "issuer": s.issuer, "account": s.account}))
        .collect();
    if let Some(want) = want_skipped {
        failures.eq(id, "skipped", skipped.as_slice(), want);
    }
    for s in &got.skipped {
        failures.check(!s.message.is_empty(), || {
            format!("{id}: skipped entry without a message")
        });
    }
}

#[test]
fn aegis_exports() {
    let index = vectors("aegis/index");
    let dir = fixtures_dir().join("vectors/aegis");
    let files = index["files"].as_array().unwrap();
    let mut failures = Failures::default();
    for file in files {
        let name = file["file"].as_str().unwrap();
        let source = read(&dir.join(name));
        let passwords: Vec<&str> = file["passwords"]
            .as_array()
            .map(|p| p.iter().map(|p| p.as_str().unwrap()).collect())
            .unwrap_or_default();
        let expected = &file["expected"];
        // Open with passwords[0]; every listed password must work; detected and named alike.
        let tries: Vec<(Option<Format>, Option<&str>)> = if passwords.is_empty() {
            vec![(None, None), (Some(Format::Aegis), None)]
        } else {
            let mut t: Vec<_> = passwords.iter().map(|p| (None, Some(*p))).collect();
            t.push((Some(Format::Aegis), Some(passwords[0])));
            t
        };
        for (format, password) in tries {
            let id = format!("{name} ({format:?})");
            let result = import(std::slice::from_ref(&source), format, password);
            if let Some(kind) = expected["error"].as_str() {
                failures.eq(&id, "error", result.err().as_deref(), Some(kind));
                continue;
            }
            let got = match result {
                Ok(got) => got,
                Err(kind) => {
                    failures.check(false, || format!("{id}: failed with {kind}"));
                    continue;
                }
            };
            failures.eq(&id, "format", got.format, Format::Aegis);
            let entries = expected["entries"].as_array().unwrap();
            compare(&mut failures, &id, &got, entries, Some(&[]));
            // Extras: the first group and the favourite flag are kept.
            for (a, want) in got.accounts.iter().zip(entries) {
                let extras = &want["extras"];
                let group = extras["groups"]
                    .as_array()
                    .and_then(|g| g.first())
                    .and_then(Value::as_str);
                failures.eq(&id, "group", a.group.as_deref(), group);
                failures.eq(
                    &id,
                    "favourite",
                    a.favourite,
                    extras["favorite"].as_bool().unwrap_or(false),
                );
            }
        }
        if file["encrypted"] == true {
            let id = format!("{name} without a password");
            failures.eq(
                &id,
                "error",
                import(std::slice::from_ref(&source), None, None)
                    .err()
                    .as_deref(),
                Some("password_required"),
            );
        }
        if let Some(actual) = file["actual_password"].as_str() {
            let id = format!("{name} with its actual password");
            match import(std::slice::from_ref(&source), None, Some(actual)) {
                Ok(got) => compare(
                    &mut failures,
                    &id,
                    &got,
                    file["expected_with_actual_password"]["entries"]
                        .as_array()
                        .unwrap(),
                    Some(&[]),
                ),
                Err(kind) => failures.check(false, || format!("{id}: failed with {kind}")),
            }
        }
    }
    failures.assert_none(files.len());
}

/// Each migration case alone (named and detected), as one export link in a file.
#[test]
fn google_export_cases() {
    let file = vectors("migration");
    let cases = file["cases"].as_array().unwrap();
    let mut failures = Failures::default();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let input = case["input"].as_str().unwrap();
        let source = Source::new(id, format!("{input}\n").into_bytes());
        let expected = &case["expected"];
        for format in [Some(Format::Google), None] {
            let id = format!("{id} ({format:?})");
            let result = import(std::slice::from_ref(&source), format, None);
            if let Some(kind) = expected["error"].as_str() {
                failures.eq(&id, "error", result.err().as_deref(), Some(kind));
                continue;
            }
            let got = match result {
                Ok(got) => got,
                Err(kind) => {
                    failures.check(false, || format!("{id}: failed with {kind}"));
                    continue;
                }
            };
            failures.eq(&id, "format", got.format, Format::Google);
            let entries = expected["accounts"].as_array().unwrap();
            let accounts: Vec<Value> = entries
                .iter()
                .filter(|e| e.get("error").is_none())
                .cloned()
                .collect();
            let skipped: Vec<Value> = entries
                .iter()
                .filter_map(|e| e["error"].as_str())
                .map(|reason| json!({"reason": reason}))
                .collect();
            compare(&mut failures, &id, &got, &accounts, None);
            // Skipped entries: the reasons in order (names are checked in the CLI suite).
            let reasons: Vec<Value> = got
                .skipped
                .iter()
                .map(|s| json!({"reason": s.reason}))
                .collect();
            failures.eq(&id, "skipped reasons", reasons, skipped);
            let batch = &expected["batch"];
            let total = batch["batch_size"].as_u64().unwrap().max(1) as usize;
            failures.eq(&id, "exports", got.exports.len(), 1);
            failures.eq(&id, "total", got.exports[0].total, total);
            failures.eq(
                &id,
                "batch_id",
                i64::from(got.exports[0].batch_id),
                batch["batch_id"].as_i64().unwrap(),
            );
            failures.eq(&id, "complete", got.is_complete(), total == 1);
        }
    }
    failures.assert_none(cases.len());
}

/// The QR codes of one export, given together (as several files, in any order), make one
/// complete import with every account.
#[test]
fn google_export_in_several_codes() {
    let file = vectors("migration");
    let cases = file["cases"].as_array().unwrap();
    let mut groups: Vec<&str> = cases
        .iter()
        .filter_map(|c| c["batch_group"].as_str())
        .collect();
    groups.dedup();
    assert!(!groups.is_empty(), "the fixtures have a multi-code export");
    for group in groups {
        let members: Vec<&Value> = cases.iter().filter(|c| c["batch_group"] == group).collect();
        let mut sources: Vec<Source> = members
            .iter()
            .map(|c| {
                Source::new(
                    c["id"].as_str().unwrap(),
                    c["input"].as_str().unwrap().as_bytes().to_vec(),
                )
            })
            .collect();
        sources.reverse();
        let got = import(&sources, None, None).unwrap();
        assert!(got.is_complete(), "{group}: {:?}", got.exports);
        assert_eq!(
            got.exports[0].to_string(),
            format!("{0} of {0}", members.len())
        );
        let want: Vec<Value> = members
            .iter()
            .flat_map(|c| c["expected"]["accounts"].as_array().unwrap().iter())
            .map(account_object)
            .collect();
        let objects: Vec<Value> = got
            .accounts
            .iter()
            .map(|a| serde_json::to_value(AccountView::new(&a.account, true)).unwrap())
            .collect();
        assert_eq!(objects, want, "{group}: codes are read in index order");
        // The same code twice changes nothing.
        let mut twice = sources;
        twice.push(Source::new(
            "again",
            members[0]["input"].as_str().unwrap().as_bytes().to_vec(),
        ));
        assert_eq!(
            import(&twice, None, None).unwrap().accounts.len(),
            want.len()
        );
    }
}

#[test]
fn own_fixtures() {
    let expected = own_expected();
    let files = expected["files"].as_array().unwrap();
    let mut failures = Failures::default();
    for entry in files {
        let name = entry["file"].as_str().unwrap();
        let format = Format::parse(entry["format"].as_str().unwrap()).unwrap();
        let password = entry["password"].as_str();
        let source = read(&own_fixtures_dir().join(name));
        let id = format!("{name} (password {password:?})");
        let detected = detect(&source.bytes);
        // The old andOTP layout has no header: only a named format reads it.
        let formats: Vec<Option<Format>> = if detected.is_some() {
            failures.eq(&id, "detected", detected, Some(format));
            vec![None, Some(format)]
        } else {
            failures.check(name.contains("old_format"), || {
                format!("{id}: not detected")
            });
            vec![Some(format)]
        };
        for f in formats {
            let id = format!("{id} {f:?}");
            let result = import(std::slice::from_ref(&source), f, password);
            if let Some(kind) = entry["expected"]["error"].as_str() {
                failures.eq(&id, "error", result.err().as_deref(), Some(kind));
                continue;
            }
            match result {
                Ok(got) => {
                    failures.eq(&id, "format", got.format, format);
                    compare(
                        &mut failures,
                        &id,
                        &got,
                        entry["expected"]["accounts"].as_array().unwrap(),
                        Some(entry["expected"]["skipped"].as_array().unwrap()),
                    );
                }
                Err(kind) => failures.check(false, || format!("{id}: failed with {kind}")),
            }
        }
    }
    failures.assert_none(files.len());
}

#[test]
fn groups_and_favourites_are_kept() {
    let dir = own_fixtures_dir();
    let twofas = import(&[read(&dir.join("2fas/plain.2fas"))], None, None).unwrap();
    assert_eq!(twofas.accounts[1].group.as_deref(), Some("Money"));
    let andotp = import(&[read(&dir.join("andotp/otp_accounts.json"))], None, None).unwrap();
    assert_eq!(andotp.accounts[0].group.as_deref(), Some("Social"));
    let bitwarden = import(&[read(&dir.join("bitwarden/export.json"))], None, None).unwrap();
    assert_eq!(
        (
            bitwarden.accounts[0].group.as_deref(),
            bitwarden.accounts[0].favourite
        ),
        (Some("Werk"), true)
    );
}

#[test]
fn passwords_and_errors_are_typed() {
    let dir = own_fixtures_dir();
    let kind = |path: &str, format: Option<Format>, password: Option<&str>| {
        import(&[read(&dir.join(path))], format, password).err()
    };
    assert_eq!(
        kind("2fas/encrypted.2fas", None, None).as_deref(),
        Some("password_required")
    );
    assert_eq!(
        kind("andotp/otp_accounts.json.aes", None, None).as_deref(),
        Some("password_required")
    );
    assert_eq!(
        kind(
            "andotp/old_format.json.aes",
            Some(Format::AndOtp),
            Some("nope")
        )
        .as_deref(),
        Some("wrong_password")
    );
    // A file of one format named as another.
    assert_eq!(
        kind("2fas/plain.2fas", Some(Format::Aegis), None).as_deref(),
        Some("integrity_error")
    );
    assert_eq!(
        kind("uris/links.txt", Some(Format::Bitwarden), None).as_deref(),
        Some("integrity_error")
    );
    assert_eq!(
        kind("andotp/otp_accounts.json.aes", Some(Format::Uris), None).as_deref(),
        Some("unknown_format")
    );
    // Nothing recognisable.
    for (bytes, what) in [
        (&b""[..], "empty"),
        (b"hello world\n", "text"),
        (b"{\"a\": 1}", "json"),
        (b"\x00\x01\x02\x03garbage", "binary"),
    ] {
        let err = preview(
            &[Source::new(what, bytes.to_vec())],
            ImportOptions::default(),
        )
        .unwrap_err();
        assert_eq!(err.kind(), "unknown_format", "{what}");
        assert!(
            err.to_string().contains("Aegis"),
            "the message lists the formats: {err}"
        );
    }
    // Different kinds of files at once.
    let err = import(
        &[
            read(&dir.join("uris/links.txt")),
            read(&dir.join("2fas/plain.2fas")),
        ],
        None,
        None,
    )
    .unwrap_err();
    assert_eq!(err, "mixed_formats");
    // Messages never contain a key.
    let secret_line = std::fs::read_to_string(dir.join("uris/links.txt")).unwrap();
    let err = preview(
        &[read(&dir.join("2fas/encrypted.2fas"))],
        ImportOptions {
            format: None,
            password: Some("bad"),
        },
    )
    .unwrap_err();
    assert!(!secret_line.contains(&err.to_string()));
    assert!(err.to_string().contains("2FAS"), "{err}");
}

/// QR images of Google exports and links are read like their text.
#[test]
fn qr_images() {
    let qr = fixtures_dir().join("qr");
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(qr.join("index.json")).unwrap()).unwrap();
    let items = index["items"].as_array().unwrap();
    let mut failures = Failures::default();
    for item in items
        .iter()
        .take(6)
        .chain(items.iter().filter(|i| i["kind"] == "otpauth-migration"))
    {
        let file = item["file"].as_str().unwrap();
        let got = match import(&[read(&qr.join(file))], None, None) {
            Ok(got) => got,
            Err(kind) => {
                failures.check(false, || format!("{file}: {kind}"));
                continue;
            }
        };
        let want_format = if item["kind"] == "otpauth" {
            Format::Uris
        } else {
            Format::Google
        };
        failures.eq(file, "format", got.format, want_format);
        let want = &item["expected"];
        let want_accounts: Vec<Value> = match want.get("accounts") {
            Some(list) => list
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a.get("error").is_none())
                .cloned()
                .collect(),
            None => vec![want.clone()],
        };
        let objects: Vec<Value> = got
            .accounts
            .iter()
            .map(|a| serde_json::to_value(AccountView::new(&a.account, true)).unwrap())
            .collect();
        let wanted: Vec<Value> = want_accounts.iter().map(account_object).collect();
        failures.eq(file, "accounts", objects, wanted);
    }
    failures.assert_none(items.len());
}
