//! The bad-input matrix at the command line (the core's side: `crates/core/tests/hardening/bad_input.rs`):
//! each case ends with a typed error — with `--json`, one `{"error":{"kind","message"}}` line
//! on stdout and nothing on stderr; exit status 2 for bad input, 1 for the environment (a full
//! disk, a read-only folder, a damaged vault) — and the vault byte for byte as it was.

mod cli_support;
#[path = "../../core/tests/mount_support/mod.rs"]
mod mount_support;
#[path = "../../core/tests/png_support/mod.rs"]
mod png_support;

use std::ffi::OsStr;
use std::fs;
use std::process::{Command, Stdio};

use cli_support::{Dir, Run, tweestap};
use mount_support::{Mount, fill, is_root, skip};
use png_support::blank_png;

const KEY: &str = "JBSWY3DPEHPK3PXP";
const PASSWORD: &str = "correct horse battery";

/// Asserts the JSON error contract: exit `code`, error `kind`, one line, no panic, nothing on
/// stderr, and none of `secrets` in the message.
fn assert_error(run: &Run, code: i32, kind: &str, secrets: &[&str], what: &str) {
    assert_eq!(
        (run.code, run.error_kind().as_str()),
        (code, kind),
        "{what}: stdout {:?} stderr {:?}",
        &run.stdout[..run.stdout.len().min(300)],
        run.stderr
    );
    assert_eq!(run.stdout.lines().count(), 1, "{what}: {:?}", run.stdout);
    assert!(run.stderr.is_empty(), "{what}: stderr {:?}", run.stderr);
    let message = run.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(
        !message.is_empty() && message.len() < 600,
        "{what}: {message}"
    );
    for secret in secrets {
        assert!(
            !message.contains(secret),
            "{what}: the message quotes {secret:?}"
        );
    }
}

/// A vault at `dir/vault.tweestap` made through the CLI (password only), with one account.
struct Vault {
    path: String,
    pw: String,
}

impl Vault {
    fn new(dir: &Dir) -> Self {
        let vault = Vault {
            path: dir.vault(),
            pw: dir.file("pw.txt", &format!("{PASSWORD}\n")),
        };
        vault.run(&["init"]).ok();
        vault
            .run(&[
                "add",
                &format!("otpauth://totp/BLk:jan?secret={KEY}&issuer=BLk"),
            ])
            .ok();
        vault
    }

    /// `tweestap ARGS --json` on this vault (headless: password file, no keyring).
    fn run(&self, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        all.extend(["--json", "--vault", &self.path, "--no-keyring"]);
        let import_or_export = matches!(args.first(), Some(&"import" | &"export"));
        all.extend([
            if import_or_export {
                "--vault-password-file"
            } else {
                "--password-file"
            },
            &self.pw,
        ]);
        tweestap(&all)
    }

    fn bytes(&self) -> Vec<u8> {
        fs::read(&self.path).unwrap()
    }
}

