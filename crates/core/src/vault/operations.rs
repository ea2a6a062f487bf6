//! Changes to an unlocked vault: every one goes through [`Vault::mutate`] (lock, re-read, apply,
//! write atomically, automatic backup).

use std::collections::HashMap;

use super::copies::key_fingerprints;
use super::error::Result;
use super::format::{self, Header};
use super::fsio::{self, Previous};
use super::record::{AccountSummary, Content, Record};
use super::{Vault, not_found};
use crate::account::{Account, OtpKind};
use crate::error::ErrorKind;

/// An account to store together with the person's choices that came with it (an import
/// carries groups and favourites; a Tweestap backup also icons).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    pub account: Account,
    pub group: Option<String>,
    pub favourite: bool,
    pub icon: Option<String>,
}

impl From<Account> for NewAccount {
    fn from(account: Account) -> Self {
        NewAccount {
            account,
            group: None,
            favourite: false,
            icon: None,
        }
    }
}

/// What [`Vault::import_accounts`] does with an account whose login (issuer and account name)
/// is already in the vault with another key or other code settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Give the existing account the new key and settings (re-enrollment); it keeps its id,
    /// place, group and favourite.
    Replace,
    /// Store the new one beside the existing one.
    KeepBoth,
    /// Leave the existing one as it is and do not store the new one.
    Skip,
    /// Stop: nothing at all is written.
    Cancel,
}

/// What [`Vault::import_accounts`] did with one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Stored under this new id.
    Added { id: String },
    /// Exactly this account (same login, key and settings) is already there: nothing stored.
    Unchanged { id: String },
    /// The existing account `id` got the new key and settings.
    Replaced { id: String },
    /// Stored under the new `id`, beside the existing account `existing`.
    KeptBoth { id: String, existing: String },
    /// Not stored: the existing account `existing` was kept as it was.
    Skipped { existing: String },
}

/// The result of [`Vault::add`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddOutcome {
    /// Stored under this new id.
    Added { id: String },
    /// Nothing was stored: an account with the same issuer and account name exists. When
    /// `same_secret` is false this is likely a re-enrollment: offer [`Vault::replace`].
    Exists { id: String, same_secret: bool },
}

/// What [`Vault::add_or_replace_all`] did with one account; serialized as [`AddStatus::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum AddStatus {
    Added,
    /// Already there with the same key: nothing changed.
    Unchanged,
    /// The login was there with another key, which was replaced (re-enrollment).
    Replaced,
    /// The login is there with another key and replacing was not asked for: nothing changed.
    Conflict,
}

impl AddStatus {
    /// `added`, `unchanged`, `replaced`, `conflict`: the names the CLI JSON and the UI use.
    pub fn as_str(self) -> &'static str {
        match self {
            AddStatus::Added => "added",
            AddStatus::Unchanged => "unchanged",
            AddStatus::Replaced => "replaced",
            AddStatus::Conflict => "conflict",
        }
    }
}

impl AddOutcome {
    pub fn id(&self) -> &str {
        match self {
            AddOutcome::Added { id } | AddOutcome::Exists { id, .. } => id,
        }
    }
}

