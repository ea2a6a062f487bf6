//! From a preview to the vault: what each account would do ([`plan`]), then one atomic write
//! ([`commit`]).

use serde::Serialize;

use super::{ImportError, ImportOutcome, ImportPreview, Resolution};
use crate::account::Account;
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
    let live = vault.list();
    let mut statuses = Vec::with_capacity(preview.accounts.len());
    for (index, new) in preview.accounts.iter().enumerate() {
        let new = &new.account;
        let same_login: Vec<&AccountSummary> = live
            .iter()
            .filter(|s| s.issuer == new.issuer && s.account == new.account)
            .collect();
        let status = if let Some(s) = same_login
            .iter()
            .find(|s| vault.account(&s.id).is_ok_and(|a| &a == new))
        {
            PlanStatus::Identical { id: s.id.clone() }
        } else if let Some(s) = same_login.first() {
            PlanStatus::Conflict {
                existing: (*s).clone(),
            }
        } else if let Some(earlier) = preview.accounts[..index]
            .iter()
            .position(|a| a.account.same_login(new))
        {
            let identical = preview.accounts[..index].iter().any(|a| &a.account == new);
            PlanStatus::Repeated {
                index: earlier,
                identical,
            }
        } else {
            PlanStatus::New
        };
        statuses.push(status);
    }
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
    vault
        .import_accounts(preview.accounts.clone(), resolve)?
        .ok_or(ImportError::Cancelled)
}
