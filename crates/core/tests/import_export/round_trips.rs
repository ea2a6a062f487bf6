//! Export then import gives the same accounts, in every format (property tests); an import is
//! previewed, planned and committed in one vault write, and a cancelled or failed import
//! leaves the vault file byte for byte as it was; automatic backups after every change.

use std::fs;
use std::sync::mpsc;
use std::time::Duration;

use super::links::{algorithm, name};
use crate::vault_support::*;
use proptest::prelude::*;
use tweestap_core::account::{Account, Algorithm, OtpKind, Secret};
use tweestap_core::export::{self, AegisEncryption, GOOGLE_ACCOUNTS_PER_CODE};
use tweestap_core::import::ImportPreview;
use tweestap_core::import::{
    self, Format, ImportOptions, ImportOutcome, NewAccount, PlanStatus, Resolution, ScryptCost,
    Source,
};
use tweestap_core::vault::{AUTO_BACKUPS_KEPT, AccountSummary, KdfParams, Unlock, Vault};
use tweestap_core::{ErrorKind, format_otpauth};

// ---------------------------------------------------------------------------------------
// Generators, with links.rs's names and algorithms (names never start or end with a space,
// which every link reader trims).

fn account_with(
    kind: impl Strategy<Value = OtpKind>,
    digits: impl Strategy<Value = u8>,
) -> impl Strategy<Value = Account> {
    (
        kind,
        name(),
        name(),
        prop::collection::vec(any::<u8>(), 1..=64),
        algorithm(),
        digits,
    )
        .prop_map(|(kind, issuer, account, secret, algorithm, digits)| {
            let steam = kind == OtpKind::Steam;
            Account {
                kind,
                issuer,
                account,
                secret: Secret::new(secret),
                algorithm: if steam { Algorithm::Sha1 } else { algorithm },
                digits: if steam { 5 } else { digits },
            }
        })
}

/// Any account Tweestap stores (TOTP, HOTP, Steam).
fn any_account() -> impl Strategy<Value = Account> {
    let kind = prop_oneof![
        (1..=tweestap_core::account::MAX_PERIOD).prop_map(|period| OtpKind::Totp { period }),
        any::<u64>().prop_map(|counter| OtpKind::Hotp { counter }),
        Just(OtpKind::Steam),
    ];
    account_with(kind, 6..=8u8)
}

/// What a Google Authenticator export carries.
fn google_account() -> impl Strategy<Value = Account> {
    let kind = prop_oneof![
        Just(OtpKind::Totp { period: 30 }),
        any::<u64>().prop_map(|counter| OtpKind::Hotp { counter }),
    ];
    account_with(kind, prop_oneof![Just(6u8), Just(8u8)])
}

fn item() -> impl Strategy<Value = NewAccount> {
    (
        any_account(),
        prop::option::of("[a-zA-Z éü]{1,12}"),
        any::<bool>(),
    )
        .prop_map(|(account, group, favourite)| NewAccount {
            account,
            group,
            favourite,
            icon: None,
        })
}

fn accounts_of(items: &[NewAccount]) -> Vec<Account> {
    items.iter().map(|i| i.account.clone()).collect()
}

