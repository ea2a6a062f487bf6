//! From a preview to the vault: what each account would do ([`plan`]), then one atomic write
//! ([`commit`]).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::{ImportError, ImportOutcome, ImportPreview, Resolution};
use crate::account::Account;
use crate::error::ErrorKind;
use crate::vault::{AccountSummary, Vault};

/// What importing one account of a preview would do, against the vault as this handle last
/// read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PlanStatus {
    /// Not in the vault: it will be added.
    New,
    /// Exactly this account (login, key and settings) is in the vault as `id`: it is skipped.
    Identical { id: String },
    /// The login is in the vault (`existing`) with another key or other settings, as after
    /// re-enrolling at the service: the person chooses to replace it, keep both, or skip.
    Conflict { existing: AccountSummary },
    /// The same login appears earlier in this import (`index` into the preview's accounts);
    /// `identical` when it is the very same account (then it is skipped).
    Repeated { index: usize, identical: bool },
}

/// The status of each of `preview.accounts`, in order.
pub fn plan(preview: &ImportPreview, vault: &Vault) -> Vec<PlanStatus> {
    // Accounts and logins looked up by hash: a preview of 100 000 accounts (even all of one
    // login) is planned in linear time, not by comparing each account with every other.
    let live = vault.list();
    let accounts = vault.live_accounts();
    let mut identical_in_vault: HashMap<&Account, &str> = HashMap::new();
    let mut login_in_vault: HashMap<(&str, &str), &AccountSummary> = HashMap::new();
    for s in &live {
        if let Some(a) = accounts.get(s.id.as_str()) {
            identical_in_vault.entry(a).or_insert(&s.id);
        }
        login_in_vault
            .entry((s.issuer.as_str(), s.account.as_str()))
            .or_insert(s);
    }
    let mut first_of_login: HashMap<(&str, &str), usize> = HashMap::new();
    let mut seen: HashSet<&Account> = HashSet::new();
    let mut statuses = Vec::with_capacity(preview.accounts.len());
    for (index, new) in preview.accounts.iter().enumerate() {
        let new = &new.account;
        let login = (new.issuer.as_str(), new.account.as_str());
        let status = if let Some(id) = identical_in_vault.get(new) {
            PlanStatus::Identical { id: id.to_string() }
        } else if let Some(s) = login_in_vault.get(&login) {
            PlanStatus::Conflict {
                existing: (*s).clone(),
            }
        } else if let Some(&first) = first_of_login.get(&login) {
            PlanStatus::Repeated {
                index: first,
                identical: seen.contains(new),
            }
        } else {
            PlanStatus::New
        };
        first_of_login.entry(login).or_insert(index);
        seen.insert(new);
        statuses.push(status);
    }
    let count = |f: fn(&PlanStatus) -> bool| statuses.iter().filter(|s| f(s)).count();
    log::info!(
        "import plan: {} new, {} identical, {} conflicts, {} repeated",
        count(|s| matches!(s, PlanStatus::New)),
        count(|s| matches!(s, PlanStatus::Identical { .. })),
        count(|s| matches!(s, PlanStatus::Conflict { .. })),
        count(|s| matches!(s, PlanStatus::Repeated { .. }))
    );
    statuses
}

/// Stores the preview's accounts in one vault write. Identical accounts are left alone; for a
/// login that is in the vault with another key or settings, `resolve(index, new, existing)`
/// chooses (see [`Resolution`]); `index` is into `preview.accounts`. The file is re-read under
/// the vault's lock, so the choice is made against its latest state.
///
/// Refuses an incomplete Google Authenticator export (`incomplete_export`). On any error, or
/// [`Resolution::Cancel`] (`cancelled`), the vault file is left byte for byte as it was.
pub fn commit(
    vault: &mut Vault,
    preview: &ImportPreview,
    resolve: impl FnMut(usize, &Account, &AccountSummary) -> Resolution,
) -> Result<Vec<ImportOutcome>, ImportError> {
    if !preview.is_complete() {
        return Err(ImportError::IncompleteExport {
            exports: preview.exports.clone(),
        });
    }
    let outcomes = vault
        .import_accounts(preview.accounts.clone(), resolve)
        .inspect_err(|e| log::warn!("import commit failed: {}", e.kind()))?
        .ok_or(ImportError::Cancelled)
        .inspect_err(|_| log::info!("import cancelled: nothing written"))?;
    let count = |f: fn(&ImportOutcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    log::info!(
        "import committed: {} added, {} replaced, {} kept both, {} unchanged, {} skipped",
        count(|o| matches!(o, ImportOutcome::Added { .. })),
        count(|o| matches!(o, ImportOutcome::Replaced { .. })),
        count(|o| matches!(o, ImportOutcome::KeptBoth { .. })),
        count(|o| matches!(o, ImportOutcome::Unchanged { .. })),
        count(|o| matches!(o, ImportOutcome::Skipped { .. }))
    );
    Ok(outcomes)
}
