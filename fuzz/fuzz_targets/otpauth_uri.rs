//! `otpauth://` links: the strict parser (scanned codes), the lenient one (link lists, Steam),
//! the link dispatcher and the QR text classifier, on any text. A parsed account must hold
//! the URI rules and survive `format_otpauth` → parse unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tweestap_core::qr::{accounts_in, classify, not_2fa_message};
use tweestap_core::uri::{format_otpauth, parse_otpauth, parse_otpauth_any};
use tweestap_core::{Link, OtpKind, parse_link};
use tweestap_fuzz::{check_account, check_error};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_otpauth(&text) {
        Ok(account) => {
            check_account(&account);
            assert_ne!(account.kind, OtpKind::Steam);
            let again = parse_otpauth(&format_otpauth(&account)).expect("written link reads");
            assert_eq!(again, account);
        }
        Err(error) => check_error(&error),
    }
    match parse_otpauth_any(&text) {
        Ok(account) => {
            check_account(&account);
            let again = parse_otpauth_any(&format_otpauth(&account)).expect("written link reads");
            assert_eq!(again, account);
        }
        Err(error) => check_error(&error),
    }
    match parse_link(&text) {
        Ok(Link::Otpauth(account)) => check_account(&account),
        Ok(Link::Migration(batch)) => {
            for account in batch.entries.iter().flatten() {
                check_account(account);
            }
        }
        Err(error) => check_error(&error),
    }
    let _ = classify(&text);
    if let Some(message) = not_2fa_message(&text) {
        assert!(message.len() <= 2048);
    }
    let found = accounts_in(&[text.as_ref()]);
    for account in &found.accounts {
        check_account(account);
    }
});