fn read_back(
    bytes: &[u8],
    format: Option<Format>,
    password: Option<&str>,
) -> import::ImportPreview {
    import::preview(
        &[Source::new("export", bytes.to_vec())],
        ImportOptions { format, password },
    )
    .unwrap_or_else(|e| panic!("{}: {e}", e.kind()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn uris_round_trip(items in prop::collection::vec(item(), 1..8)) {
        let text = export::uris(&items);
        let back = read_back(text.as_bytes(), None, None);
        prop_assert_eq!(back.format, Format::Uris);
        prop_assert_eq!(accounts_of(&back.accounts), accounts_of(&items));
        prop_assert!(back.skipped.is_empty());
    }

    #[test]
    fn aegis_plain_round_trip(items in prop::collection::vec(item(), 0..8)) {
        let json = export::aegis(&items, None).unwrap();
        let back = read_back(&json, None, None);
        prop_assert_eq!(back.format, Format::Aegis);
        // Aegis keeps groups and favourites too.
        prop_assert_eq!(back.accounts, items);
    }

    #[test]
    fn google_round_trip(accounts in prop::collection::vec(google_account(), 1..25)) {
        let items: Vec<NewAccount> = accounts.iter().cloned().map(NewAccount::from).collect();
        let links = export::google_links(&items);
        prop_assert!(links.skipped.is_empty());
        prop_assert!(links.links.len() >= accounts.len().div_ceil(GOOGLE_ACCOUNTS_PER_CODE));
        let mut per_link = 0;
        for link in &links.links {
            let batch = tweestap_core::migration::parse_migration(link).unwrap();
            prop_assert!(batch.entries.len() <= GOOGLE_ACCOUNTS_PER_CODE);
            prop_assert_eq!(batch.batch.batch_size as usize, links.links.len());
            per_link += batch.entries.len();
        }
        prop_assert_eq!(per_link, accounts.len());
        // As separate files in reverse order: collected by batch index.
        let sources: Vec<Source> = links
            .links
            .iter()
            .rev()
            .map(|l| Source::new("code", l.as_bytes().to_vec()))
            .collect();
        let back = import::preview(&sources, ImportOptions::default()).unwrap();
        prop_assert!(back.is_complete());
        prop_assert_eq!(back.format, Format::Google);
        prop_assert_eq!(accounts_of(&back.accounts), accounts);
    }
}

proptest! {
    // Each case runs scrypt or Argon2id and writes files: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn aegis_encrypted_round_trip(items in prop::collection::vec(item(), 0..6), password in "\\PC{1,16}") {
        let enc = AegisEncryption { password: &password, cost: ScryptCost::insecure_for_tests() };
        let json = export::aegis(&items, Some(enc)).unwrap();
        let back = read_back(&json, None, Some(&password));
        prop_assert_eq!(back.accounts, items);
        let wrong = format!("{password}x");
        let err = import::preview(&[Source::new("x", json.to_vec())], ImportOptions { format: None, password: Some(&wrong) }).unwrap_err();
        prop_assert_eq!(err.kind(), "wrong_password");
    }

    #[test]
    fn backup_round_trip(items in prop::collection::vec(item(), 0..6)) {
        let dir = TempDir::new("backup-prop");
        let mut vault = create_password_vault(&dir.vault());
        let outcomes = vault.import_accounts(items.clone(), |_, _, _| Resolution::KeepBoth).unwrap().unwrap();
        prop_assert_eq!(outcomes.len(), items.len());
        let bytes = vault.export_backup("backup password", KdfParams::insecure_for_tests()).unwrap();
        let back = read_back(&bytes, None, Some("backup password"));
        prop_assert_eq!(back.format, Format::Backup);
        // Identical repeats within `items` were stored once.
        let mut expected: Vec<NewAccount> = Vec::new();
        for i in &items {
            if !expected.iter().any(|e| e.account == i.account) {
                expected.push(i.clone());
            }
        }
        prop_assert_eq!(back.accounts, expected);
    }
}

// ---------------------------------------------------------------------------------------
// Export details.

#[test]
fn aegis_export_is_readable_with_aegis_parameters() {
    let items = vec![
        NewAccount {
            group: Some("Werk".into()),
            favourite: true,
            ..NewAccount::from(totp("BLk", "jan@example.nl", b"12345678901234567890"))
        },
        NewAccount::from(Account {
            kind: OtpKind::Steam,
            algorithm: Algorithm::Sha1,
            digits: 5,
            ..totp("Steam", "gaben", b"steam-secret")
        }),
    ];
    let json = export::aegis(
        &items,
        Some(AegisEncryption {
            password: "wachtwoord",
            cost: ScryptCost::AEGIS,
        }),
    )
    .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let slot = &value["header"]["slots"][0];
    assert_eq!(
        (&slot["type"], &slot["n"], &slot["r"], &slot["p"]),
        (&1.into(), &32768.into(), &8.into(), &1.into())
    );
    assert_eq!(slot["salt"].as_str().unwrap().len(), 64);
    assert_eq!(slot["key"].as_str().unwrap().len(), 64);
    assert!(value["db"].is_string());
    let text = String::from_utf8(json.to_vec()).unwrap();
    assert!(
        !text.contains("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        "key in clear"
    );
    let back = read_back(&json, None, Some("wachtwoord"));
    assert_eq!(back.accounts, items);
    // Plain: Aegis's content version 3 with groups by UUID.
    let plain: serde_json::Value =
        serde_json::from_slice(&export::aegis(&items, None).unwrap()).unwrap();
    assert_eq!(plain["header"]["slots"], serde_json::Value::Null);
    assert_eq!(plain["db"]["version"], 3);
    assert_eq!(plain["db"]["groups"][0]["name"], "Werk");
    assert_eq!(
        plain["db"]["entries"][0]["groups"][0],
        plain["db"]["groups"][0]["uuid"]
    );
    assert_eq!(plain["db"]["entries"][1]["type"], "steam");
    // Bad encryption settings are refused before anything is written.
    let bad = AegisEncryption {
        password: "",
        cost: ScryptCost::AEGIS,
    };
    assert_eq!(
        export::aegis(&items, Some(bad)).unwrap_err().kind(),
        "password_required"
    );
    let bad = AegisEncryption {
        password: "x",
        cost: ScryptCost {
            n: 1000,
            r: 8,
            p: 1,
        },
    };
    assert_eq!(
        export::aegis(&items, Some(bad)).unwrap_err().kind(),
        "invalid_kdf_params"
    );
}

#[test]
fn google_export_skips_what_it_cannot_carry_and_draws_scannable_codes() {
    let mut items: Vec<NewAccount> = (0..23)
        .map(|n| {
            NewAccount::from(totp(
                "Ex",
                &format!("user{n}"),
                format!("secret-{n}").as_bytes(),
            ))
        })
        .collect();
    let mut seven = totp("Seven", "x", b"k");
    seven.digits = 7;
    let mut minute = totp("Minute", "x", b"k");
    minute.kind = OtpKind::Totp { period: 60 };
    let steam = Account {
        kind: OtpKind::Steam,
        digits: 5,
        ..totp("Steam", "x", b"k")
    };
    items.extend([seven, minute, steam].map(NewAccount::from));
    let links = export::google_links(&items);
    let reasons: Vec<&str> = links.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "unsupported_digits",
            "unsupported_period",
            "unsupported_type"
        ]
    );
    assert_eq!(links.links.len(), 3);
    let pngs = export::google_qr_codes(&links);
    let sources: Vec<Source> = pngs
        .iter()
        .enumerate()
        .map(|(n, png)| Source::new(format!("code-{n}.png"), png.to_vec()))
        .collect();
    let back = import::preview(&sources, ImportOptions::default()).unwrap();
    assert_eq!(back.format, Format::Google);
    assert!(back.is_complete());
    assert_eq!(accounts_of(&back.accounts), accounts_of(&items[..23]));
    // Two of three codes: the preview shows them, but the import waits for the third.
    let partial = import::preview(&sources[..2], ImportOptions::default()).unwrap();
    assert!(!partial.is_complete());
    assert_eq!(partial.exports[0].to_string(), "2 of 3");
    let dir = TempDir::new("google-partial");
    let mut vault = create_password_vault(&dir.vault());
    let before = fs::read(dir.vault()).unwrap();
    let err = plan_and_commit(&mut vault, &partial, |_, _, _| Resolution::Skip).unwrap_err();
    assert_eq!(err.kind(), "incomplete_export");
    assert!(err.to_string().contains("missing: number 3"), "{err}");
    assert_eq!(fs::read(dir.vault()).unwrap(), before);
}

