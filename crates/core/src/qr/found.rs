//! From decoded QR texts to accounts a person can add: what every door (app, CLI) does after
//! a scan, in one place.

use serde::Serialize;

use super::classify::{QrContent, classify, not_2fa_message};
use crate::account::Account;
use crate::error::{ErrorKind, Kind};
use crate::link::{Link, parse_link};
use crate::migration::BatchInfo;

/// Why a decoded text gave no account: a stable `kind` (`not_2fa`, a URI or migration error
/// kind) and a message a person can act on. Never quotes a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FoundProblem {
    pub kind: Kind,
    /// For `not_2fa`: what the code holds instead (`web_link`, `wifi`, `contact`, `binary`, `other`).
    pub content: Option<QrContent>,
    pub message: String,
}

/// The accounts in a set of decoded texts, and the texts (or export entries) that gave none.
#[derive(Debug, Default)]
pub struct Found {
    /// Without duplicates (the same code on two monitors, or seen twice by the webcam).
    pub accounts: Vec<Account>,
    /// Google Authenticator export headers, one per distinct batch seen.
    pub batches: Vec<BatchInfo>,
    pub problems: Vec<FoundProblem>,
}

/// Parses every decoded text: `otpauth://` → one account, `otpauth-migration://` → its
/// accounts (a bad entry is a problem, not a failure of the batch), anything else → a
/// `not_2fa` problem explaining what the code holds.
pub fn accounts_in<S: AsRef<str>>(texts: &[S]) -> Found {
    let mut found = Found::default();
    for text in texts {
        let text = text.as_ref();
        let content = classify(text);
        if !content.is_2fa() {
            found.problems.push(FoundProblem {
                kind: Kind::Not2fa,
                content: Some(content),
                message: not_2fa_message(text).unwrap_or_default(),
            });
            continue;
        }
        match parse_link(text.trim()) {
            Ok(Link::Otpauth(account)) => push_unique(&mut found.accounts, account),
            Ok(Link::Migration(batch)) => {
                if !found.batches.contains(&batch.batch) {
                    found.batches.push(batch.batch);
                }
                for entry in batch.entries {
                    match entry {
                        Ok(account) => push_unique(&mut found.accounts, account),
                        Err(e) => found.problems.push(FoundProblem {
                            kind: e.kind(),
                            content: None,
                            message: e.to_string(),
                        }),
                    }
                }
            }
            Err(e) => found.problems.push(FoundProblem {
                kind: e.kind(),
                content: None,
                message: e.to_string(),
            }),
        }
    }
    found
}

fn push_unique(accounts: &mut Vec<Account>, account: Account) {
    if !accounts.contains(&account) {
        accounts.push(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_exports_and_other_codes() {
        let texts = [
            "otpauth://totp/BLk:jan?secret=JBSWY3DPEHPK3PXP&issuer=BLk",
            "otpauth://totp/BLk:jan?secret=JBSWY3DPEHPK3PXP&issuer=BLk",
            "https://www.beterleven.dierenbescherming.nl/",
            "otpauth://totp/X?secret=1",
            "WIFI:S:farm;T:WPA;P:hunter2;;",
        ];
        let found = accounts_in(&texts);
        assert_eq!(
            found.accounts.len(),
            1,
            "the same code twice is one account"
        );
        assert_eq!(found.accounts[0].issuer, "BLk");
        let kinds: Vec<&str> = found.problems.iter().map(|p| p.kind.as_str()).collect();
        assert_eq!(kinds, ["not_2fa", "invalid_secret", "not_2fa"]);
        assert_eq!(found.problems[0].content, Some(QrContent::WebLink));
        assert!(found.problems[0].message.contains("web link"));
        assert!(
            !found.problems[2].message.contains("hunter2"),
            "Wi-Fi passwords are not quoted"
        );
    }
}