impl Vault {
    /// Lock, re-read the latest file, apply `change`, write (when it reports a change), unlock.
    /// `change` must check everything before it modifies anything: on error nothing is
    /// written and the cached copy stays as it was.
    pub(super) fn mutate<T>(
        &mut self,
        change: impl FnOnce(&mut Header, &mut Vec<Record>, i64) -> Result<(T, bool)>,
    ) -> Result<T> {
        let _lock = fsio::lock(&self.store.path, self.store.lock_timeout)?;
        let (mut header, mut records, previous) = self
            .store
            .read_with_key_and_bytes(&self.key, &self.header.vault_id)?;
        let keys_before = key_fingerprints(&records);
        let now = self.store.now();
        let (out, changed) = change(&mut header, &mut records, now)?;
        if changed {
            records.retain(|r| !r.is_expired(now));
            // A key that leaves the vault (replaced at a re-enrollment, or purged 30 days after
            // its account was removed) stays restorable: the generation that still held it is
            // kept apart from the rotating backups, for at least 30 days.
            let keys_after = key_fingerprints(&records);
            let held_an_old_key = keys_before.difference(&keys_after).next().is_some();
            let content = Content { records };
            let bytes = format::encode(&mut header, &content, &self.key);
            records = content.records;
            fsio::replace(&self.store.path, &bytes, Previous::KeepAsBackup).inspect_err(|e| {
                log::warn!(
                    "vault {}: not saved: {}",
                    self.store.path.display(),
                    e.kind()
                )
            })?;
            log::info!(
                "vault {} saved: {} records, {} bytes; previous generation kept as {}",
                self.store.path.display(),
                records.len(),
                bytes.len(),
                self.store.backup_path().display()
            );
            if self.store.auto_backups > 0 {
                // Best effort: the change itself is done and must not be reported as failed.
                let old_key_generation = held_an_old_key.then_some(previous.as_slice());
                match fsio::keep_auto_backup(
                    &self.store.path,
                    &bytes,
                    old_key_generation,
                    self.store.auto_backups,
                    self.store.clock.now_unix_ms(),
                ) {
                    Ok(copy) => log::debug!("automatic backup {}", copy.display()),
                    Err(e) => log::warn!("automatic backup not written: {e}"),
                }
            }
        } else {
            log::debug!("vault {}: nothing changed", self.store.path.display());
        }
        self.header = header;
        self.records = records;
        Ok(out)
    }

    /// Changes one live record (not found → `not_found`, nothing written).
    fn update(&mut self, id: &str, f: impl FnOnce(&mut Record, i64)) -> Result<()> {
        self.mutate(|_, records, now| {
            let r = records
                .iter_mut()
                .find(|r| r.id == id && r.is_live())
                .ok_or_else(|| not_found(id))?;
            f(r, now);
            r.updated = now;
            Ok(((), true))
        })
    }

    /// Adds an account at the end of the list. When a live account has the same issuer and
    /// account name, nothing is stored and [`AddOutcome::Exists`] names it.
    pub fn add(&mut self, account: Account) -> Result<AddOutcome> {
        let mut outcomes = self.add_all(vec![account])?;
        Ok(outcomes.remove(0))
    }

    /// Adds accounts as [`Vault::add_all`] does; a login that exists with another key gets the
    /// new key when `replace` is set (after a reset at the portal), else is reported as a
    /// conflict. One `(id, status)` per account, in order.
    pub fn add_or_replace_all(
        &mut self,
        accounts: Vec<Account>,
        replace: bool,
    ) -> Result<Vec<(String, AddStatus)>> {
        let outcomes = self.add_all(accounts.clone())?;
        let mut done = Vec::with_capacity(outcomes.len());
        for (outcome, account) in outcomes.into_iter().zip(accounts) {
            done.push(match outcome {
                AddOutcome::Added { id } => (id, AddStatus::Added),
                AddOutcome::Exists {
                    id,
                    same_secret: true,
                } => (id, AddStatus::Unchanged),
                AddOutcome::Exists { id, .. } if replace => {
                    self.replace(&id, account)?;
                    (id, AddStatus::Replaced)
                }
                AddOutcome::Exists { id, .. } => (id, AddStatus::Conflict),
            });
        }
        Ok(done)
    }

    /// Adds several accounts in one write (an import, a migration QR): one outcome each, in
    /// order. A login repeated within `accounts` is added once.
    pub fn add_all(&mut self, accounts: Vec<Account>) -> Result<Vec<AddOutcome>> {
        self.mutate(|_, records, now| {
            let mut outcomes = Vec::with_capacity(accounts.len());
            let mut next_order = records.iter().map(|r| r.order + 1).max().unwrap_or(0);
            for account in accounts {
                let existing = records
                    .iter()
                    .find(|r| r.is_live() && r.same_login(&account));
                if let Some(r) = existing {
                    outcomes.push(AddOutcome::Exists {
                        id: r.id.clone(),
                        same_secret: r.secret == account.secret,
                    });
                    continue;
                }
                let id = format::random_id();
                records.push(Record::new(id.clone(), account, next_order, now));
                next_order += 1;
                outcomes.push(AddOutcome::Added { id });
            }
            let changed = outcomes
                .iter()
                .any(|o| matches!(o, AddOutcome::Added { .. }));
            Ok((outcomes, changed))
        })
    }