// ---------------------------------------------------------------------------------------
// Preview, plan, commit.

const OLD_KEY: &[u8] = b"old key old key old!";
const NEW_KEY: &[u8] = b"new key new key new!";

/// A vault with BLk (jan) and Mail (ann), and a link list holding BLk (jan) with the same key,
/// Mail (ann) with a new key, Forum (bob) twice and Bank (piet).
fn vault_and_preview(dir: &TempDir) -> (Vault, import::ImportPreview) {
    let mut vault = create_password_vault(&dir.vault());
    vault.add(totp("BLk", "jan", OLD_KEY)).unwrap();
    vault.add(totp("Mail", "ann", OLD_KEY)).unwrap();
    let links: Vec<String> = [
        totp("BLk", "jan", OLD_KEY),
        totp("Mail", "ann", NEW_KEY),
        totp("Forum", "bob", NEW_KEY),
        totp("Forum", "bob", NEW_KEY),
        totp("Bank", "piet", NEW_KEY),
    ]
    .iter()
    .map(|a| format_otpauth(a).as_str().to_owned())
    .collect();
    let preview = import::preview(
        &[Source::new("links.txt", links.join("\n").into_bytes())],
        ImportOptions::default(),
    )
    .unwrap();
    (vault, preview)
}

/// Plans `preview` against the vault as `vault` last read it, then commits following that plan.
fn plan_and_commit(
    vault: &mut Vault,
    preview: &ImportPreview,
    resolve: impl FnMut(usize, &Account, &AccountSummary) -> Resolution,
) -> Result<Vec<ImportOutcome>, import::ImportError> {
    let plan = import::plan(preview, vault);
    import::commit(vault, preview, &plan, resolve)
}

fn links_preview(accounts: &[Account]) -> ImportPreview {
    import::preview(&[links_source(accounts)], ImportOptions::default()).unwrap()
}

#[test]
fn a_row_the_plan_called_identical_is_skipped_after_an_earlier_replace() {
    // The vault has (Mail, old key); the file has (Mail, new key), a conflict, then
    // (Mail, old key), identical. Replacing on the first must not turn the second into a
    // conflict nobody was asked about (the import could then never succeed).
    let dir = TempDir::new("commit-plan-identical");
    let mut vault = create_password_vault(&dir.vault());
    vault.add(totp("Mail", "ann", OLD_KEY)).unwrap();
    let preview = links_preview(&[totp("Mail", "ann", NEW_KEY), totp("Mail", "ann", OLD_KEY)]);
    let plan = import::plan(&preview, &vault);
    assert!(matches!(plan[0], PlanStatus::Conflict { .. }));
    assert!(matches!(plan[1], PlanStatus::Identical { .. }));
    let mut asked = Vec::new();
    let outcomes = import::commit(&mut vault, &preview, &plan, |index, _, _| {
        asked.push(index);
        if index == 0 {
            Resolution::Replace
        } else {
            Resolution::Cancel
        }
    })
    .unwrap();
    assert_eq!(asked, [0], "only the conflict of the plan is asked about");
    let id = vault.resolve("Mail").unwrap().id;
    assert_eq!(
        outcomes,
        [
            ImportOutcome::Replaced { id: id.clone() },
            ImportOutcome::Skipped {
                existing: id.clone()
            }
        ]
    );
    assert_eq!(labels(&vault), ["Mail (ann)"]);
    assert_eq!(vault.account(&id).unwrap().secret.expose(), NEW_KEY);
}

#[test]
fn two_replaces_of_the_same_account_are_refused() {
    let dir = TempDir::new("commit-replace-twice");
    let mut vault = create_password_vault(&dir.vault());
    vault.add(totp("Mail", "ann", OLD_KEY)).unwrap();
    let before = fs::read(dir.vault()).unwrap();
    let third: &[u8] = b"third key third key!";
    let preview = links_preview(&[totp("Mail", "ann", NEW_KEY), totp("Mail", "ann", third)]);
    let plan = import::plan(&preview, &vault);
    assert!(
        plan.iter()
            .all(|s| matches!(s, PlanStatus::Conflict { .. }))
    );
    let err =
        import::commit(&mut vault, &preview, &plan, |_, _, _| Resolution::Replace).unwrap_err();
    assert_eq!(err.kind(), "replaced_twice");
    assert!(err.to_string().contains("Mail (ann)"), "{err}");
    assert!(err.to_string().contains("keep both"), "{err}");
    assert_eq!(fs::read(dir.vault()).unwrap(), before);
    // Replace one, keep both for the other: both keys are stored.
    let outcomes = import::commit(&mut vault, &preview, &plan, |index, _, _| {
        if index == 0 {
            Resolution::Replace
        } else {
            Resolution::KeepBoth
        }
    })
    .unwrap();
    assert!(matches!(outcomes[0], ImportOutcome::Replaced { .. }));
    assert!(matches!(outcomes[1], ImportOutcome::KeptBoth { .. }));
    assert_eq!(labels(&vault), ["Mail (ann)", "Mail (ann)"]);
}

