//! Reading an unlocked vault: its accounts, codes and a second handle.

use std::collections::HashMap;
use std::path::Path;

use super::error::Result;
use super::format::DataKey;
use super::record::{AccountSummary, Record};
use super::{Vault, VaultInfo, VaultStore, not_found};

use serde::Serialize;

use crate::account::Account;
use crate::otp::{self, CodeInfo};

/// One row of a code list: an account's names and codes at one instant, never its key.
#[derive(Serialize, Debug)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
// The name the app's bindings give it.
#[serde(rename = "CodeView")]
pub struct CodeRow {
    pub id: String,
    pub issuer: String,
    pub account: String,
    pub favourite: bool,
    pub code: String,
    pub next_code: Option<String>,
    pub period: Option<u32>,
    pub remaining_s: Option<u32>,
    /// The instant the code was computed for, in Unix milliseconds, so a window can place its
    /// countdown and tests can reproduce the code.
    pub at_ms: u64,
}

impl Vault {
    /// Forgets the key and every decrypted secret.
    pub fn lock(self) {
        drop(self);
    }

    pub fn store(&self) -> &VaultStore {
        &self.store
    }

    pub fn path(&self) -> &Path {
        &self.store.path
    }

    pub fn info(&self) -> VaultInfo {
        self.store.info_from(&self.header)
    }

    /// Re-reads the file, picking up changes made by another process.
    pub fn refresh(&mut self) -> Result<()> {
        let (header, records) = self.store.read_with_key(&self.key, &self.header.vault_id)?;
        self.header = header;
        self.records = records;
        Ok(())
    }

    /// Live accounts, in the person's order. No secrets.
    pub fn list(&self) -> Vec<AccountSummary> {
        self.live_records()
            .into_iter()
            .map(Record::summary)
            .collect()
    }

    /// The code list: every live account's codes at `at_ms` (Unix milliseconds), in the
    /// person's order.
    pub fn codes(&self, at_ms: u64) -> Result<Vec<CodeRow>> {
        self.list()
            .into_iter()
            .map(|s| {
                let info = self.code(&s.id, at_ms / 1000)?;
                Ok(CodeRow {
                    id: s.id,
                    issuer: s.issuer,
                    account: s.account,
                    favourite: s.favourite,
                    code: info.code,
                    next_code: info.next_code,
                    period: info.period,
                    remaining_s: info.remaining_s,
                    at_ms,
                })
            })
            .collect()
    }

    /// Every live account with its summary, in the person's order, in one pass (an import's
    /// plan, an export). Holds the secrets: never for a door.
    pub(crate) fn live_accounts(&self) -> Vec<(AccountSummary, Account)> {
        self.live_records()
            .into_iter()
            .map(|r| (r.summary(), r.to_account()))
            .collect()
    }

    fn live_records(&self) -> Vec<&Record> {
        let mut live: Vec<&Record> = self.records.iter().filter(|r| r.is_live()).collect();
        live.sort_by(|a, b| (a.order, a.created, &a.id).cmp(&(b.order, b.created, &b.id)));
        live
    }

    /// A second handle on the same vault, with its own copy of the key and the accounts, as
    /// another process would have one: long work (a large import or export) runs on it
    /// without holding the door's handle. Changes go through the file's lock as usual.
    pub fn duplicate(&self) -> Vault {
        Vault {
            store: self.store.clone(),
            key: DataKey::from_slice(self.key.bytes()).expect("a data key has the key length"),
            header: self.header.clone(),
            records: self.records.clone(),
        }
    }

    /// Deleted accounts that can still be restored, most recently deleted first.
    pub fn list_deleted(&self) -> Vec<AccountSummary> {
        let now = self.store.now();
        let mut gone: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| !r.is_live() && !r.is_expired(now))
            .collect();
        gone.sort_by(|a, b| b.deleted_at.cmp(&a.deleted_at).then(a.id.cmp(&b.id)));
        gone.into_iter().map(Record::summary).collect()
    }

    /// Every live account by id, secrets included: for an import's plan, which compares
    /// thousands of accounts with the vault's at once.
    pub(crate) fn live_accounts_by_id(&self) -> HashMap<&str, Account> {
        self.records
            .iter()
            .filter(|r| r.is_live())
            .map(|r| (r.id.as_str(), r.to_account()))
            .collect()
    }

    fn live(&self, id: &str) -> Result<&Record> {
        self.records
            .iter()
            .find(|r| r.id == id && r.is_live())
            .ok_or_else(|| not_found(id))
    }

    /// The full account, secret included, to compute a code (`otp::generate`) or for a
    /// confirmed export. Never send it to the UI.
    pub fn account(&self, id: &str) -> Result<Account> {
        Ok(self.live(id)?.to_account())
    }

    /// The code of account `id` at `at_unix` (from a door's [`Clock`](crate::otp::Clock)), computed here so the
    /// secret never leaves the vault. For HOTP this shows the code of the stored counter
    /// without using it up; [`Vault::next_hotp_code`] is the "new code" button.
    pub fn code(&self, id: &str, at_unix: u64) -> Result<CodeInfo> {
        Ok(otp::generate(&self.live(id)?.to_account(), at_unix))
    }

    /// HOTP: the code of the stored counter, and the counter advanced in the file (one write),
    /// so the same code is never shown twice. Other kinds: as [`Vault::code`], without a write.
    pub fn next_hotp_code(&mut self, id: &str, at_unix: u64) -> Result<CodeInfo> {
        let account = self.advance_hotp_counter(id)?;
        Ok(otp::generate(&account, at_unix))
    }

    pub fn summary(&self, id: &str) -> Result<AccountSummary> {
        Ok(self.live(id)?.summary())
    }
}
