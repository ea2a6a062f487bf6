//! `tweestap restore`: brings back a removed account, or the whole vault from its backup.

use std::process::ExitCode;

use clap::ArgGroup;

use super::vault_opts::VaultOpts;
use crate::output::{CmdResult, Output};

#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("what").required(true).args(["query", "backup"])),
    after_help = "Examples:\n  tweestap list --deleted\n  tweestap restore 3f9a2c\n  tweestap restore --backup     (after an integrity error: the damaged file is kept beside it)"
)]
pub struct Args {
    /// A removed account: its id, a unique id prefix, or its issuer/account name.
    #[arg(value_name = "NAME|ID")]
    pub query: Option<String>,

    /// Replace a damaged vault file with its backup (the previous version).
    #[arg(long)]
    pub backup: bool,

    #[command(flatten)]
    pub vault: VaultOpts,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let Some(query) = &args.query else {
        let store = args.vault.store()?;
        let damaged = store.restore_backup()?;
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
