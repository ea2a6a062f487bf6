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

/// The status of each of `preview.accounts`, in order. Linear in the number of accounts, so a
/// preview of a hundred thousand stays quick.
pub fn plan(preview: &ImportPreview, vault: &Vault) -> Vec<PlanStatus> {
    // Accounts and logins looked up by hash: a preview of 100 000 accounts (even all of one
    // login) is planned in linear time, not by comparing each account with every other.
    let live = vault.list();
    let accounts = vault.live_accounts_by_id();
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
    let result = match (outcomes, refused) {
        (_, Some(error)) => Err(error),
        (Some(outcomes), None) => Ok(outcomes),
        (None, None) => Err(ImportError::Cancelled),
    };
    match &result {
        Ok(outcomes) => {
            let count = |f: fn(&ImportOutcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
            log::info!(
                "import committed: {} added, {} replaced, {} kept both, {} unchanged, {} skipped",
                count(|o| matches!(o, ImportOutcome::Added { .. })),
                count(|o| matches!(o, ImportOutcome::Replaced { .. })),
                count(|o| matches!(o, ImportOutcome::KeptBoth { .. })),
                count(|o| matches!(o, ImportOutcome::Unchanged { .. })),
                count(|o| matches!(o, ImportOutcome::Skipped { .. }))
            );
        }
        Err(e) => log::info!("import not committed ({}): nothing written", e.kind()),
    }
    result
}
