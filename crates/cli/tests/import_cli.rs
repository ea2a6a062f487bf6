//! `tweestap import` and `tweestap export` against every import fixture (the shared Aegis and
//! Google export fixtures, and core's own 2FAS, andOTP, Bitwarden and link-list files):
//! exact JSON output, typed errors with exit status 2, imports into a vault (conflicts,
//! failures leaving it byte-identical), and export → import round trips in every format.

#[path = "../../core/tests/support/mod.rs"]
mod support;

mod cli_support;

#[path = "../../core/tests/import_support/mod.rs"]
mod import_support;

use std::path::Path;

use cli_support::{Dir, Run, tweestap};
use import_support::{account_object, own_expected, own_fixtures_dir};
use serde_json::{Value, json};
use support::{Failures, fixtures_dir, vectors};

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// `import FILES --dry-run --json --show-secret [--password-file PW] [--format F]`.
fn dry_run(files: &[String], password_file: Option<&str>, format: Option<&str>) -> Run {
    let mut args: Vec<&str> = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--dry-run", "--json", "--show-secret"]);
    if let Some(pw) = password_file {
        args.extend(["--password-file", pw]);
    }
    if let Some(f) = format {
        args.extend(["--format", f]);
    }
    tweestap(&args)
}

/// Checks a run against `{"format", "accounts": [expected…], "skipped": [...]}` exactly, or
/// against an expected error kind (exit status 2).
fn check_run(
    failures: &mut Failures,
    id: &str,
    run: &Run,
    format: &str,
    expected: &Value,
    skipped: Option<&Value>,
) {
    if let Some(kind) = expected["error"].as_str() {
        failures.eq(id, "error", run.error(), (2, kind.to_string()));
        failures.check(run.stdout.lines().count() == 1, || {
            format!("{id}: not one line")
        });
        return;
    }
    if run.code != 0 {
        failures.check(false, || {
            format!("{id}: exit {}: {} {}", run.code, run.stdout, run.stderr)
        });
        return;
    }
    let got = run.json();
    let accounts: Vec<Value> = expected["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(account_object)
        .collect();
    match skipped {
        Some(skipped) => failures.eq(
            id,
            "output",
            got,
            json!({"format": format, "accounts": accounts, "skipped": skipped}),
        ),
        None => {
            let keys: Vec<&str> = got
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            failures.eq(id, "keys", keys, vec!["accounts", "format", "skipped"]);
            failures.eq(id, "format", &got["format"], &json!(format));
            failures.eq(id, "accounts", &got["accounts"], &json!(accounts));
        }
    }
}

#[test]
fn aegis_fixtures() {
    let index = vectors("aegis/index");
    let dir = fixtures_dir().join("vectors/aegis");
    let tmp = Dir::new("aegis");
    let files = index["files"].as_array().unwrap();
    let mut failures = Failures::default();
    for file in files {
        let name = file["file"].as_str().unwrap();
        let path = s(&dir.join(name));
        let pw = file["passwords"][0]
            .as_str()
            .map(|p| tmp.file("pw", &format!("{p}\n")));
        let expected = match file["expected"].get("entries") {
            Some(entries) => json!({"accounts": entries}),
            None => file["expected"].clone(),
        };
        for format in [None, Some("aegis")] {
            let run = dry_run(std::slice::from_ref(&path), pw.as_deref(), format);
            check_run(
                &mut failures,
                &format!("{name} {format:?}"),
                &run,
                "aegis",
                &expected,
                Some(&json!([])),
            );
        }
        if let Some(actual) = file["actual_password"].as_str() {
            let pw = tmp.file("actual", &format!("{actual}\n"));
            let run = dry_run(std::slice::from_ref(&path), Some(&pw), None);
            let expected = json!({"accounts": file["expected_with_actual_password"]["entries"]});
            check_run(
                &mut failures,
                name,
                &run,
                "aegis",
                &expected,
                Some(&json!([])),
            );
        }
        if file["encrypted"] == true {
            let run = dry_run(std::slice::from_ref(&path), None, None);
            failures.eq(
                name,
                "no password",
                run.error(),
                (2, "password_required".into()),
            );
        }
    }
    failures.assert_none(files.len());
}

#[test]
fn google_export_cases() {
    let tmp = Dir::new("migration");
    let file = vectors("migration");
    let cases = file["cases"].as_array().unwrap();
    let mut failures = Failures::default();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let path = tmp.file(
            &format!("{id}.txt"),
            &format!("{}\n", case["input"].as_str().unwrap()),
        );
        let expected = &case["expected"];
        let want = match expected.get("accounts") {
            Some(entries) => json!({
                "accounts": entries.as_array().unwrap().iter().filter(|e| e.get("error").is_none()).collect::<Vec<_>>()
            }),
            None => expected.clone(),
        };
        for format in [Some("google"), None] {
            let id = format!("{id} {format:?}");
            let run = dry_run(std::slice::from_ref(&path), None, format);
            check_run(&mut failures, &id, &run, "google", &want, None);
            if run.code == 0 {
                let reasons: Vec<Value> = run.json()["skipped"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["reason"].clone())
                    .collect();
                let want: Vec<Value> = expected["accounts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|e| e.get("error").cloned())
                    .collect();
                failures.eq(&id, "skipped reasons", reasons, want);
                let incomplete = expected["batch"]["batch_size"].as_u64().unwrap() > 1;
                failures.eq(
                    &id,
                    "progress note",
                    run.stderr.contains("missing: number"),
                    incomplete,
                );
            }
        }
    }
    failures.assert_none(cases.len());
}

#[test]
fn google_export_in_several_files_and_images() {
    let tmp = Dir::new("multi");
    let file = vectors("migration");
    let cases: Vec<&Value> = file["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["batch_group"] == "batch-A")
        .collect();
    assert_eq!(cases.len(), 2);
    let paths: Vec<String> = cases
        .iter()
        .map(|c| {
            tmp.file(
                &format!("{}.txt", c["id"].as_str().unwrap()),
                c["input"].as_str().unwrap(),
            )
        })
        .collect();
    let all: Vec<Value> = cases
        .iter()
        .flat_map(|c| c["expected"]["accounts"].as_array().unwrap().clone())
        .collect();
    let run = dry_run(&[paths[1].clone(), paths[0].clone()], None, None).ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    check_run(
        &mut Failures::default(),
        "both",
        &run,
        "google",
        &json!({"accounts": all}),
        Some(&json!([])),
    );
    // The skipped entries name their account.
    let md5 = file["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "md5-unsupported")
        .unwrap();
    let path = tmp.file("md5.txt", md5["input"].as_str().unwrap());
    let skipped = &dry_run(&[path], None, None).ok().json()["skipped"][0];
    assert_eq!(skipped["reason"], "unsupported_algorithm");
    assert!(
        !skipped["account"].as_str().unwrap().is_empty(),
        "{skipped}"
    );

    // One of two codes: previewed, but not imported; the vault stays as it was.
    let pw = tmp.file("vpw", "vault password\n");
    let vault = tmp.path("vault.tweestap");
    tweestap(&[
        "init",
        "--vault",
        &vault,
        "--no-keyring",
        "--password-file",
        &pw,
    ])
    .ok();
    let before = std::fs::read(&vault).unwrap();
    let run = tweestap(&[
        "import",
        &paths[0],
        "--json",
        "--vault",
        &vault,
        "--no-keyring",
        "--vault-password-file",
        &pw,
    ]);
    assert_eq!(run.error(), (2, "incomplete_export".into()));
    assert!(run.stdout.contains("missing: number 2"), "{}", run.stdout);
    assert_eq!(std::fs::read(&vault).unwrap(), before);

    // QR images of the shared fixtures.
    let qr = fixtures_dir().join("qr");
    let run = dry_run(
        &[s(&qr.join("migration__multiple-accounts.png"))],
        None,
        None,
    )
    .ok();
    assert_eq!(run.json()["format"], "google");
    assert_eq!(run.json()["accounts"].as_array().unwrap().len(), 5);
}

#[test]
fn own_fixtures() {
    let tmp = Dir::new("own");
    let expected = own_expected();
    let files = expected["files"].as_array().unwrap();
    let mut failures = Failures::default();
    for entry in files {
        let name = entry["file"].as_str().unwrap();
        let format = entry["format"].as_str().unwrap();
        let path = s(&own_fixtures_dir().join(name));
        let pw = entry["password"]
            .as_str()
            .map(|p| tmp.file("pw", &format!("{p}\n")));
        let id = format!("{name} {:?}", entry["password"]);
        let skipped = entry["expected"].get("skipped");
        let run = dry_run(std::slice::from_ref(&path), pw.as_deref(), Some(format));
        check_run(
            &mut failures,
            &id,
            &run,
            format,
            &entry["expected"],
            skipped,
        );
        if !name.contains("old_format") {
            let run = dry_run(std::slice::from_ref(&path), pw.as_deref(), None);
            check_run(
                &mut failures,
                &format!("{id} auto"),
                &run,
                format,
                &entry["expected"],
                skipped,
            );
        }
    }
    failures.assert_none(files.len());
}

#[test]
fn bad_input_is_one_line_with_exit_2() {
    let tmp = Dir::new("bad");
    let text = tmp.file("hello.txt", "hello\n");
    for (args, kind) in [
        (
            vec!["import", text.as_str(), "--dry-run", "--json"],
            "unknown_format",
        ),
        (
            vec!["import", "/no/such/file", "--dry-run", "--json"],
            "file_not_found",
        ),
        (
            vec!["import", text.as_str(), "--format", "nope", "--json"],
            "usage",
        ),
        (vec!["import", "--dry-run", "--json"], "usage"),
    ] {
        let run = tweestap(&args);
        assert_eq!(run.error(), (2, kind.to_string()), "{args:?}");
        assert_eq!(run.stdout.lines().count(), 1);
    }
    let run = tweestap(&["import", &text, "--dry-run"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.contains("Aegis"),
        "{}",
        run.stderr
    );
    let help = tweestap(&["import", "--help"]).ok().stdout;
    assert!(
        help.contains("--vault-password-file") && help.contains("IMPORT FILE"),
        "{help}"
    );
}

/// A headless vault (no keyring, password file) in `dir`.
struct Vault {
    path: String,
    pw: String,
}

impl Vault {
    fn new(dir: &Dir) -> Self {
        let path = dir.path("vault.tweestap");
        let pw = dir.file("vault-pw", "vault password\n");
        tweestap(&[
            "init",
            "--vault",
            &path,
            "--no-keyring",
            "--password-file",
            &pw,
        ])
        .ok();
        Vault { path, pw }
    }

    fn run(&self, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        all.extend([
            "--vault",
            &self.path,
            "--no-keyring",
            "--vault-password-file",
            &self.pw,
        ]);
        tweestap(&all)
    }

    fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.path).unwrap()
    }

    fn labels(&self) -> Vec<String> {
        let run = tweestap(&[
            "list",
            "--json",
            "--vault",
            &self.path,
            "--no-keyring",
            "--password-file",
            &self.pw,
        ])
        .ok();
        run.json()["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                format!(
                    "{} ({})",
                    a["issuer"].as_str().unwrap(),
                    a["account"].as_str().unwrap()
                )
            })
            .collect()
    }
}

