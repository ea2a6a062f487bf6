//! No secret leaks from the command line: the commands of the CLI suites (init, add, code,
//! list, inspect, verify, rename, remove, restore, passwd, import of every fixture kind,
//! export in every format, scan) run at the most verbose level (`-vvv` and
//! `TWEESTAP_LOG=trace`), and no key of any account involved appears on stderr in any form —
//! raw bytes, hex (either case), base32 (either case, with or without padding, grouped by
//! four) — nor on stdout, except where the command's contract is to print it (`--show-secret`,
//! `scan`, which prints the decoded QR text). Nor does a password.

mod cli_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cli_support::{Dir, Run, tweestap_env};
use serde_json::Value;

fn fixtures() -> PathBuf {
    std::env::var("TWEESTAP_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"))
}

fn own_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/import_fixtures")
}

/// Every written form of `key` long enough to be recognisable.
fn forms(key: &[u8]) -> Vec<Vec<u8>> {
    let hex = tweestap_core::hex::encode(key);
    let base32 = tweestap_core::base32::encode(key);
    let padded = format!("{base32}{}", "=".repeat((8 - base32.len() % 8) % 8));
    let grouped = base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let mut all: Vec<Vec<u8>> = [
        hex.clone(),
        hex.to_uppercase(),
        base32.clone(),
        base32.to_lowercase(),
        padded.clone(),
        padded.to_lowercase(),
        grouped.clone(),
        grouped.to_lowercase(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    all.push(key.to_vec());
    all.retain(|f| f.len() >= 8);
    all
}

/// What must not leak, and where it was found.
#[derive(Default)]
struct Watch {
    keys: BTreeSet<Vec<u8>>,
    passwords: Vec<String>,
    runs: usize,
}

impl Watch {
    fn learn(&mut self, preview: &Value) {
        for account in preview["accounts"].as_array().into_iter().flatten() {
            let hex = account["secret_hex"]
                .as_str()
                .expect("secret_hex with --show-secret");
            self.keys
                .insert(tweestap_core::hex::decode(hex).unwrap().to_vec());
        }
    }

    /// Asserts that `run` shows no key on stderr (nor on stdout unless `stdout_may` is set) and
    /// no password anywhere.
    fn check(&mut self, run: &Run, stdout_may: bool, what: &str) {
        self.runs += 1;
        let mut places = vec![("stderr", run.stderr.as_bytes())];
        if !stdout_may {
            places.push(("stdout", run.stdout.as_bytes()));
        }
        for key in &self.keys {
            for form in forms(key) {
                for (place, text) in &places {
                    assert!(
                        !text.windows(form.len()).any(|w| w == form.as_slice()),
                        "{what}: a key ({}) appears on {place}:\n{}",
                        String::from_utf8_lossy(&form),
                        String::from_utf8_lossy(text)
                    );
                }
            }
        }
        for password in &self.passwords {
            for text in [&run.stdout, &run.stderr] {
                assert!(
                    !text.contains(password.as_str()),
                    "{what}: a password leaked"
                );
            }
        }
    }
}

/// The CLI at its most verbose.
fn loud(args: &[&str]) -> Run {
    let mut all = vec!["-vvv"];
    all.extend_from_slice(args);
    tweestap_env(&all, &[("TWEESTAP_LOG", "trace")])
}

struct Import {
    path: PathBuf,
    password: Option<&'static str>,
    format: Option<&'static str>,
}

fn imports() -> Vec<Import> {
    let mut all = Vec::new();
    let index: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("vectors/aegis/index.json")).unwrap(),
    )
    .unwrap();
    for file in index["files"].as_array().unwrap() {
        if file["expected"].get("error").is_some() {
            continue;
        }
        all.push(Import {
            path: fixtures()
                .join("vectors/aegis")
                .join(file["file"].as_str().unwrap()),
            password: file["passwords"][0]
                .as_str()
                .map(|p| &*Box::leak(p.to_owned().into_boxed_str())),
            format: None,
        });
    }
    for (path, password, format) in [
        ("2fas/plain.2fas", None, None),
        ("2fas/encrypted.2fas", Some("2fas-wachtwoord"), None),
        ("andotp/otp_accounts.json", None, None),
        ("andotp/otp_accounts.json.aes", Some("andotp-secret"), None),
        (
            "andotp/old_format.json.aes",
            Some("andotp-secret"),
            Some("andotp"),
        ),
        ("bitwarden/export.json", None, None),
        ("uris/links.txt", None, None),
    ] {
        all.push(Import {
            path: own_fixtures().join(path),
            password,
            format,
        });
    }
    for entry in std::fs::read_dir(fixtures().join("qr")).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "png") {
            all.push(Import {
                path: entry.path(),
                password: None,
                format: None,
            });
        }
    }
    all
}

