//! `tweestap restore`: brings back a removed account, or the whole vault from its backup.

use std::process::ExitCode;

use clap::ArgGroup;

use super::vault_opts::{VaultOpts, explain};
use crate::output::{CliError, CmdResult, Output};
use tweestap_core::ErrorKind;
use tweestap_core::vault::{BackupKind, ListedCopy, VaultHealth, VaultStore};

#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("what").required(true).args(["query", "backup"])),
    after_help = "Examples:\n  tweestap list --deleted\n  tweestap restore 3f9a2c\n  tweestap restore --backup     (after an integrity error: the damaged file is kept beside it)\n  tweestap restore --backup --list\n  tweestap restore --backup --from 20261203T101500 --yes"
)]
pub struct Args {
    /// A removed account: its id, a unique id prefix, or its issuer/account name.
    #[arg(value_name = "NAME|ID")]
    pub query: Option<String>,

    /// Replace a damaged vault file with its backup (the previous version).
    #[arg(long)]
    pub backup: bool,

    /// With --backup: list every copy the vault can be restored from (the previous version,
    /// the automatic backups, and those kept for a key the vault no longer has), with the
    /// accounts each holds by name. Works for a damaged vault too (its copies are then read
    /// with the key of the newest copy that opens).
    #[arg(long, requires = "backup", conflicts_with = "from")]
    pub list: bool,

    /// With --backup: restore this copy instead of the previous version: a path, a file
    /// name in backups/, or the start of its time stamp (as --list shows).
    #[arg(long, value_name = "COPY", requires = "backup")]
    pub from: Option<String>,

    /// With --backup: restore even though the vault opens fine (its current file is kept
    /// beside it). Without it, a healthy vault is not replaced.
    #[arg(long, requires = "backup")]
    pub yes: bool,

    #[command(flatten)]
    pub vault: VaultOpts,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let Some(query) = &args.query else {
        if args.list {
            return list_copies(&args, out);
        }
        let store = args.vault.store()?;
        // Restoring over a vault that opens replaces good data with older data: only when
        // the person says so. A vault that fails to open (damaged, tampered) is what
        // restoring is for.
        if !args.yes {
            let password = args.vault.password()?;
            match store.health(password.as_ref().map(|p| p.as_str())) {
                VaultHealth::Opens => {
                    return Err(CliError::bad_input(
                        "vault_healthy",
                        format!(
                            "{} opens fine, so it was not replaced; add --yes to restore anyway (the current file is kept beside it), or see the copies with --list",
                            store.path().display()
                        ),
                    ));
                }
                VaultHealth::Damaged => {}
                // Without its password or keyring key it cannot be told whether the vault
                // is damaged: the person decides.
                VaultHealth::Unchecked(e) => {
                    return Err(CliError::bad_input(
                        "vault_healthy",
                        format!(
                            "could not check whether {} is damaged ({}); give its password (--password-file) to check, or add --yes to restore anyway (the current file is kept beside it)",
                            store.path().display(),
                            e.kind()
                        ),
                    ));
                }
            }
        }
        let damaged = match &args.from {
            None => store.restore_backup()?,
            Some(copy) => store.restore_from(&find_copy(&store, copy)?)?,
        };
        // Opening proves the restored generation decrypts with the same key.
        let vault = args.vault.open()?;
        if out.json {
            out.json_line(&serde_json::json!({
                "vault": store.path().display().to_string(),
                "damaged_copy": damaged.map(|p| p.display().to_string()),
                "accounts": vault.list().len(),
            }))?;
        } else {
            out.line(&format!(
                "Restored {} from its backup ({} accounts).",
                store.path().display(),
                vault.list().len()
            ));
            if let Some(p) = damaged {
                out.line(&format!("The damaged file is kept as {}.", p.display()));
            }
        }
        return Ok(ExitCode::SUCCESS);
    };
    let mut vault = args.vault.open()?;
    let back = vault.resolve_deleted(query)?;
    vault.restore(&back.id)?;
    if out.json {
        out.json_line(&serde_json::json!({"id": back.id, "status": "restored"}))?;
    } else {
        out.line(&format!("Restored {} ({}).", back.label(), back.id));
    }
    Ok(ExitCode::SUCCESS)
}