#[test]
fn a_login_added_since_the_plan_stops_the_commit() {
    // The preview said "new"; another process added the login meanwhile (with another key).
    let dir = TempDir::new("commit-outdated");
    let mut vault = create_password_vault(&dir.vault());
    let preview = links_preview(&[totp("Forum", "bob", NEW_KEY), totp("Bank", "piet", NEW_KEY)]);
    let plan = import::plan(&preview, &vault);
    assert!(plan.iter().all(|s| *s == PlanStatus::New));
    let mut other = open_with_password(&dir.vault());
    other.add(totp("Bank", "piet", OLD_KEY)).unwrap();
    let before = fs::read(dir.vault()).unwrap();
    let err =
        import::commit(&mut vault, &preview, &plan, |_, _, _| Resolution::KeepBoth).unwrap_err();
    assert_eq!(err.kind(), "import_outdated");
    assert!(err.to_string().contains("Bank (piet)"), "{err}");
    assert_eq!(fs::read(dir.vault()).unwrap(), before);
    // A fresh plan sees the conflict and the person's choice applies.
    let outcomes = plan_and_commit(&mut vault, &preview, |_, _, _| Resolution::Replace).unwrap();
    assert!(matches!(outcomes[0], ImportOutcome::Added { .. }));
    assert!(matches!(outcomes[1], ImportOutcome::Replaced { .. }));
}

fn labels(vault: &Vault) -> Vec<String> {
    vault.list().iter().map(|s| s.label()).collect()
}

#[test]
fn plan_names_what_each_account_would_do() {
    let dir = TempDir::new("plan");
    let (vault, preview) = vault_and_preview(&dir);
    let plan = import::plan(&preview, &vault);
    let ids: Vec<String> = vault.list().iter().map(|s| s.id.clone()).collect();
    assert_eq!(plan[0], PlanStatus::Identical { id: ids[0].clone() });
    assert!(matches!(&plan[1], PlanStatus::Conflict { existing } if existing.id == ids[1]));
    assert_eq!(plan[2], PlanStatus::New);
    assert_eq!(
        plan[3],
        PlanStatus::Repeated {
            index: 2,
            identical: true
        }
    );
    assert_eq!(plan[4], PlanStatus::New);
}

#[test]
fn commit_replaces_in_one_write() {
    let dir = TempDir::new("commit-replace");
    let (mut vault, preview) = vault_and_preview(&dir);
    let before = fs::read(dir.vault()).unwrap();
    let backups_before = vault.store().auto_backups().len();
    let mut asked = Vec::new();
    let outcomes = plan_and_commit(&mut vault, &preview, |index, new, existing| {
        asked.push((index, new.issuer.clone(), existing.label()));
        Resolution::Replace
    })
    .unwrap();
    assert_eq!(asked, [(1, "Mail".to_string(), "Mail (ann)".to_string())]);
    let ids: Vec<String> = vault.list().iter().map(|s| s.id.clone()).collect();
    assert!(matches!(&outcomes[0], ImportOutcome::Unchanged { id } if *id == ids[0]));
    assert!(matches!(&outcomes[1], ImportOutcome::Replaced { id } if *id == ids[1]));
    assert!(matches!(&outcomes[2], ImportOutcome::Added { .. }));
    assert!(matches!(&outcomes[3], ImportOutcome::Unchanged { .. }));
    assert!(matches!(&outcomes[4], ImportOutcome::Added { .. }));
    assert_eq!(
        labels(&vault),
        ["BLk (jan)", "Mail (ann)", "Forum (bob)", "Bank (piet)"]
    );
    assert_eq!(vault.account(&ids[1]).unwrap().secret.expose(), NEW_KEY);
    // One write: the previous generation is the backup, and one automatic backup was added.
    assert_eq!(fs::read(vault.store().backup_path()).unwrap(), before);
    assert_eq!(vault.store().auto_backups().len(), backups_before + 1);
    assert_eq!(open_with_password(&dir.vault()).list().len(), 4);
}

#[test]
fn commit_keeps_both_or_skips() {
    let dir = TempDir::new("commit-keep");
    let (mut vault, preview) = vault_and_preview(&dir);
    let outcomes = plan_and_commit(&mut vault, &preview, |_, _, _| Resolution::KeepBoth).unwrap();
    assert!(matches!(&outcomes[1], ImportOutcome::KeptBoth { .. }));
    assert_eq!(
        labels(&vault),
        [
            "BLk (jan)",
            "Mail (ann)",
            "Mail (ann)",
            "Forum (bob)",
            "Bank (piet)"
        ]
    );

    let dir = TempDir::new("commit-skip");
    let (mut vault, preview) = vault_and_preview(&dir);
    let outcomes = plan_and_commit(&mut vault, &preview, |_, _, _| Resolution::Skip).unwrap();
    assert!(matches!(&outcomes[1], ImportOutcome::Skipped { .. }));
    assert_eq!(
        labels(&vault),
        ["BLk (jan)", "Mail (ann)", "Forum (bob)", "Bank (piet)"]
    );
    let mail = vault.resolve("Mail").unwrap();
    assert_eq!(vault.account(&mail.id).unwrap().secret.expose(), OLD_KEY);
}