/// In a folder that cannot be written (`kind`): creating a second vault there fails with that
/// kind, and the existing vault can still be read.
fn init_refused_and_vault_still_read(dir: &Dir, vault: &Vault, kind: &str) {
    let other = dir.path("second.tweestap");
    let run = tweestap(&[
        "init",
        "--json",
        "--vault",
        &other,
        "--no-keyring",
        "--password-file",
        &vault.pw,
    ]);
    assert_error(&run, 1, kind, &[PASSWORD], "init");
    assert_eq!(
        vault.run(&["list"]).ok().json()["accounts"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn malformed_links_of_every_category() {
    let cases = [
        ("otpauth:/totp/a?secret=JBSWY3DPEHPK3PXP", "invalid_scheme"),
        ("otpauth://motp/a?secret=JBSWY3DPEHPK3PXP", "invalid_type"),
        (
            "otpauth://totp/%E2%82?secret=JBSWY3DPEHPK3PXP",
            "invalid_uri",
        ),
        ("otpauth://totp/a?issuer=x", "missing_secret"),
        ("otpauth://totp/a?secret=JBSWY3DPEHPK3PX1", "invalid_secret"),
        (
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
            "invalid_algorithm",
        ),
        (
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=9",
            "invalid_digits",
        ),
        (
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=0",
            "invalid_period",
        ),
        (
            "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP",
            "missing_counter",
        ),
        (
            "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=x",
            "invalid_counter",
        ),
        ("otpauth-migration://online?data=CgA", "invalid_host"),
        ("otpauth-migration://offline?x=1", "missing_data"),
        ("otpauth-migration://offline?data=%%", "invalid_base64"),
        ("otpauth-migration://offline?data=CgEK", "invalid_protobuf"),
    ];
    let dir = Dir::new("bad-links");
    let vault = Vault::new(&dir);
    let before = vault.bytes();
    for (link, kind) in cases {
        assert_error(
            &tweestap(&["inspect", link, "--json"]),
            2,
            kind,
            &[KEY],
            link,
        );
        // `code` and `verify` take one account's link; an export link is not one.
        if !link.starts_with("otpauth-migration") {
            assert_error(&tweestap(&["code", link, "--json"]), 2, kind, &[KEY], link);
            assert_error(
                &tweestap(&["verify", link, "123456", "--json"]),
                2,
                kind,
                &[KEY],
                link,
            );
        }
        assert_error(&vault.run(&["add", link]), 2, kind, &[KEY], link);
    }
    assert_eq!(vault.bytes(), before);
}

#[test]
fn oversized_links() {
    // An argument can be up to 128 KiB on Linux; a file can hold a megabyte.
    let long = format!(
        "otpauth://totp/a?secret={KEY}&issuer={}",
        "x".repeat(100_000)
    );
    for command in ["inspect", "code"] {
        assert_error(
            &tweestap(&[command, &long, "--json"]),
            2,
            "link_too_long",
            &[KEY],
            command,
        );
    }
    let dir = Dir::new("bad-long");
    let megabyte = format!("otpauth://totp/{}?secret={KEY}\n", "a".repeat(1024 * 1024));
    let file = dir.file("links.txt", &megabyte);
    let run = tweestap(&["import", &file, "--dry-run", "--json"]).ok();
    assert_eq!(run.json()["skipped"][0]["reason"], "link_too_long");
    assert!(
        run.stdout.len() < 1000,
        "the megabyte came back: {} bytes",
        run.stdout.len()
    );
    let vault = Vault::new(&dir);
    let before = vault.bytes();
    assert_error(
        &vault.run(&["import", &file]),
        2,
        "no_accounts",
        &[KEY],
        "import",
    );
    assert_eq!(vault.bytes(), before);
}

#[test]
fn hundred_megapixel_png() {
    let dir = Dir::new("bad-png");
    let path = dir.path("huge.png");
    fs::write(&path, blank_png(10_000, 10_000)).unwrap();
    // `scan` reports per file.
    let run = tweestap(&["scan", &path, "--json"]);
    assert_eq!(run.code, 2, "{:?}", run.stdout);
    assert_eq!(run.json()["results"][0]["error"]["kind"], "image_too_large");
    assert!(run.stderr.is_empty());
    assert_error(
        &tweestap(&["import", &path, "--dry-run", "--json"]),
        2,
        "image_too_large",
        &[],
        "import",
    );
    // Not an image at all, and more than an export can be.
    let big = dir.path("big.png");
    let f = fs::File::create(&big).unwrap();
    f.set_len(65 * 1024 * 1024).unwrap();
    assert_error(
        &tweestap(&["import", &big, "--json"]),
        2,
        "file_too_large",
        &[],
        "big",
    );
}

#[test]
fn deeply_nested_and_invalid_utf8_files() {
    let dir = Dir::new("bad-json");
    let depth = 100_000;
    let nested = [
        "[".repeat(depth) + &"]".repeat(depth),
        format!(
            "{{\"services\":{}{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
        format!(
            "{{\"header\":{{\"slots\":null}},\"db\":{}1{}}}",
            "{\"a\":".repeat(depth),
            "}".repeat(depth)
        ),
    ];
    for (i, text) in nested.iter().enumerate() {
        let file = dir.file(&format!("nested{i}.json"), text);
        let run = tweestap(&["import", &file, "--dry-run", "--json"]);
        assert!(
            ["unknown_format", "integrity_error"].contains(&run.error_kind().as_str()),
            "nested {i}: {:?}",
            run.stdout
        );
        assert_error(&run, 2, &run.error_kind(), &[], "nested");
    }
    let invalid = dir.path("links.txt");
    fs::write(&invalid, b"otpauth://totp/a\xff?secret=JBSWY3DPEHPK3PXP\n").unwrap();
    assert_error(
        &tweestap(&["import", &invalid, "--dry-run", "--json"]),
        2,
        "unknown_format",
        &[KEY],
        "invalid UTF-8 file",
    );
    // A password file that is not UTF-8.
    let vault_dir = Dir::new("bad-utf8-pw");
    let vault = Vault::new(&vault_dir);
    let before = vault.bytes();
    let bad_pw = vault_dir.path("bad-pw.txt");
    fs::write(&bad_pw, b"wachtwoord\xff\n").unwrap();
    let run = tweestap(&[
        "list",
        "--json",
        "--vault",
        &vault.path,
        "--no-keyring",
        "--password-file",
        &bad_pw,
    ]);
    assert_error(&run, 2, "password_file", &[], "password file");
    // An argument that is not UTF-8 (a Unix argument is bytes; Windows' is UTF-16).
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let output = Command::new(env!("CARGO_BIN_EXE_tweestap"))
            .args([
                OsStr::new("inspect"),
                OsStr::from_bytes(b"otpauth://totp/\xff"),
                OsStr::new("--json"),
            ])
            .env_remove("TWEESTAP_VAULT")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        };
        assert_error(&run, 2, "usage", &[], "argument");
    }
    assert_eq!(vault.bytes(), before);
}

#[test]
fn wrong_passwords() {
    let dir = Dir::new("bad-pw");
    let vault = Vault::new(&dir);
    let before = vault.bytes();
    let wrong = "not the password at all";
    let wrong_file = dir.file("wrong.txt", &format!("{wrong}\n"));
    let run = tweestap(&[
        "list",
        "--json",
        "--vault",
        &vault.path,
        "--no-keyring",
        "--password-file",
        &wrong_file,
    ]);
    assert_error(&run, 2, "wrong_password", &[wrong, PASSWORD], "vault");
    // An encrypted export with the wrong password.
    let aegis = std::env::var("TWEESTAP_FIXTURES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
        })
        .join("vectors/aegis/encrypted_basic.json");
    let aegis = aegis.display().to_string();
    assert_error(
        &vault.run(&["import", &aegis, "--password-file", &wrong_file]),
        2,
        "wrong_password",
        &[wrong, PASSWORD],
        "aegis",
    );
    assert_eq!(vault.bytes(), before);
}

/// Every byte of the vault's prefix and header flipped (and a sample of its ciphertext, whose
/// check needs the password's key derivation): `integrity_error`, the file unchanged.
#[test]
fn every_header_byte_of_a_vault_flipped() {
    let dir = Dir::new("bad-flip");
    let vault = Vault::new(&dir);
    let good = vault.bytes();
    let header_end = 46 + u32::from_le_bytes(good[10..14].try_into().unwrap()) as usize;
    let ciphertext: Vec<usize> = (header_end..good.len())
        .step_by((good.len() - header_end) / 5)
        .collect();
    for i in (0..header_end).chain(ciphertext) {
        let mut bad = good.clone();
        bad[i] ^= 0x01;
        fs::write(&vault.path, &bad).unwrap();
        let run = vault.run(&["list"]);
        assert_error(
            &run,
            1,
            "integrity_error",
            &[PASSWORD, KEY],
            &format!("byte {i}"),
        );
        assert_eq!(vault.bytes(), bad, "byte {i}: the file was changed");
    }
}

#[test]
fn full_disk() {
    if !is_root() {
        return skip("CLI full disk", "needs root to mount a small tmpfs");
    }
    let dir = Dir::new("bad-full");
    let _mount = match Mount::tmpfs(&dir.0, "256k") {
        Ok(m) => m,
        Err(e) => return skip("CLI full disk", &format!("cannot mount tmpfs: {e}")),
    };
    let vault = Vault::new(&dir);
    let before = vault.bytes();
    let links = dir.file(
        "links.txt",
        &format!("otpauth://totp/New:one?secret={KEY}\n"),
    );
    let new_pw = dir.file("new-pw.txt", "another password\n");
    fill(&dir.0.join("filler"));
    let add = format!("otpauth://totp/Other:piet?secret={KEY}");
    let out = dir.path("export.txt");
    for args in [
        &["add", &add][..],
        &["import", &links],
        &["passwd", "--new-password-file", &new_pw],
        &["rename", "BLk", "--issuer", "Other"],
        &["export", "--format", "uris", "--out", &out],
    ] {
        let run = vault.run(args);
        assert_error(&run, 1, "disk_full", &[KEY, PASSWORD], args[0]);
        assert_eq!(vault.bytes(), before, "{}", args[0]);
    }
    assert!(!std::path::Path::new(&out).exists());
    init_refused_and_vault_still_read(&dir, &vault, "disk_full");
}

#[test]
fn read_only_data_folder() {
    if !is_root() {
        return skip(
            "CLI read-only folder",
            "needs root for a read-only bind mount",
        );
    }
    let dir = Dir::new("bad-ro");
    let vault = Vault::new(&dir);
    let before = vault.bytes();
    let links = Dir::new("bad-ro-links");
    let links = links.file(
        "links.txt",
        &format!("otpauth://totp/New:one?secret={KEY}\n"),
    );
    let _mount = match Mount::read_only(&dir.0) {
        Ok(m) => m,
        Err(e) => return skip("CLI read-only folder", &format!("cannot bind-mount: {e}")),
    };
    let add = format!("otpauth://totp/Other:piet?secret={KEY}");
    let out = dir.path("export.txt");
    for args in [
        &["add", &add][..],
        &["import", &links],
        &["remove", "BLk"],
        &["export", "--format", "uris", "--out", &out],
    ] {
        let run = vault.run(args);
        assert_error(&run, 1, "read_only", &[KEY, PASSWORD], args[0]);
        assert_eq!(vault.bytes(), before, "{}", args[0]);
    }
    init_refused_and_vault_still_read(&dir, &vault, "read_only");
}

/// 100 000 accounts through `tweestap import`: all stored in one write.
#[test]
fn hundred_thousand_accounts() {
    let dir = Dir::new("bad-100k");
    let vault = Vault::new(&dir);
    let mut text = String::new();
    for i in 0..100_000u32 {
        let key = tweestap_core::base32::encode(format!("{i:010}").as_bytes());
        text.push_str(&format!(
            "otpauth://totp/S{}:user{i}?secret={key}\n",
            i % 89
        ));
    }
    let file = dir.file("many.txt", &text);
    let started = std::time::Instant::now();
    let run = vault.run(&["import", &file]).ok();
    assert_eq!(run.json()["accounts"].as_array().unwrap().len(), 100_000);
    let listed = vault.run(&["list"]).ok();
    assert_eq!(listed.json()["accounts"].as_array().unwrap().len(), 100_001);
    eprintln!(
        "100 000 accounts imported and listed in {:?}",
        started.elapsed()
    );
    assert!(started.elapsed().as_secs() < 180);
}

#[test]
fn scan_timeouts_that_are_not_seconds_are_usage_errors() {
    for bad in ["nan", "inf", "-1", "86401", "soon"] {
        let run = tweestap(&["scan", "--screen", &format!("--timeout={bad}")]);
        assert_eq!(run.code, 2, "--timeout {bad}: {}", run.stderr);
        assert!(
            run.stderr.contains("number of seconds"),
            "--timeout {bad}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("panicked"),
            "--timeout {bad}: {}",
            run.stderr
        );
    }
}

/// A FIFO would make `import` wait for a writer for ever and `/dev/zero` would be read without
/// end (issue 17): both, and a folder, are refused at once as `not_a_file`, by `import` and by
/// `scan`. The child is killed if it is still running after 20 s, so a hang fails the test.
#[cfg(unix)]
#[test]
fn special_files_are_refused_at_once() {
    let dir = Dir::new("special-files");
    let fifo = dir.path("export.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for (path, what) in [
        (fifo.as_str(), "FIFO"),
        ("/dev/zero", "device"),
        (dir.0.to_str().unwrap(), "folder"),
    ] {
        let run = tweestap_with_deadline(&["import", path, "--dry-run", "--json"]);
        assert_error(&run, 2, "not_a_file", &[], what);
        let message = run.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains(what), "{what}: {message}");
        let run = tweestap_with_deadline(&["scan", path, "--json"]);
        assert_eq!(run.code, 2, "scan {what}: {}", run.stdout);
        let error = &run.json()["results"][0]["error"];
        assert!(
            error["message"].as_str().unwrap().contains(what),
            "scan {what}: {error}"
        );
    }
}

/// Runs the CLI, killing it after 20 s (a hang is then a failure, not a stuck test run).
#[cfg(unix)]
fn tweestap_with_deadline(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tweestap"))
        .args(args)
        .env_remove("TWEESTAP_VAULT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if child.try_wait().unwrap().is_some() {
            let out = child.wait_with_output().unwrap();
            return Run {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            };
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("tweestap {args:?} was still running after 20 s");
}