#[test]
fn no_secret_in_any_output_at_the_most_verbose_level() {
    let dir = Dir::new("leaks");
    let vault = dir.vault();
    let vault_pw = "vault password for the leak test";
    let pw = dir.file("pw.txt", &format!("{vault_pw}\n"));
    let new_pw = dir.file("new-pw.txt", "a second vault password\n");
    let export_pw = dir.file("export-pw.txt", "export password of the leak test\n");
    let mut watch = Watch {
        passwords: vec![
            vault_pw.into(),
            "a second vault password".into(),
            "export password of the leak test".into(),
            "2fas-wachtwoord".into(),
            "andotp-secret".into(),
        ],
        ..Watch::default()
    };

    // Learn every key first, from the commands whose contract shows them.
    let files = imports();
    let migration: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("vectors/migration.json")).unwrap(),
    )
    .unwrap();
    let links: String = migration["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["expected"].get("accounts").is_some())
        .map(|c| format!("{}\n", c["input"].as_str().unwrap()))
        .collect();
    let google = dir.file("google.txt", &links);
    let mut all_imports: Vec<(String, Option<String>, Option<&str>)> = files
        .iter()
        .map(|i| {
            let password = i
                .password
                .map(|p| dir.file(&format!("pw-{p}.txt"), &format!("{p}\n")));
            (i.path.display().to_string(), password, i.format)
        })
        .collect();
    all_imports.push((google, None, None));
    let import_args = |file: &str, password: &Option<String>, format: Option<&str>| {
        let mut args = vec!["import".to_string(), file.to_string()];
        if let Some(p) = password {
            args.extend(["--password-file".into(), p.clone()]);
        }
        if let Some(f) = format {
            args.extend(["--format".into(), f.into()]);
        }
        args
    };
    for (file, password, format) in &all_imports {
        let mut args = import_args(file, password, *format);
        args.extend(["--dry-run", "--show-secret", "--json"].map(String::from));
        let run = tweestap_env(&args.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
        watch.learn(&run.ok().json());
    }
    let added = [
        (
            "otpauth://totp/BLk:jan%40example.nl?secret=KRUGKIDROVUWG2ZAMJZG653OEBTG66BAJJ2W24DT&issuer=BLk",
            "BLk",
        ),
        (
            "otpauth://hotp/Bank:piet?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&counter=7",
            "Bank",
        ),
    ];
    for (link, _) in added {
        let run = tweestap_env(&["inspect", link, "--show-secret", "--json"], &[]).ok();
        watch.learn(&run.json());
    }
    let manual = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let replacement = "KRSXG5CTMVRXEZLU";
    for typed in [manual, replacement] {
        watch
            .keys
            .insert(tweestap_core::base32::decode(typed).unwrap().to_vec());
    }
    assert!(
        watch.keys.len() >= 30,
        "only {} keys learned",
        watch.keys.len()
    );

    let v = |args: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend(["--vault", &vault, "--no-keyring"].map(String::from));
        let pw_flag = if matches!(args[0], "import" | "export") {
            "--vault-password-file"
        } else {
            "--password-file"
        };
        all.extend([pw_flag.to_string(), pw.clone()]);
        all
    };
    let plain = |args: &[&str]| -> Vec<String> { args.iter().map(|s| s.to_string()).collect() };
    let mut run = |args: Vec<String>, stdout_may: bool| -> Run {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = loud(&refs);
        watch.check(&run, stdout_may, &refs.join(" "));
        run
    };

    let init = run(v(&["init"]), false).ok();
    assert!(
        init.stderr.contains("tweestap: info:"),
        "no log at the most verbose level"
    );
    for (link, name) in added {
        run(v(&["add", link]), false).ok();
        run(v(&["code", name]), false).ok();
        run(v(&["code", name, "--json"]), false).ok();
        run(plain(&["inspect", link]), false).ok();
        run(plain(&["inspect", link, "--json"]), false).ok();
        run(plain(&["inspect", link, "--show-secret"]), true).ok();
        run(v(&["code", link]), false).ok();
    }
    run(
        v(&[
            "add",
            "--secret",
            manual,
            "--issuer",
            "Manual",
            "--account",
            "m",
        ]),
        false,
    )
    .ok();
    let reset = format!("otpauth://totp/BLk:jan%40example.nl?secret={replacement}&issuer=BLk");
    run(v(&["add", &reset, "--replace"]), false).ok();
    let code = run(v(&["code", "Manual", "--json"]), false).ok().json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let link = format!("otpauth://totp/Manual:m?secret={manual}");
    run(plain(&["verify", &link, &code]), false);
    run(plain(&["verify", &link, "000000", "--json"]), false);
    run(v(&["list"]), false).ok();
    run(v(&["list", "--json"]), false).ok();
    run(v(&["rename", "Bank", "--issuer", "Bank 2"]), false).ok();
    run(v(&["remove", "Manual"]), false).ok();
    run(v(&["list", "--deleted", "--json"]), false).ok();
    run(v(&["restore", "Manual"]), false).ok();
    run(v(&["passwd", "--new-password-file", &new_pw]), false).ok();
    // Back to the first password, opening with the second.
    let mut back = vec![
        "passwd",
        "--new-password-file",
        &pw,
        "--vault",
        &vault,
        "--no-keyring",
    ];
    back.extend(["--password-file", &new_pw]);
    run(back.iter().map(|s| s.to_string()).collect(), false).ok();

    // Every import, previewed and stored (the second time all are already there).
    for (file, password, format) in &all_imports {
        let mut dry = import_args(file, password, *format);
        dry.push("--dry-run".into());
        run(
            v(&dry.iter().map(String::as_str).collect::<Vec<_>>()),
            false,
        )
        .ok();
        let mut real = import_args(file, password, *format);
        real.extend(["--keep-both", "--json"].map(String::from));
        let out = run(
            v(&real.iter().map(String::as_str).collect::<Vec<_>>()),
            false,
        );
        assert!(
            out.code == 0 || out.error_kind() == "no_accounts",
            "{file}: {} {}",
            out.stdout,
            out.stderr
        );
    }

    // Every export, and the exports read back.
    for (format, out, encrypted) in [
        ("backup", "backup.tweestap", true),
        ("aegis", "aegis-encrypted.json", true),
        ("aegis", "aegis-plain.json", false),
        ("uris", "links.txt", false),
        ("google", "google-links.txt", false),
        ("google-qr", "google-qr", false),
    ] {
        let out = dir.path(out);
        let mut args = vec!["export", "--format", format, "--out", &out];
        if encrypted {
            args.extend(["--password-file", &export_pw]);
        }
        run(v(&args), false).ok();
        if format == "google-qr" {
            for png in std::fs::read_dir(&out).unwrap().flatten() {
                let png = png.path().display().to_string();
                run(vec!["scan".into(), png.clone()], true).ok();
                run(vec!["import".into(), png, "--dry-run".into()], false).ok();
            }
            continue;
        }
        let mut back = vec!["import", &out, "--dry-run"];
        if encrypted {
            back.extend(["--password-file", &export_pw]);
        }
        run(back.iter().map(|s| s.to_string()).collect(), false).ok();
    }
    for png in std::fs::read_dir(fixtures().join("qr")).unwrap().flatten() {
        if png.path().extension().is_some_and(|e| e == "png") {
            let png = png.path().display().to_string();
            run(vec!["scan".into(), png.clone()], true).ok();
            run(vec!["scan".into(), png, "--json".into()], true).ok();
        }
    }
    eprintln!(
        "{} runs checked against {} keys in {} forms each",
        watch.runs,
        watch.keys.len(),
        forms(&[0u8; 20]).len()
    );
}
