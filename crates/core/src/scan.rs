//! What a scan (or an opened link) found, waiting for the person to add it: every door that
//! scans keeps the accounts here under opaque tokens, so a window can show their names and
//! add them by token without ever holding a key.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use thiserror::Error;

use crate::account::Account;
use crate::error::{ErrorKind, Kind};
use crate::import::{GoogleExport, Progress};
use crate::qr::FoundProblem;
use crate::vault::{AccountSummary, AddStatus};

/// One found account, as a window may see it.
#[derive(Serialize, Clone, Debug)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FoundAccount {
    pub token: String,
    pub issuer: String,
    pub account: String,
    #[serde(rename = "type")]
    pub otp_type: &'static str,
    /// The vault already holds this login (adding offers to replace its key).
    pub exists: bool,
}

/// What a scan found: accounts to add, and why other codes gave none. `no_code` is set (with
/// advice in `problems`) when no QR code was seen at all.
#[derive(Serialize, Clone, Debug)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScanReport {
    pub accounts: Vec<FoundAccount>,
    pub problems: Vec<FoundProblem>,
    pub no_code: bool,
    /// Google Authenticator exports split over several codes: "2 of 3 scanned". Their
    /// accounts are offered once every code has been scanned (in any order, over several
    /// scans).
    pub batch: Option<Progress>,
}

/// A token that names no found account (any more): it was added, or a later scan replaced it.
#[derive(Debug, Error)]
#[error("this scan result is no longer available; scan again")]
pub struct ScanExpired;

impl ErrorKind for ScanExpired {
    fn kind(&self) -> Kind {
        Kind::ScanExpired
    }
}

/// The accounts found by the latest scan, by token, until added or replaced by the next scan,
/// and a Google Authenticator export collected over several scans.
#[derive(Default)]
pub struct Pending(Mutex<Found>);

#[derive(Default)]
struct Found {
    accounts: HashMap<String, Account>,
    issued: u64,
    google: GoogleExport,
}

impl Pending {
    fn found(&self) -> MutexGuard<'_, Found> {
        // Nothing here can be left half-changed by a panic: the data stays usable.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Turns decoded texts into a report (see [`GoogleExport::scan`]), replacing the accounts
    /// of the previous scan. `existing` is the vault's list (empty when it is locked), which
    /// tells a new login from one already there.
    pub fn report(&self, texts: &[String], existing: &[AccountSummary]) -> ScanReport {
        let mut found = self.found();
        let scanned = found.google.scan(texts);
        found.accounts.clear();
        let mut accounts = Vec::new();
        for account in scanned.accounts {
            found.issued += 1;
            let token = format!("scan-{}", found.issued);
            accounts.push(FoundAccount {
                token: token.clone(),
                issuer: account.issuer.clone(),
                account: account.account.clone(),
                otp_type: account.kind.type_name(),
                exists: existing
                    .iter()
                    .any(|s| s.issuer == account.issuer && s.account == account.account),
            });
            found.accounts.insert(token, account);
        }
        log::info!(
            "scan: {} texts, {} accounts, problems {:?}",
            texts.len(),
            accounts.len(),
            scanned
                .problems
                .iter()
                .map(|p| p.kind.as_str())
                .collect::<Vec<_>>()
        );
        ScanReport {
            accounts,
            problems: scanned.problems,
            no_code: scanned.no_code,
            batch: scanned.batch,
        }
    }

    /// The accounts named by `tokens`, in order, to add (they stay found until [`Pending::settle`]).
    pub fn accounts(&self, tokens: &[String]) -> Result<Vec<Account>, ScanExpired> {
        let found = self.found();
        tokens
            .iter()
            .map(|t| found.accounts.get(t).cloned().ok_or(ScanExpired))
            .collect()
    }

    /// Forgets the accounts that were added (or were already there); a conflict stays found,
    /// so the person may still choose to replace its key.
    pub fn settle(&self, tokens: &[String], statuses: &[AddStatus]) {
        let mut found = self.found();
        for (token, status) in tokens.iter().zip(statuses) {
            if *status != AddStatus::Conflict {
                found.accounts.remove(token);
            }
        }
    }

    /// Forgets the found accounts and a half-scanned export (the vault was locked).
    pub fn clear(&self) {
        let mut found = self.found();
        found.accounts.clear();
        found.google = GoogleExport::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "otpauth://totp/BLk:jan@example.nl?secret=JBSWY3DPEHPK3PXP&issuer=BLk";

    #[test]
    fn found_accounts_wait_by_token_until_added_and_a_conflict_stays() {
        let pending = Pending::default();
        let report = pending.report(&[LINK.to_string(), "https://example.com".into()], &[]);
        assert_eq!(report.accounts.len(), 1);
        assert_eq!(report.problems[0].kind, Kind::Not2fa);
        let token = report.accounts[0].token.clone();
        assert!(!report.accounts[0].exists);
        let tokens = [token.clone()];
        assert_eq!(pending.accounts(&tokens).unwrap()[0].issuer, "BLk");
        pending.settle(&tokens, &[AddStatus::Conflict]);
        assert!(
            pending.accounts(&tokens).is_ok(),
            "a conflict waits for the person"
        );
        pending.settle(&tokens, &[AddStatus::Replaced]);
        assert!(pending.accounts(&tokens).is_err(), "added: gone");

        // A new scan replaces the last one's accounts, under new tokens.
        let first = pending.report(&[LINK.to_string()], &[]).accounts[0]
            .token
            .clone();
        let second = pending.report(&[LINK.to_string()], &[]).accounts[0]
            .token
            .clone();
        assert_ne!(first, second);
        assert_eq!(
            pending.accounts(&[first]).unwrap_err().kind(),
            Kind::ScanExpired
        );
        pending.clear();
        assert!(pending.accounts(&[second]).is_err(), "a lock forgets them");
    }
}
