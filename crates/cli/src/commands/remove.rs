//! `tweestap remove`: deletes an account, recoverably for 30 days (`tweestap restore`).

use std::process::ExitCode;

use super::vault_opts::VaultOpts;
use crate::output::{CmdResult, Output};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The account: its id, a unique id prefix, or its issuer/account name.
    #[arg(value_name = "NAME|ID")]
    pub query: String,

    #[command(flatten)]
    pub vault: VaultOpts,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let mut vault = args.vault.open()?;
    let gone = vault.resolve(&args.query)?;
    vault.delete(&gone.id)?;
    if out.json {
        out.json_line(&serde_json::json!({"id": gone.id, "status": "deleted"}))?;
    } else {
        out.line(&format!(
            "Removed {}. `tweestap restore {}` brings it back within 30 days.",
            gone.label(),
            gone.id
        ));
    }
    Ok(ExitCode::SUCCESS)
}