#[test]
fn nothing_new_writes_nothing() {
    let dir = TempDir::new("commit-nothing");
    let mut vault = create_password_vault(&dir.vault());
    vault.add(totp("BLk", "jan", OLD_KEY)).unwrap();
    let before = fs::read(dir.vault()).unwrap();
    let preview = import::preview(
        &[Source::new(
            "l",
            format_otpauth(&totp("BLk", "jan", OLD_KEY))
                .as_bytes()
                .to_vec(),
        )],
        ImportOptions::default(),
    )
    .unwrap();
    let outcomes = plan_and_commit(&mut vault, &preview, |_, _, _| Resolution::Replace).unwrap();
    assert!(matches!(&outcomes[0], ImportOutcome::Unchanged { .. }));
    assert_eq!(fs::read(dir.vault()).unwrap(), before);
}

#[test]
fn cancel_and_failures_leave_the_vault_byte_identical() {
    let dir = TempDir::new("commit-fail");
    let (mut vault, preview) = vault_and_preview(&dir);
    let before = fs::read(dir.vault()).unwrap();
    let backup_before = fs::read(vault.store().backup_path()).unwrap();
    let listed = labels(&vault);
    let unchanged = |vault: &Vault, what: &str| {
        assert_eq!(
            fs::read(dir.vault()).unwrap(),
            before,
            "{what}: vault changed"
        );
        assert_eq!(
            fs::read(vault.store().backup_path()).unwrap(),
            backup_before,
            "{what}: backup changed"
        );
        assert_eq!(labels(vault), listed, "{what}: the handle's copy changed");
    };

    // Cancelled at the conflict, after two accounts were already taken in.
    let err = plan_and_commit(&mut vault, &preview, |_, _, _| Resolution::Cancel).unwrap_err();
    assert_eq!(err.kind(), "cancelled");
    unchanged(&vault, "cancel");

    // A panic in the middle (a bug in the caller).
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = plan_and_commit(&mut vault, &preview, |_, _, _| panic!("boom"));
    }));
    assert!(result.is_err());
    unchanged(&vault, "panic");

    // Another process holds the vault's lock for longer than the timeout: vault_busy.
    let (held_tx, held_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let path = dir.vault();
    let holder = std::thread::spawn(move || {
        let mut other = open_with_password(&path);
        let preview = import::preview(
            &[Source::new(
                "l",
                format_otpauth(&totp("Mail", "ann", NEW_KEY))
                    .as_bytes()
                    .to_vec(),
            )],
            ImportOptions::default(),
        )
        .unwrap();
        plan_and_commit(&mut other, &preview, |_, _, _| {
            held_tx.send(()).unwrap();
            release_rx.recv().unwrap();
            Resolution::Cancel
        })
        .unwrap_err()
    });
    held_rx.recv().unwrap();
    let mut busy = password_store(&dir.vault())
        .with_lock_timeout(Duration::from_millis(200))
        .unlock(Unlock::Password(PASSWORD))
        .unwrap();
    let err = plan_and_commit(&mut busy, &preview, |_, _, _| Resolution::Replace).unwrap_err();
    assert_eq!(err.kind(), "vault_busy");
    release_tx.send(()).unwrap();
    assert_eq!(holder.join().unwrap().kind(), "cancelled");
    unchanged(&vault, "busy");

    // The same import then goes through.
    plan_and_commit(&mut vault, &preview, |_, _, _| Resolution::Replace).unwrap();
    assert_ne!(fs::read(dir.vault()).unwrap(), before);
}

#[test]
fn a_hundred_thousand_accounts_plan_and_commit_in_linear_time() {
    // 100,000 new accounts, then the same file again (every one identical): the plan and the
    // commit index logins instead of comparing every pair (which took minutes).
    let dir = TempDir::new("commit-large");
    let mut vault = create_password_vault(&dir.vault());
    let n = 100_000;
    let links: String = (0..n)
        .map(|i| {
            let key = format!("key {i:08} for the big import");
            format!(
                "{}\n",
                format_otpauth(&totp(
                    &format!("Service{i}"),
                    &format!("user{i}"),
                    key.as_bytes(),
                ))
                .as_str()
            )
        })
        .collect();
    let preview = import::preview(
        &[Source::new("big.txt", links.into_bytes())],
        ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(preview.accounts.len(), n);
    let started = std::time::Instant::now();
    assert!(
        import::plan(&preview, &vault)
            .iter()
            .all(|s| *s == PlanStatus::New)
    );
    plan_and_commit(&mut vault, &preview, |_, _, _| Resolution::Cancel).unwrap();
    let plan = import::plan(&preview, &vault);
    assert!(
        plan.iter()
            .all(|s| matches!(s, PlanStatus::Identical { .. }))
    );
    let before = fs::read(dir.vault()).unwrap();
    let outcomes = plan_and_commit(&mut vault, &preview, |_, _, _| Resolution::Cancel).unwrap();
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, ImportOutcome::Unchanged { .. }))
    );
    assert_eq!(
        fs::read(dir.vault()).unwrap(),
        before,
        "nothing new: no write"
    );
    assert_eq!(export::items(&vault).len(), n);
    // Quadratic work would take minutes here even in a release build.
    let took = started.elapsed();
    assert!(took < Duration::from_secs(120), "took {took:?}");
}