/// `--from`: a path, a file name in backups/, or the start of a time stamp.
fn find_copy(store: &VaultStore, wanted: &str) -> Result<std::path::PathBuf, CliError> {
    let path = std::path::Path::new(wanted);
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    let copies = store.backup_copies();
    let matching: Vec<_> = copies
        .iter()
        .filter(|c| {
            c.path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|name| {
                    name == wanted
                        || name
                            .rsplit_once(".tweestap.")
                            .is_some_and(|(_, stamp)| stamp.starts_with(wanted))
                        || name
                            .split('.')
                            .any(|part| part.starts_with(wanted) && part.len() >= 15)
                })
        })
        .collect();
    match matching.as_slice() {
        [one] => Ok(one.path.clone()),
        [] => Err(CliError::bad_input(
            "not_found",
            format!("no backup copy matches {wanted}; tweestap restore --backup --list shows them"),
        )),
        several => Err(CliError::bad_input(
            "ambiguous",
            format!(
                "{wanted} matches {} copies; give more of the time stamp",
                several.len()
            ),
        )),
    }
}

/// `--list`: every copy, oldest first, with the accounts it holds (names only). A damaged
/// vault's copies are listed too: that is when they are needed.
fn list_copies(args: &Args, out: &Output) -> CmdResult {
    let store = args.vault.store()?;
    let password = args.vault.password()?;
    let listing = store
        .backup_listing(password.as_ref().map(|p| p.as_str()))
        .map_err(|e| explain(e, password.is_some()))?;
    if !listing.vault_opens && !out.json {
        out.line(&format!(
            "{} cannot be read; these copies were read with the key of the newest copy that opens.",
            store.path().display()
        ));
    }
    let mut listed = Vec::new();
    for ListedCopy { copy, accounts } in &listing.copies {
        let kind = match copy.kind {
            BackupKind::Automatic => "automatic",
            BackupKind::OldKey => "old_key",
            BackupKind::Previous => "previous",
        };
        if out.json {
            let (accounts, error) = match accounts {
                Ok(a) => (serde_json::to_value(a).unwrap_or_default(), None),
                Err(e) => (
                    serde_json::Value::Array(Vec::new()),
                    Some((e.kind(), e.to_string())),
                ),
            };
            listed.push(serde_json::json!({
                "path": copy.path.display().to_string(),
                "made_unix_ms": copy.made_unix_ms,
                "kind": kind,
                "accounts": accounts,
                "error": error.map(|(kind, message)| serde_json::json!({"kind": kind, "message": message})),
            }));
        } else {
            let when = copy
                .made_unix_ms
                .map(|ms| tweestap_core::civil::utc_text(ms / 1000))
                .unwrap_or_else(|| "time unknown".into());
            let what = match copy.kind {
                BackupKind::Automatic => "automatic backup",
                BackupKind::OldKey => "kept for a key the vault no longer has",
                BackupKind::Previous => "the previous version",
            };
            out.line(&format!("{}  ({when}, {what})", copy.path.display()));
            match accounts {
                Ok(accounts) => {
                    for a in accounts {
                        let label = tweestap_core::account::display_label(&a.issuer, &a.account);
                        let note = if a.key_in_vault == Some(false) {
                            "  [key no longer in the vault]"
                        } else {
                            ""
                        };
                        out.line(&format!("    {label}{note}"));
                    }
                }
                Err(e) => out.line(&format!("    cannot be read: {e}")),
            }
        }
    }
    if out.json {
        out.json_line(&serde_json::json!({
            "vault": store.path().display().to_string(),
            "vault_opens": listing.vault_opens,
            "copies": listed,
        }))?;
    } else if listing.copies.is_empty() {
        out.line("No backup copies yet: they are made as the vault changes.");
    }
    Ok(ExitCode::SUCCESS)
}
