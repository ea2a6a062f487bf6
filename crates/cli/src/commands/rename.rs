//! `tweestap rename`: changes the issuer and/or account name shown for an account.

use std::process::ExitCode;

use clap::ArgGroup;

use super::vault_opts::VaultOpts;
use crate::output::{CmdResult, Output};

#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("new_name").required(true).multiple(true).args(["issuer", "account"])),
    after_help = "Example:\n  tweestap rename 3f9a2c --issuer 'BLk portal' --account jan@example.nl"
)]
pub struct Args {
    /// The account: its id, a unique id prefix, or its issuer/account name.
    #[arg(value_name = "NAME|ID")]
    pub query: String,

    /// New service name ("" removes it).
    #[arg(long, value_name = "NAME")]
    pub issuer: Option<String>,

    /// New account name ("" removes it).
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,

    #[command(flatten)]
    pub vault: VaultOpts,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let mut vault = args.vault.open()?;
    let current = vault.resolve(&args.query)?;
    let issuer = args.issuer.as_deref().unwrap_or(&current.issuer);
    let account = args.account.as_deref().unwrap_or(&current.account);
    vault.rename(&current.id, issuer, account)?;
    let renamed = vault.summary(&current.id)?;
    if out.json {
        out.json_line(&serde_json::json!({
            "id": renamed.id, "issuer": renamed.issuer, "account": renamed.account,
        }))?;
    } else {
        out.line(&format!(
            "Renamed {} to {}.",
            current.label(),
            renamed.label()
        ));
    }
    Ok(ExitCode::SUCCESS)
}
