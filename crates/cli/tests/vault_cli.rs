//! The vault commands of the `tweestap` binary: init, add, list, code, rename, remove,
//! restore and passwd, with a password file and no keyring (the headless route), and with the
//! real Secret Service when run under `scripts/with-keyring` (as `make test` does).

use std::path::{Path, PathBuf};
use std::process::Command;

mod cli_support;

use cli_support::{Dir, tweestap};
use serde_json::Value;

const URI: &str = "otpauth://totp/BLk:jan%40example.nl?secret=JBSWY3DPEHPK3PXP&issuer=BLk";
const RESET_URI: &str = "otpauth://totp/BLk:jan%40example.nl?secret=KRSXG5CTMVRXEZLU&issuer=BLk";
const AT: &str = "1700000000";

/// `args` followed by the headless vault options.
fn with_vault<'a>(args: &[&'a str], vault: &'a str, password_file: &'a str) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend([
        "--vault",
        vault,
        "--no-keyring",
        "--password-file",
        password_file,
    ]);
    all
}

#[test]
fn headless_vault_lifecycle() {
    let dir = Dir::new("headless");
    let vault = dir.vault();
    let pw = dir.file("pw.txt", "correct horse battery\n");
    let v = |args: &[&'static str]| -> Vec<String> {
        with_vault(args, &vault, &pw)
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let run = |args: Vec<String>| tweestap(&args.iter().map(String::as_str).collect::<Vec<_>>());

    // No vault yet: a clear bad-input error.
    let missing = run(v(&["list", "--json"]));
    assert_eq!(missing.code, 2);
    assert_eq!(missing.error_kind(), "vault_not_found");

    let created = run(v(&["init", "--json"])).ok().json();
    assert_eq!(created["keyring"], false);
    assert_eq!(created["password"], true);
    // A second init never overwrites.
    let again = run(v(&["init", "--json"]));
    assert_eq!(
        (again.code, again.error_kind().as_str()),
        (2, "vault_exists")
    );

    let added = run(v(&["add", URI, "--json"])).ok().json();
    assert_eq!(added["accounts"][0]["status"], "added");
    let id = added["accounts"][0]["id"].as_str().unwrap().to_owned();
    let mut manual = v(&[
        "add",
        "--secret",
        "gezd gnbv gy3t qojq",
        "--issuer",
        "Bank",
        "--account",
        "piet",
    ]);
    manual.push("--json".into());
    assert_eq!(run(manual).ok().json()["accounts"][0]["status"], "added");

    // list: exactly the contract's fields, never a secret.
    let listing = run(v(&["list", "--json"])).ok();
    assert!(
        !listing.stdout.contains("JBSWY3DPEHPK3PXP")
            && !listing.stdout.to_lowercase().contains("secret")
    );
    let accounts = listing.json()["accounts"].as_array().unwrap().clone();
    assert_eq!(accounts.len(), 2);
    let first = accounts[0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "account",
            "algorithm",
            "digits",
            "id",
            "issuer",
            "period",
            "type"
        ]
    );
    assert_eq!(first["issuer"], "BLk");
    assert_eq!(first["account"], "jan@example.nl");
    assert_eq!(first["type"], "totp");
    assert_eq!(first["algorithm"], "SHA1");
    assert_eq!(first["period"], 30);

    // code from the vault (by name, by id, by id prefix) equals the code of the link.
    let expected = tweestap(&["code", URI, "--at", AT]).ok().stdout;
    for query in ["BLk", id.as_str(), &id[..6], "blk:jan@example.nl"] {
        let mut args = v(&["code", "--at", AT]);
        args.insert(1, query.to_owned());
        assert_eq!(run(args).ok().stdout, expected, "code {query}");
    }
    let mut unknown = v(&["code", "Nope", "--json"]);
    unknown.push("--at".into());
    unknown.push(AT.into());
    let unknown = run(unknown);
    assert_eq!(
        (unknown.code, unknown.error_kind().as_str()),
        (2, "not_found")
    );
    // Without a vault, a non-link stays a link error (the contract scripts rely on).
    let no_vault = tweestap(&[
        "code",
        "BLk",
        "--json",
        "--vault",
        "/nonexistent/v.tweestap",
    ]);
    assert_eq!(
        (no_vault.code, no_vault.error_kind().as_str()),
        (2, "invalid_scheme")
    );

    // Re-enrollment: the same login with another key is refused unless --replace.
    let conflict = run(v(&["add", RESET_URI, "--json"]));
    assert_eq!(
        (conflict.code, conflict.error_kind().as_str()),
        (1, "account_exists")
    );
    assert!(
        conflict.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--replace")
    );
    let unchanged = run(v(&["add", URI, "--json"])).ok().json();
    assert_eq!(unchanged["accounts"][0]["status"], "unchanged");
    let replaced = run(v(&["add", RESET_URI, "--replace", "--json"]))
        .ok()
        .json();
    assert_eq!(replaced["accounts"][0]["status"], "replaced");
    assert_eq!(replaced["accounts"][0]["id"], id.as_str());
    let reset_code = tweestap(&["code", RESET_URI, "--at", AT]).ok().stdout;
    let mut args = v(&["code", "--at", AT]);
    args.insert(1, id.clone());
    assert_eq!(run(args).ok().stdout, reset_code);

    // rename, remove, restore.
    let mut rename = v(&["rename", "--issuer", "BLk portal"]);
    rename.insert(1, id.clone());
    run(rename).ok();
    let mut remove = v(&["remove"]);
    remove.insert(1, "BLk portal".into());
    assert!(run(remove).ok().stdout.contains("restore"));
    let live = run(v(&["list", "--json"])).ok().json();
    assert_eq!(live["accounts"].as_array().unwrap().len(), 1);
    let deleted = run(v(&["list", "--deleted", "--json"])).ok().json();
    assert_eq!(deleted["accounts"][0]["issuer"], "BLk portal");
    assert!(deleted["accounts"][0]["purge_at"].as_i64().unwrap() > 0);
    let mut restore = v(&["restore"]);
    restore.insert(1, id.clone());
    run(restore).ok();
    let live = run(v(&["list", "--json"])).ok().json();
    assert_eq!(live["accounts"].as_array().unwrap().len(), 2);

    // passwd: change, then the old password is wrong; removing the only key is refused.
    let new_pw = dir.file("new.txt", "another secret phrase");
    let mut change = v(&["passwd"]);
    change.extend(["--new-password-file".to_owned(), new_pw.clone()]);
    run(change).ok();
    let old = run(v(&["list", "--json"]));
    assert_eq!((old.code, old.error_kind().as_str()), (2, "wrong_password"));
    let listing = tweestap(&with_vault(&["list", "--json"], &vault, &new_pw))
        .ok()
        .json();
    assert_eq!(listing["accounts"].as_array().unwrap().len(), 2);
    let only_key = tweestap(&with_vault(
        &["passwd", "--remove", "--json"],
        &vault,
        &new_pw,
    ));
    assert_eq!(
        (only_key.code, only_key.error_kind().as_str()),
        (2, "keyring_required")
    );

    // No password at all: asked for, with the flag to use.
    let none = tweestap(&["list", "--vault", &vault, "--no-keyring"]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("--password-file"), "{}", none.stderr);
    assert_eq!(none.stderr.lines().count(), 1);
}