    /// Imports accounts in one write. An account exactly like one in the vault (same login,
    /// key and settings) is [`ImportOutcome::Unchanged`]; for one whose login is there with
    /// another key or settings, `resolve(index, new, existing)` chooses. Accounts are handled
    /// in order, so one repeated within `accounts` meets its earlier copy. Returns `None`, with
    /// nothing written, when `resolve` answers [`Resolution::Cancel`]; on any error nothing is
    /// written either.
    pub fn import_accounts(
        &mut self,
        accounts: Vec<NewAccount>,
        mut resolve: impl FnMut(usize, &Account, &AccountSummary) -> Resolution,
    ) -> Result<Option<Vec<ImportOutcome>>> {
        self.mutate(|_, records, now| {
            // Work on a copy: a cancel half-way leaves the cached records as the file has them.
            let mut work = records.clone();
            let mut outcomes = Vec::with_capacity(accounts.len());
            let mut next_order = work.iter().map(|r| r.order + 1).max().unwrap_or(0);
            // Live records by account and by login (positions in file order): an import of
            // 100 000 accounts, even all of one login, must not compare each with every other.
            let mut identical: HashMap<Account, Vec<usize>> = HashMap::new();
            let mut by_login: HashMap<(String, String), usize> = HashMap::new();
            for (i, r) in work.iter().enumerate().filter(|(_, r)| r.is_live()) {
                identical.entry(r.to_account()).or_default().push(i);
                by_login
                    .entry((r.issuer.clone(), r.account.clone()))
                    .or_insert(i);
            }
            for (index, new) in accounts.into_iter().enumerate() {
                if let Some(&i) = identical.get(&new.account).and_then(|at| at.first()) {
                    outcomes.push(ImportOutcome::Unchanged {
                        id: work[i].id.clone(),
                    });
                    continue;
                }
                let login = (new.account.issuer.clone(), new.account.account.clone());
                let existing = by_login.get(&login).map(|&i| (i, work[i].summary()));
                let resolution = match &existing {
                    Some((_, summary)) => resolve(index, &new.account, summary),
                    None => Resolution::KeepBoth,
                };
                let outcome = match (resolution, existing) {
                    (Resolution::Cancel, _) => return Ok((None, false)),
                    (Resolution::Skip, Some((_, e))) => ImportOutcome::Skipped { existing: e.id },
                    (Resolution::Replace, Some((i, e))) => {
                        // Same login, so `by_login` still holds; the account itself changes.
                        let old = work[i].to_account();
                        if let Some(at) = identical.get_mut(&old) {
                            at.retain(|&p| p != i);
                        }
                        identical.entry(new.account.clone()).or_default().push(i);
                        work[i].replace_with(new.account, now);
                        ImportOutcome::Replaced { id: e.id }
                    }
                    (_, existing) => {
                        let id = format::random_id();
                        let position = work.len();
                        identical
                            .entry(new.account.clone())
                            .or_default()
                            .push(position);
                        let mut record = Record::new(id.clone(), new.account, next_order, now);
                        record.group = new.group;
                        record.favourite = new.favourite;
                        record.icon = new.icon;
                        work.push(record);
                        by_login.entry(login).or_insert(position);
                        next_order += 1;
                        match existing {
                            Some((_, e)) => ImportOutcome::KeptBoth { id, existing: e.id },
                            None => ImportOutcome::Added { id },
                        }
                    }
                };
                outcomes.push(outcome);
            }
            let changed = outcomes.iter().any(|o| {
                !matches!(
                    o,
                    ImportOutcome::Unchanged { .. } | ImportOutcome::Skipped { .. }
                )
            });
            *records = work;
            Ok((Some(outcomes), changed))
        })
    }

