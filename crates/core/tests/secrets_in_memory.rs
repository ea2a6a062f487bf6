//! How the core holds keys, where it can be observed from outside: every public type that
//! carries a key wipes it on drop (`ZeroizeOnDrop`, checked at compile time), wiping leaves
//! nothing readable, and `Debug` — what a log line or a panic message would show — never
//! prints a key, for any type that holds one.

mod vault_support;

use tweestap_core::export::{self, GoogleLinks};
use tweestap_core::import::{self, ImportOptions, NewAccount, Source};
use tweestap_core::vault::{KdfParams, Unlock};
use tweestap_core::view::{AccountView, LinkView};
use tweestap_core::{Account, OtpKind, Secret, hex, parse_link};
use vault_support::{TempDir, create_password_vault};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

const KEY: &[u8] = b"\x8e\x13secret-key-bytes!\xfe";

fn wipes_on_drop<T: ZeroizeOnDrop>() {}

#[test]
fn key_bearing_types_wipe_on_drop() {
    wipes_on_drop::<Secret>();
    wipes_on_drop::<AccountView>();
    wipes_on_drop::<GoogleLinks>();
    wipes_on_drop::<Source>();
    wipes_on_drop::<Zeroizing<String>>();
    // Account, NewAccount, MigrationBatch and ImportPreview hold their keys as `Secret`s.
    let account = Account::totp("A", "b", Secret::new(KEY.to_vec()));
    let _: &Secret = &account.secret;
    let item = NewAccount::from(account);
    let _: &Secret = &item.account.secret;
}

#[test]
fn wiping_leaves_nothing() {
    let mut secret = Secret::new(KEY.to_vec());
    assert_eq!(secret.expose(), KEY);
    secret.zeroize();
    assert!(secret.is_empty() && secret.expose().is_empty());

    let mut source = Source::new("export.json", KEY.to_vec());
    source.bytes.zeroize();
    assert!(source.bytes.is_empty());

    let account = Account::totp("A", "b", Secret::new(KEY.to_vec()));
    let mut view = AccountView::new(&account, true);
    assert_eq!(view.secret_hex.as_deref(), Some(hex::encode(KEY).as_str()));
    view.secret_hex.zeroize();
    assert!(view.secret_hex.is_none());
}

/// Every form of `KEY` a Debug string could hold.
fn assert_no_key(debug: &str, what: &str) {
    let base32 = tweestap_core::base32::encode(KEY);
    for form in [
        hex::encode(KEY),
        hex::encode(KEY).to_uppercase(),
        base32.clone(),
        base32.to_lowercase(),
        String::from_utf8_lossy(KEY).into_owned(),
        format!("{:?}", KEY.to_vec()),
        format!("{KEY:?}"),
    ] {
        assert!(
            !debug.contains(&form),
            "{what}: Debug shows the key: {debug}"
        );
    }
    assert!(!debug.contains("secret-key-bytes"), "{what}: {debug}");
}

#[test]
fn debug_never_shows_a_key() {
    let mut account = Account::totp("Issuer", "name", Secret::new(KEY.to_vec()));
    assert_no_key(&format!("{:?}", account.secret), "Secret");
    assert_no_key(&format!("{account:?}"), "Account");
    account.kind = OtpKind::Hotp { counter: 3 };
    let item = NewAccount::from(account.clone());
    assert_no_key(&format!("{item:?}"), "NewAccount");
    assert_no_key(
        &format!("{:?}", AccountView::new(&account, true)),
        "AccountView",
    );

    let link = tweestap_core::uri::format_otpauth(&account);
    let parsed = parse_link(&link).unwrap();
    assert_no_key(&format!("{parsed:?}"), "Link");
    assert_no_key(&format!("{:?}", LinkView::new(&parsed, true)), "LinkView");
    let google = export::google_links(std::slice::from_ref(&item));
    assert!(!google.links.is_empty());
    assert_no_key(&format!("{google:?}"), "GoogleLinks");
    assert!(
        !format!("{google:?}").contains("data="),
        "GoogleLinks shows a link"
    );
    let export_link = google.links[0].to_string();
    let batch = tweestap_core::migration::parse_migration(&export_link).unwrap();
    assert_no_key(&format!("{batch:?}"), "MigrationBatch");

    let source = Source::new("links.txt", format!("{}\n", link.as_str()).into_bytes());
    assert_no_key(&format!("{source:?}"), "Source");
    let options = ImportOptions {
        format: None,
        password: Some("hunter2-password"),
    };
    assert!(!format!("{options:?}").contains("hunter2"));
    let preview = import::preview(&[source], options).unwrap();
    assert_no_key(&format!("{preview:?}"), "ImportPreview");

    let dir = TempDir::new("debug-vault");
    let mut vault = create_password_vault(&dir.vault());
    vault.add(account.clone()).unwrap();
    assert_no_key(&format!("{vault:?}"), "Vault");
    assert_no_key(&format!("{:?}", vault.list()), "AccountSummary");
    assert!(!format!("{:?}", Unlock::Password("hunter2-password")).contains("hunter2"));
    let backup = vault
        .export_backup("backup-password", KdfParams::insecure_for_tests())
        .unwrap();
    assert!(
        !backup.windows(KEY.len()).any(|w| w == KEY),
        "a backup holds the key in clear"
    );
}