#[test]
fn failed_commands_leave_the_vault_file_untouched() {
    let dir = Dir::new("untouched");
    let vault = dir.vault();
    let pw = dir.file("pw.txt", "pw-one");
    tweestap(&with_vault(&["init"], &vault, &pw)).ok();
    tweestap(&with_vault(&["add", URI], &vault, &pw)).ok();
    let before = std::fs::read(&vault).unwrap();
    let wrong = dir.file("wrong.txt", "pw-two");
    for args in [
        vec!["add", "otpauth://totp/X?secret=1"],
        vec!["add", RESET_URI],
        vec!["remove", "nobody"],
        vec!["rename", "nobody", "--issuer", "x"],
        vec!["restore", "nobody"],
    ] {
        let r = tweestap(&with_vault(&args, &vault, &pw));
        assert_ne!(r.code, 0, "{args:?} should fail");
        assert_eq!(
            std::fs::read(&vault).unwrap(),
            before,
            "{args:?} changed the file"
        );
    }
    let r = tweestap(&with_vault(
        &["add", RESET_URI, "--replace"],
        &vault,
        &wrong,
    ));
    assert_eq!(r.code, 2);
    assert_eq!(std::fs::read(&vault).unwrap(), before);
    let empty = dir.file("empty.txt", "\n");
    let r = tweestap(&with_vault(&["list"], &vault, &empty));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("empty"), "{}", r.stderr);
}