#[test]
fn import_into_the_vault() {
    let dir = Dir::new("into");
    let vault = Vault::new(&dir);
    let aegis = s(&fixtures_dir().join("vectors/aegis/encrypted_basic.json"));
    let apw = dir.file("aegis-pw", "test\n");

    // Failures leave the vault byte-identical.
    let before = vault.bytes();
    let wrong = dir.file("wrong", "nope\n");
    assert_eq!(
        vault
            .run(&["import", &aegis, "--json", "--password-file", &wrong])
            .error(),
        (2, "wrong_password".into())
    );
    assert_eq!(
        vault.run(&["import", &aegis, "--json"]).error(),
        (2, "password_required".into())
    );
    let bad_vault_pw = tweestap(&[
        "import",
        &aegis,
        "--json",
        "--password-file",
        &apw,
        "--vault",
        &vault.path,
        "--no-keyring",
        "--vault-password-file",
        &wrong,
    ]);
    assert_eq!(bad_vault_pw.error(), (2, "wrong_password".into()));
    let no_vault_pw = tweestap(&[
        "import",
        &aegis,
        "--json",
        "--password-file",
        &apw,
        "--vault",
        &vault.path,
        "--no-keyring",
    ]);
    assert_eq!(no_vault_pw.error().1, "password_required");
    assert!(
        no_vault_pw.stdout.contains("--vault-password-file"),
        "{}",
        no_vault_pw.stdout
    );
    assert_eq!(vault.bytes(), before);

    let done = vault
        .run(&["import", &aegis, "--json", "--password-file", &apw])
        .ok()
        .json();
    let statuses: Vec<&str> = done["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["added"; 7]);
    assert!(
        done["accounts"][0]["id"].is_string() && done["accounts"][0].get("secret_hex").is_none()
    );
    assert_eq!(vault.labels().len(), 7);

    // Again: everything is already there, nothing is written.
    let before = vault.bytes();
    let again = vault
        .run(&["import", &aegis, "--json", "--password-file", &apw])
        .ok()
        .json();
    assert!(
        again["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["status"] == "unchanged")
    );
    assert_eq!(vault.bytes(), before);

    // The same login with a new key: a choice is needed; without it nothing changes.
    let reset = dir.file(
        "reset.txt",
        "otpauth://totp/Google:alice%40gmail.com?secret=JBSWY3DPEHPK3PXP&issuer=Google\notpauth://totp/New:one?secret=KRSXG5CTMVRXEZLU\n",
    );
    let refused = vault.run(&["import", &reset, "--json"]);
    assert_eq!(refused.error(), (1, "account_exists".into()));
    assert!(
        refused.stdout.contains("Google (alice@gmail.com)") && refused.stdout.contains("--replace")
    );
    assert_eq!(vault.bytes(), before);
    let kept = vault
        .run(&["import", &reset, "--json", "--keep-both", "--dry-run"])
        .ok();
    assert_eq!(vault.bytes(), before, "a dry run changes nothing");
    assert!(kept.json()["accounts"][0].get("status").is_none());
    let replaced = vault
        .run(&["import", &reset, "--json", "--replace"])
        .ok()
        .json();
    assert_eq!(replaced["accounts"][0]["status"], "replaced");
    assert_eq!(replaced["accounts"][1]["status"], "added");
    assert_eq!(vault.labels().len(), 8);
    let both = dir.file(
        "both.txt",
        "otpauth://totp/Proton:bob%40proton.me?secret=JBSWY3DPEHPK3PXP&issuer=Proton\n",
    );
    let kept = vault
        .run(&["import", &both, "--json", "--keep-both"])
        .ok()
        .json();
    assert_eq!(kept["accounts"][0]["status"], "kept_both");
    assert_eq!(
        vault
            .labels()
            .iter()
            .filter(|l| *l == "Proton (bob@proton.me)")
            .count(),
        2
    );

    // Text output.
    let text = vault.run(&["import", &reset]).ok().stdout;
    assert!(
        text.contains("unchanged: Google (alice@gmail.com)"),
        "{text}"
    );
}

/// Every export format, imported again, gives the vault's accounts.
#[test]
fn export_then_import() {
    let dir = Dir::new("export");
    let vault = Vault::new(&dir);
    let source = s(&own_fixtures_dir().join("uris/links.txt"));
    let twofas = s(&own_fixtures_dir().join("2fas/plain.2fas"));
    vault.run(&["import", &source]).ok();
    vault.run(&["import", &twofas]).ok();
    let all = |file: &str, pw: Option<&str>| -> Value {
        dry_run(&[file.to_string()], pw, None).ok().json()["accounts"].clone()
    };
    let original: Vec<Value> = [all(&source, None), all(&twofas, None)]
        .iter()
        .flat_map(|v| v.as_array().unwrap().clone())
        .collect();
    let original = Value::Array(original);
    let epw = dir.file("export-pw", "export wachtwoord\n");

    for (format, pw) in [
        ("backup", Some(&epw)),
        ("aegis", Some(&epw)),
        ("aegis", None),
        ("uris", None),
    ] {
        let out = dir.path(&format!("out-{format}-{}", pw.is_some()));
        let mut args = vec!["export", "--format", format, "--out", &out, "--json"];
        if let Some(pw) = pw {
            args.extend(["--password-file", pw.as_str()]);
        }
        let report = vault.run(&args).ok();
        assert_eq!(report.json()["accounts"], 9, "{format}");
        assert_eq!(
            report.stderr.contains("plain text"),
            pw.is_none() || format == "uris",
            "{format}: {}",
            report.stderr
        );
        assert_eq!(
            all(&out, pw.map(String::as_str)),
            original,
            "{format} with password {:?}",
            pw.is_some()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        // Never overwritten without --force.
        assert_eq!(vault.run(&args).error(), (2, "file_exists".into()));
        args.push("--force");
        vault.run(&args).ok();
    }

    // Google: QR images in a folder, and links; Steam and 7-digit/60 s accounts left out.
    let qr_dir = dir.path("qr");
    let report = vault
        .run(&[
            "export",
            "--format",
            "google-qr",
            "--out",
            &qr_dir,
            "--json",
        ])
        .ok()
        .json();
    let files: Vec<String> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].ends_with("tweestap-google-1-of-1.png"));
    let reasons: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "unsupported_type",
            "unsupported_period",
            "unsupported_period",
            "unsupported_type",
            "unsupported_digits"
        ]
    );
    let google_ones: Vec<Value> = original
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["type"] != "steam" && a["period"] != 60 && a["digits"] != 7)
        .cloned()
        .collect();
    assert_eq!(all(&files[0], None), Value::Array(google_ones.clone()));
    let links = dir.path("google.txt");
    vault
        .run(&["export", "--format", "google", "--out", &links])
        .ok();
    assert_eq!(all(&links, None), Value::Array(google_ones));

    // A backup restores into another vault (another computer) with its password.
    let elsewhere = Dir::new("export-elsewhere");
    let other = Vault::new(&elsewhere);
    let backup = dir.path("out-backup-true");
    other
        .run(&["import", &backup, "--password-file", &epw])
        .ok();
    assert_eq!(other.labels(), vault.labels());

    // Usage errors.
    let nopw = vault.run(&[
        "export",
        "--format",
        "backup",
        "--out",
        &dir.path("x"),
        "--json",
    ]);
    assert_eq!(nopw.error(), (2, "password_required".into()));
    let plainpw = vault.run(&[
        "export",
        "--format",
        "uris",
        "--out",
        &dir.path("y"),
        "--password-file",
        &epw,
        "--json",
    ]);
    assert_eq!(plainpw.error(), (2, "usage".into()));
}