    /// Re-enrollment: gives the account `id` the secret and OTP settings of `account` (the
    /// portal invalidated the old secret), keeping its id, place, group and favourite.
    pub fn replace(&mut self, id: &str, account: Account) -> Result<()> {
        self.update(id, |r, now| r.replace_with(account, now))
    }

    pub fn rename(&mut self, id: &str, issuer: &str, account: &str) -> Result<()> {
        self.update(id, |r, _| {
            r.issuer = issuer.to_string();
            r.account = account.to_string();
        })
    }

    pub fn set_favourite(&mut self, id: &str, favourite: bool) -> Result<()> {
        self.update(id, |r, _| r.favourite = favourite)
    }

    pub fn set_group(&mut self, id: &str, group: Option<&str>) -> Result<()> {
        self.update(id, |r, _| r.group = group.map(str::to_string))
    }

    pub fn set_icon(&mut self, id: &str, icon: Option<&str>) -> Result<()> {
        self.update(id, |r, _| r.icon = icon.map(str::to_string))
    }

    /// Puts the accounts `ids` first, in that order; the others follow in their current
    /// order. Every id must be a live account.
    pub fn reorder(&mut self, ids: &[&str]) -> Result<()> {
        self.mutate(|_, records, _| {
            if let Some(missing) = ids
                .iter()
                .find(|id| !records.iter().any(|r| r.id == **id && r.is_live()))
            {
                return Err(not_found(missing));
            }
            let mut rest: Vec<&mut Record> = records
                .iter_mut()
                .filter(|r| r.is_live() && !ids.contains(&r.id.as_str()))
                .collect();
            rest.sort_by_key(|r| r.order);
            let rest_ids: Vec<String> = rest.iter().map(|r| r.id.clone()).collect();
            let sequence = ids
                .iter()
                .copied()
                .chain(rest_ids.iter().map(String::as_str));
            for (position, id) in sequence.enumerate() {
                if let Some(r) = records.iter_mut().find(|r| r.id == id && r.is_live()) {
                    r.order = position as i64;
                }
            }
            Ok(((), true))
        })
    }

    /// Soft delete: the account leaves the list and can be restored for 30 days.
    pub fn delete(&mut self, id: &str) -> Result<()> {
        self.update(id, |r, now| r.deleted_at = Some(now))
    }

    /// Brings back a deleted account (within its 30 days).
    pub fn restore(&mut self, id: &str) -> Result<()> {
        self.mutate(|_, records, now| {
            let r = records
                .iter_mut()
                .find(|r| r.id == id && !r.is_live() && !r.is_expired(now))
                .ok_or_else(|| not_found(id))?;
            r.deleted_at = None;
            r.updated = now;
            Ok(((), true))
        })
    }

    /// Removes for good the accounts deleted more than 30 days ago (every write does this
    /// too); returns how many.
    pub fn purge_expired(&mut self) -> Result<usize> {
        self.mutate(|_, records, now| {
            let n = records.iter().filter(|r| r.is_expired(now)).count();
            Ok((n, n > 0))
        })
    }

    /// For an HOTP account: returns the account with the counter to use now and stores the
    /// next one, so a code is never shown twice. Other accounts are returned unchanged.
    pub fn advance_hotp_counter(&mut self, id: &str) -> Result<Account> {
        self.mutate(|_, records, now| {
            let r = records
                .iter_mut()
                .find(|r| r.id == id && r.is_live())
                .ok_or_else(|| not_found(id))?;
            let account = r.to_account();
            let OtpKind::Hotp { counter } = r.kind else {
                return Ok((account, false));
            };
            r.kind = OtpKind::Hotp {
                counter: counter.saturating_add(1),
            };
            r.updated = now;
            Ok((account, true))
        })
    }
}