#[test]
fn a_migration_link_adds_every_account_it_holds() {
    let fixtures = fixtures_dir();
    let cases: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures.join("vectors/migration.json")).unwrap(),
    )
    .unwrap();
    // The first batch whose every entry is a valid account.
    let case = cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["expected"]["accounts"]
                .as_array()
                .is_some_and(|a| a.len() >= 2 && a.iter().all(|e| e.get("error").is_none()))
        })
        .expect("a migration fixture with two or more valid accounts");
    let uri = case["input"].as_str().unwrap();
    let mut logins: Vec<(String, String)> = case["expected"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["issuer"].to_string(), a["account"].to_string()))
        .collect();
    logins.sort();
    logins.dedup();
    let dir = Dir::new("migration");
    let vault = dir.vault();
    let pw = dir.file("pw.txt", "pw");
    tweestap(&with_vault(&["init"], &vault, &pw)).ok();
    let added = tweestap(&with_vault(&["add", uri, "--json"], &vault, &pw))
        .ok()
        .json();
    let statuses: Vec<&str> = added["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert!(statuses.iter().all(|s| *s == "added"), "{statuses:?}");
    let listed = tweestap(&with_vault(&["list", "--json"], &vault, &pw))
        .ok()
        .json();
    assert_eq!(listed["accounts"].as_array().unwrap().len(), logins.len());
}

fn fixtures_dir() -> PathBuf {
    std::env::var_os("TWEESTAP_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"))
}

fn real_keyring_requested() -> bool {
    if std::env::var("TWEESTAP_REAL_KEYRING").as_deref() == Ok("1") {
        return true;
    }
    eprintln!(
        "SKIPPED real keyring test: run under scripts/with-keyring (sets TWEESTAP_REAL_KEYRING=1)"
    );
    false
}

#[test]
fn keyring_vault_opens_without_a_password_and_survives_a_lost_keyring_entry() {
    if !real_keyring_requested() {
        return;
    }
    let dir = Dir::new("keyring");
    let vault = dir.vault();
    let created = tweestap(&["init", "--vault", &vault, "--json"]).ok().json();
    assert_eq!(
        (created["keyring"].as_bool(), created["password"].as_bool()),
        (Some(true), Some(false))
    );
    tweestap(&["add", URI, "--vault", &vault]).ok();
    let expected = tweestap(&["code", URI, "--at", AT]).ok().stdout;
    assert_eq!(
        tweestap(&["code", "BLk", "--at", AT, "--vault", &vault])
            .ok()
            .stdout,
        expected
    );

    // Add a password, then lose the keyring entry (a new computer): the error says what to
    // do, the password opens the vault, and --add-keyring puts the key back.
    let pw = dir.file("pw.txt", "backup password");
    tweestap(&["passwd", "--vault", &vault, "--new-password-file", &pw]).ok();
    let user = format!("vault-{}", vault_id(&vault));
    let cleared = Command::new("secret-tool")
        .args(["clear", "service", "tweestap", "username", &user])
        .status()
        .unwrap();
    assert!(cleared.success());
    let lost = tweestap(&["code", "BLk", "--vault", &vault, "--json"]);
    assert_eq!(lost.error_kind(), "keyring_missing");
    assert!(
        lost.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unlock with your password")
    );
    tweestap(&[
        "passwd",
        "--vault",
        &vault,
        "--password-file",
        &pw,
        "--add-keyring",
    ])
    .ok();
    assert_eq!(
        tweestap(&["code", "BLk", "--at", AT, "--vault", &vault])
            .ok()
            .stdout,
        expected
    );
}

/// The vault id, from the plain-JSON header (docs/VAULT.md), which names the keyring entry.
fn vault_id(vault: &str) -> String {
    let bytes = std::fs::read(vault).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let start = text
        .find("\"vault_id\":\"")
        .expect("vault_id in the header")
        + 12;
    text[start..start + text[start..].find('"').unwrap()].to_owned()
}