#[test]
fn a_duplicate_handle_works_beside_the_first() {
    let dir = TempDir::new("duplicate");
    let mut vault = create_password_vault(&dir.vault());
    vault.add(totp("BLk", "jan", OLD_KEY)).unwrap();
    let mut second = vault.duplicate();
    assert_eq!(labels(&second), ["BLk (jan)"]);
    second.add(totp("Mail", "ann", NEW_KEY)).unwrap();
    // The first handle sees the change after a refresh, as with another process.
    assert_eq!(labels(&vault), ["BLk (jan)"]);
    vault.refresh().unwrap();
    assert_eq!(labels(&vault), ["BLk (jan)", "Mail (ann)"]);
    drop(second);
    vault.add(totp("Bank", "piet", NEW_KEY)).unwrap();
    assert_eq!(open_with_password(&dir.vault()).list().len(), 3);
}

#[test]
fn check_password_confirms_without_changing_anything() {
    let dir = TempDir::new("check-password");
    let vault = create_password_vault(&dir.vault());
    let before = fs::read(dir.vault()).unwrap();
    vault.check_password(PASSWORD).unwrap();
    assert_eq!(
        vault.check_password("not it").unwrap_err().kind(),
        "wrong_password"
    );
    assert_eq!(
        vault.check_password("").unwrap_err().kind(),
        "wrong_password"
    );
    assert_eq!(fs::read(dir.vault()).unwrap(), before);

    let keyring = std::sync::Arc::new(tweestap_core::vault::MemoryKeyring::default());
    let home = TempDir::new("check-password-keyring");
    let keyring_only = memory_store(&home.vault(), &keyring)
        .create(options(true, None))
        .unwrap();
    assert_eq!(
        keyring_only.check_password(PASSWORD).unwrap_err().kind(),
        "keyring_required"
    );
}

#[test]
fn exported_files_are_private_and_never_half_written() {
    let dir = TempDir::new("write-private");
    let path = dir.0.join("export.json");
    export::write_private(&path, b"first", false).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"first");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let err = export::write_private(&path, b"second", false).unwrap_err();
    assert_eq!(err.kind(), "file_exists");
    assert_eq!(fs::read(&path).unwrap(), b"first");
    export::write_private(&path, b"second", true).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"second");
    // A folder that does not exist: an error, and no temporary file left anywhere.
    let missing = dir.0.join("no-such-folder").join("export.json");
    let err = export::write_private(&missing, b"x", true).unwrap_err();
    assert_eq!(err.kind(), "io");
    let names: Vec<_> = fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["export.json"]);
}

// ---------------------------------------------------------------------------------------
// Tweestap backups.

#[test]
fn backup_restores_on_another_computer() {
    let keyring = std::sync::Arc::new(tweestap_core::vault::MemoryKeyring::default());
    let home = TempDir::new("backup-home");
    let mut vault = memory_store(&home.vault(), &keyring)
        .create(options(true, None))
        .unwrap();
    vault.add(totp("BLk", "jan", OLD_KEY)).unwrap();
    let id = vault
        .add(totp("Mail", "ann", NEW_KEY))
        .unwrap()
        .id()
        .to_string();
    vault.set_group(&id, Some("werk")).unwrap();
    vault.set_favourite(&id, true).unwrap();
    vault.set_icon(&id, Some("mail")).unwrap();
    let removed = vault
        .add(totp("Old", "x", OLD_KEY))
        .unwrap()
        .id()
        .to_string();
    vault.delete(&removed).unwrap();
    let bytes = vault
        .export_backup("backup wachtwoord", KdfParams::insecure_for_tests())
        .unwrap();
    assert!(
        !bytes.windows(OLD_KEY.len()).any(|w| w == OLD_KEY),
        "key in clear"
    );

    // Another computer: no keyring, a new vault.
    let away = TempDir::new("backup-away");
    let mut other = create_password_vault(&away.vault());
    let sources = [Source::new("backup.tweestap", bytes.clone())];
    let err = import::preview(&sources, ImportOptions::default()).unwrap_err();
    assert_eq!(err.kind(), "password_required");
    let err = import::preview(
        &sources,
        ImportOptions {
            format: None,
            password: Some("wrong"),
        },
    )
    .unwrap_err();
    assert_eq!(err.kind(), "wrong_password");
    let preview = import::preview(
        &sources,
        ImportOptions {
            format: None,
            password: Some("backup wachtwoord"),
        },
    )
    .unwrap();
    assert_eq!(preview.format, Format::Backup);
    plan_and_commit(&mut other, &preview, |_, _, _| Resolution::Replace).unwrap();
    assert_eq!(
        labels(&other),
        ["BLk (jan)", "Mail (ann)"],
        "deleted accounts are not in a backup"
    );
    let mail = other.resolve("Mail").unwrap();
    assert_eq!(
        (mail.group.as_deref(), mail.favourite, mail.icon.as_deref()),
        (Some("werk"), true, Some("mail"))
    );
    assert_eq!(other.account(&mail.id).unwrap().secret.expose(), NEW_KEY);

    // Damage anywhere: integrity_error (or, in the password slot, wrong_password).
    let mut damaged = bytes.clone();
    let last = damaged.len() - 20;
    damaged[last] ^= 1;
    let err = import::preview(
        &[Source::new("b", damaged)],
        ImportOptions {
            format: None,
            password: Some("backup wachtwoord"),
        },
    )
    .unwrap_err();
    assert_eq!(err.kind(), "integrity_error");
    // The backup is a vault file: it also opens in place with its password.
    let file = away.0.join("backup.tweestap");
    fs::write(&file, &bytes).unwrap();
    let opened = password_store(&file)
        .unlock(Unlock::Password("backup wachtwoord"))
        .unwrap();
    assert_eq!(opened.list().len(), 2);
    assert_eq!(
        vault
            .export_backup("", KdfParams::insecure_for_tests())
            .unwrap_err()
            .kind(),
        "password_required"
    );
}

