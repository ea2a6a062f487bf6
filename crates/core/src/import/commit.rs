//! From a preview to the vault: what each account would do ([`plan`]), then one atomic write
//! ([`commit`]).

use std::collections::{HashMap, HashSet};

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

/// The status of each of `preview.accounts`, in order. Linear in the number of accounts, so a
/// preview of a hundred thousand stays quick.
pub fn plan(preview: &ImportPreview, vault: &Vault) -> Vec<PlanStatus> {
    let live = vault.live_accounts();
    let mut in_vault: HashMap<(&str, &str), Vec<&(AccountSummary, Account)>> = HashMap::new();
    for entry in &live {
        in_vault
            .entry((entry.0.issuer.as_str(), entry.0.account.as_str()))
            .or_default()
            .push(entry);
    }
    // Earlier accounts of this import, by login (indices into `preview.accounts`).
    let mut earlier: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    let mut statuses = Vec::with_capacity(preview.accounts.len());
    for (index, new) in preview.accounts.iter().enumerate() {
        let new = &new.account;
        let login = (new.issuer.as_str(), new.account.as_str());
        let same_login = in_vault.get(&login).map(Vec::as_slice).unwrap_or_default();
        let before = earlier.entry(login).or_default();
        let status = if let Some((s, _)) = same_login.iter().find(|(_, a)| a == new) {
            PlanStatus::Identical { id: s.id.clone() }
        } else if let Some((s, _)) = same_login.first() {
            PlanStatus::Conflict {
                existing: s.clone(),
            }
        } else if let Some(&first) = before.first() {
            let identical = before.iter().any(|&i| &preview.accounts[i].account == new);
            PlanStatus::Repeated {
                index: first,
                identical,
            }
        } else {
            PlanStatus::New
        };
        before.push(index);
        statuses.push(status);
    }
    statuses
}

/// Stores the preview's accounts in one vault write, following `plan` (what [`plan`] said for
/// this preview; the person made their choices on it). The file is re-read under the vault's
/// lock, then for each account (`index` into `preview.accounts`):
///
/// - exactly this account is in the vault: left alone (`Unchanged`);
/// - the plan called it identical (in the vault or earlier in the file), but its login now
///   holds another key because an earlier account of this import replaced it: skipped, so
///   the plan the person saw is what happens;
/// - the plan called it new, but its login is in the vault now (another process added it):
///   `import_outdated`, nothing is written, the person looks at a fresh plan;
/// - otherwise (a conflict): `resolve(index, new, existing)` chooses (see [`Resolution`]).
///   Two accounts that both [`Resolution::Replace`] the same account of the vault are refused
///   (`replaced_twice`): one of the file's keys would be silently lost.
///
/// Refuses an incomplete Google Authenticator export (`incomplete_export`). On any error, or
/// [`Resolution::Cancel`] (`cancelled`), the vault file is left byte for byte as it was.
pub fn commit(
    vault: &mut Vault,
    preview: &ImportPreview,
    plan: &[PlanStatus],
    mut resolve: impl FnMut(usize, &Account, &AccountSummary) -> Resolution,
) -> Result<Vec<ImportOutcome>, ImportError> {
    if !preview.is_complete() {
        return Err(ImportError::IncompleteExport {
            exports: preview.exports.clone(),
        });
    }
    assert_eq!(
        plan.len(),
        preview.accounts.len(),
        "the plan is of another preview"
    );
    let mut replaced: HashSet<String> = HashSet::new();
    let mut refused: Option<ImportError> = None;
    let outcomes =
        vault.import_accounts(
            preview.accounts.clone(),
            |index, new, existing| match &plan[index] {
                PlanStatus::Identical { .. }
                | PlanStatus::Repeated {
                    identical: true, ..
                } => Resolution::Skip,
                PlanStatus::New => {
                    refused = Some(ImportError::Outdated {
                        label: existing.label(),
                    });
                    Resolution::Cancel
                }
                PlanStatus::Conflict { .. } | PlanStatus::Repeated { .. } => {
                    let resolution = resolve(index, new, existing);
                    if resolution == Resolution::Replace && !replaced.insert(existing.id.clone()) {
                        refused = Some(ImportError::ReplacedTwice {
                            label: existing.label(),
                        });
                        return Resolution::Cancel;
                    }
                    resolution
                }
            },
        )?;
    match (outcomes, refused) {
        (_, Some(error)) => Err(error),
        (Some(outcomes), None) => Ok(outcomes),
        (None, None) => Err(ImportError::Cancelled),
    }
}