/// Issue 17: after a portal reset (`add --replace`), the copy that held the old key is listed
/// by `restore --backup --list` (names only, never keys) and restored with `--from`; a vault
/// that opens fine is only replaced with `--yes`.
#[test]
fn restore_lists_copies_and_brings_back_a_replaced_key() {
    let dir = Dir::new("restore-copies");
    let vault = dir.vault();
    let pw = dir.file("pw.txt", "correct horse battery\n");
    let run = |args: &[&str]| tweestap(&with_vault(args, &vault, &pw));
    run(&["init", "--json"]).ok();
    run(&["add", URI, "--json"]).ok();
    let before = run(&["code", "BLk", "--at", AT, "--json"]).ok().json()["code"].clone();
    let replaced = run(&["add", RESET_URI, "--replace", "--json"]).ok().json();
    assert_eq!(replaced["accounts"][0]["status"], "replaced");
    for i in 0..15 {
        let link = format!("otpauth://totp/Other:u{i}?secret=GEZDGNBVGY3TQOJQ");
        run(&["add", &link, "--json"]).ok();
    }

    let listed = run(&["restore", "--backup", "--list", "--json"]).ok();
    assert!(
        !listed.stdout.contains("JBSWY3DPEHPK3PXP"),
        "a key in the list"
    );
    assert!(
        !listed.stdout.contains("KRSXG5CTMVRXEZLU"),
        "a key in the list"
    );
    let copies = listed.json()["copies"].as_array().unwrap().clone();
    let kinds: Vec<&str> = copies.iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "automatic").count(),
        10,
        "{kinds:?}"
    );
    assert_eq!(kinds.last(), Some(&"previous"));
    let old: Vec<&Value> = copies.iter().filter(|c| c["kind"] == "old_key").collect();
    assert_eq!(old.len(), 1, "{kinds:?}");
    assert_eq!(old[0]["accounts"][0]["issuer"], "BLk");
    assert_eq!(old[0]["accounts"][0]["key_in_vault"], false);
    let old_path = old[0]["path"].as_str().unwrap().to_owned();

    // The vault opens fine: not replaced without --yes, and nothing changed.
    let file_before = std::fs::read(&vault).unwrap();
    let refused = run(&["restore", "--backup", "--from", &old_path, "--json"]);
    assert_eq!(
        (refused.code, refused.error_kind().as_str()),
        (2, "vault_healthy")
    );
    assert_eq!(std::fs::read(&vault).unwrap(), file_before);

    let restored = run(&[
        "restore", "--backup", "--from", &old_path, "--yes", "--json",
    ])
    .ok()
    .json();
    assert!(restored["damaged_copy"].is_string());
    let after = run(&["code", "BLk", "--at", AT, "--json"]).ok().json()["code"].clone();
    assert_eq!(after, before, "the old key is back");
}

#[test]
fn a_damaged_vaults_copies_are_listed_and_it_is_restored_without_yes() {
    let dir = Dir::new("restore-damaged");
    let vault = dir.vault();
    let pw = dir.file("pw.txt", "correct horse battery\n");
    let run = |args: &[&str]| tweestap(&with_vault(args, &vault, &pw));
    run(&["init", "--json"]).ok();
    run(&["add", URI, "--json"]).ok();
    run(&[
        "add",
        "otpauth://totp/Other:u?secret=GEZDGNBVGY3TQOJQ",
        "--json",
    ])
    .ok();
    let mut bytes = std::fs::read(&vault).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    std::fs::write(&vault, &bytes).unwrap();
    assert_eq!(run(&["list", "--json"]).error_kind(), "integrity_error");

    // The copies are read with the key of the newest copy that opens.
    let listed = run(&["restore", "--backup", "--list", "--json"])
        .ok()
        .json();
    assert_eq!(listed["vault_opens"], false);
    let copies = listed["copies"].as_array().unwrap();
    let previous = copies.iter().find(|c| c["kind"] == "previous").unwrap();
    let names: Vec<&str> = previous["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["issuer"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["BLk"]);
    assert!(previous["accounts"][0]["key_in_vault"].is_null());

    // A damaged vault is what restoring is for: no --yes needed.
    let restored = run(&["restore", "--backup", "--json"]).ok().json();
    assert!(restored["damaged_copy"].is_string());
    assert_eq!(restored["accounts"], 1);
}