// ---------------------------------------------------------------------------------------
// Automatic backups.

#[test]
fn automatic_backups_after_every_change() {
    let dir = TempDir::new("auto-backups");
    let mut vault = create_password_vault(&dir.vault());
    assert!(
        vault.store().auto_backups().is_empty(),
        "creating is not a change"
    );
    for n in 0..12 {
        vault.add(totp("A", &n.to_string(), b"aaaaaaaaaa")).unwrap();
    }
    let backups = vault.store().auto_backups();
    assert_eq!(backups.len(), AUTO_BACKUPS_KEPT);
    assert!(backups.iter().all(|b| b.starts_with(dir.0.join("backups"))));
    assert_eq!(
        fs::read(backups.last().unwrap()).unwrap(),
        fs::read(dir.vault()).unwrap()
    );
    // Each is a complete, encrypted vault of its moment: the oldest kept has 3 accounts.
    let oldest = password_store(&backups[0])
        .unlock(Unlock::Password(PASSWORD))
        .unwrap();
    assert_eq!(oldest.list().len(), 3);
    for b in &backups {
        let bytes = fs::read(b).unwrap();
        assert!(
            !bytes.windows(10).any(|w| w == b"aaaaaaaaaa"),
            "key in clear"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(b).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
    // Restoring one keeps the current vault aside.
    let kept = vault.store().restore_from(&backups[0]).unwrap().unwrap();
    assert!(kept.exists());
    assert_eq!(open_with_password(&dir.vault()).list().len(), 3);
    // Turned off: no more copies.
    let mut quiet = password_store(&dir.vault())
        .with_auto_backups(0)
        .unlock(Unlock::Password(PASSWORD))
        .unwrap();
    quiet.add(totp("B", "b", b"bbbbbbbbbb")).unwrap();
    assert_eq!(vault.store().auto_backups(), backups);
}

// ---------------------------------------------------------------------------------------
// An import session, step by step as the app walks a person through it.

fn encrypted_aegis(accounts: &[Account], password: &str) -> Source {
    let items: Vec<NewAccount> = accounts.iter().cloned().map(NewAccount::from).collect();
    let encryption = AegisEncryption {
        password,
        cost: ScryptCost::insecure_for_tests(),
    };
    let bytes = export::aegis(&items, Some(encryption)).unwrap();
    Source::new("/tmp/exports/aegis.json", bytes.to_vec())
}

fn statuses(view: &import::SessionView) -> Vec<(import::RowStatus, bool)> {
    view.accounts
        .iter()
        .map(|r| (r.status, r.in_file))
        .collect()
}

#[test]
fn a_session_asks_for_the_password_then_a_choice_per_conflict_then_commits() {
    use import::{Choice, ConflictChoice, ImportDone, RowStatus, Session};
    let dir = TempDir::new("session-steps");
    let mut vault = create_password_vault(&dir.vault());
    vault.add(totp("BLk", "jan", OLD_KEY)).unwrap();
    vault.add(totp("Mail", "ann", OLD_KEY)).unwrap();
    let file = encrypted_aegis(
        &[
            totp("BLk", "jan", OLD_KEY),
            totp("Mail", "ann", NEW_KEY),
            totp("Bank", "piet", NEW_KEY),
        ],
        "file password",
    );
    let (mut session, view) =
        Session::open(file, &vault, |_| panic!("nothing to check yet")).unwrap();
    assert!(view.needs_password);
    assert_eq!(view.format, Some(Format::Aegis));
    assert_eq!(view.files, ["aegis.json"], "the file's name, not its path");
    assert!(view.accounts.is_empty());
    assert_eq!(
        session.commit(&mut vault, &[]).unwrap_err().kind(),
        "password_required"
    );

    let wrong = session.unlock("wrong", &vault, |_| {}).unwrap_err();
    assert_eq!(wrong.kind(), "wrong_password");
    assert!(
        session.view().needs_password,
        "a wrong password keeps the import open"
    );

    let mut checked = None;
    let view = session
        .unlock("file password", &vault, |n| checked = Some(n))
        .unwrap();
    assert_eq!(checked, Some(3));
    assert!(!view.needs_password && view.complete);
    assert_eq!(
        statuses(&view),
        [
            (RowStatus::Identical, false),
            (RowStatus::Conflict, false),
            (RowStatus::New, false)
        ]
    );
    assert_eq!(view.accounts[2].issuer, "Bank");
    assert_eq!(view.accounts[2].otp_type, "totp");

    let before = fs::read(dir.vault()).unwrap();
    let err = session.commit(&mut vault, &[]).unwrap_err();
    assert_eq!(err.kind(), "choice_needed");
    assert!(!err.ends_session());
    assert_eq!(fs::read(dir.vault()).unwrap(), before, "nothing written");

    let replace = Choice {
        index: 1,
        choice: ConflictChoice::Replace,
    };
    let done = session.commit(&mut vault, &[replace]).unwrap();
    assert_eq!(
        done,
        ImportDone {
            added: 1,
            replaced: 1,
            kept_both: 0,
            unchanged: 1,
            skipped: 0
        }
    );
    let mail = vault.resolve("Mail").unwrap().id;
    assert_eq!(vault.account(&mail).unwrap().secret.expose(), NEW_KEY);
    assert_eq!(labels(&vault), ["BLk (jan)", "Mail (ann)", "Bank (piet)"]);
}

#[test]
fn a_file_that_does_not_fit_leaves_the_session_as_it_was_and_a_changed_vault_ends_it() {
    use import::{RowStatus, Session};
    let dir = TempDir::new("session-add");
    let mut vault = create_password_vault(&dir.vault());
    let links = links_source(&[totp("Forum", "bob", NEW_KEY), totp("Forum", "bob", NEW_KEY)]);
    let (mut session, view) = Session::open(links, &vault, |_| {}).unwrap();
    assert_eq!(
        statuses(&view),
        [(RowStatus::New, false), (RowStatus::Identical, true)]
    );
    let aegis = encrypted_aegis(&[totp("Bank", "piet", NEW_KEY)], "pw");
    let err = session.add(aegis, &vault, |_| {}).unwrap_err();
    assert_eq!(err.kind(), "mixed_formats");
    assert_eq!(
        session.view().files,
        ["links.txt"],
        "the import is as it was"
    );
    assert_eq!(session.accounts(), 2);

    let more = links_source(&[totp("Bank", "piet", NEW_KEY)]);
    let view = session.add(more, &vault, |_| {}).unwrap();
    assert_eq!(view.files, ["links.txt", "links.txt"]);
    assert_eq!(view.accounts.len(), 3);

    // Another process adds Bank meanwhile: the preview no longer tells the truth.
    open_with_password(&dir.vault())
        .add(totp("Bank", "piet", OLD_KEY))
        .unwrap();
    let err = session.commit(&mut vault, &[]).unwrap_err();
    assert_eq!(err.kind(), "import_outdated");
    assert!(err.ends_session());
}

fn links_source(accounts: &[Account]) -> Source {
    let links: Vec<String> = accounts
        .iter()
        .map(|a| format_otpauth(a).as_str().to_owned())
        .collect();
    Source::new("links.txt", links.join("\n").into_bytes())
}

#[test]
fn an_export_from_a_window_is_confirmed_by_the_vault_password_or_natively() {
    use export::Confirmation;
    let dir = TempDir::new("export-confirm");
    let vault = create_password_vault(&dir.vault());
    let confirm =
        |vault_password: Option<&str>, confirmed, file_password: Option<&str>| Confirmation {
            vault_password: vault_password.map(String::from),
            confirmed,
            file_password: file_password.map(String::from),
        };
    let kind = |c: Confirmation, v: &Vault| c.check(v).err().map(|e| e.kind().as_str());
    assert_eq!(
        kind(confirm(None, true, None), &vault),
        Some("vault_password_required")
    );
    assert_eq!(
        kind(confirm(Some(""), true, None), &vault),
        Some("vault_password_required")
    );
    assert_eq!(
        kind(confirm(Some("wrong"), true, None), &vault),
        Some("wrong_password")
    );
    let consent = confirm(Some(PASSWORD), false, None).check(&vault).unwrap();
    assert!(!consent.ask_natively, "the password confirmed it");
    assert_eq!(
        consent.file_password.as_deref().map(String::as_str),
        Some(PASSWORD)
    );
    let consent = confirm(Some(PASSWORD), false, Some("file"))
        .check(&vault)
        .unwrap();
    assert_eq!(
        consent.file_password.as_deref().map(String::as_str),
        Some("file")
    );

    let keyring = std::sync::Arc::new(tweestap_core::vault::MemoryKeyring::new());
    let other = TempDir::new("export-confirm-keyring");
    let keyring_only = memory_store(&other.vault(), &keyring)
        .create(options(true, None))
        .unwrap();
    assert_eq!(
        kind(confirm(None, false, None), &keyring_only),
        Some("confirmation_required")
    );
    let consent = confirm(None, true, None).check(&keyring_only).unwrap();
    assert!(consent.ask_natively, "a flag alone never exports a key");
    assert!(consent.file_password.is_none());
}

#[test]
fn file_formats_name_their_files_and_hold_their_password_rules() {
    use export::FileFormat;
    let dir = TempDir::new("export-formats");
    let mut vault = create_password_vault(&dir.vault());
    vault
        .add(Account {
            kind: OtpKind::Steam,
            ..totp("Steam", "gamer", OLD_KEY)
        })
        .unwrap();
    for format in [FileFormat::Backup, FileFormat::Aegis] {
        assert!(format.encrypted());
        assert_eq!(
            format.write(&vault, None).err().map(|e| e.kind().as_str()),
            Some("password_required")
        );
        assert_eq!(
            format
                .write(&vault, Some(""))
                .err()
                .map(|e| e.kind().as_str()),
            Some("password_required")
        );
    }
    assert_eq!(
        FileFormat::GoogleLinks
            .write(&vault, None)
            .err()
            .map(|e| e.kind().as_str()),
        Some("nothing_to_export"),
        "Google Authenticator cannot hold a Steam account"
    );
    vault.add(totp("BLk", "jan", NEW_KEY)).unwrap();
    let google = FileFormat::GoogleLinks.write(&vault, None).unwrap();
    assert_eq!((google.accounts, google.skipped.len()), (1, 1));
    assert!(
        google
            .bytes
            .starts_with(b"otpauth-migration://offline?data=")
    );
    let links = FileFormat::Uris.write(&vault, Some("ignored")).unwrap();
    assert_eq!((links.accounts, links.skipped.len()), (2, 0));
    assert_eq!(
        FileFormat::Backup.file_name("2026-12-04"),
        "tweestap-backup-2026-12-04.tweestap"
    );
    assert_eq!(
        FileFormat::AegisPlain.file_name("2026-12-04"),
        "aegis-export-plain-2026-12-04.json"
    );
}
