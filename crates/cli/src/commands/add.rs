//! `tweestap add`: stores an account (a link, a Google Authenticator export link, or a key
//! given with flags) in the vault.

use std::process::ExitCode;

use clap::ArgGroup;
use serde::Serialize;
use tweestap_core::vault::Vault;
use tweestap_core::{Account, Link, display_label as label, parse_link};

use super::key_args::KeyArgs;
use super::vault_opts::VaultOpts;
use crate::output::{CliError, CmdResult, EXIT_FAILURE, Output};

#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("source").required(true).args(["uri", "secret"])),
    after_help = "An account with the same issuer and account name as one in the vault is not added twice:\nwith the same key nothing changes; with another key (you re-enrolled at the portal) pass --replace.\n\nExamples:\n  tweestap add 'otpauth://totp/BLk:jan@example.nl?secret=JBSWY3DPEHPK3PXP&issuer=BLk'\n  tweestap add --secret 'JBSW Y3DP EHPK 3PXP' --issuer BLk --account jan@example.nl\n  tweestap add 'otpauth-migration://offline?data=…'"
)]
pub struct Args {
    /// An otpauth:// link or an otpauth-migration:// export link (quote it).
    pub uri: Option<String>,

    #[command(flatten)]
    pub key: KeyArgs,

    /// Service name for --secret (e.g. BLk).
    #[arg(long, requires = "secret", value_name = "NAME")]
    pub issuer: Option<String>,

    /// Account name for --secret (e.g. your e-mail address).
    #[arg(long, requires = "secret", value_name = "NAME")]
    pub account: Option<String>,

    /// Replace the key of an account with the same issuer and account name.
    #[arg(long)]
    pub replace: bool,

    #[command(flatten)]
    pub vault: VaultOpts,
}

/// `{"accounts":[{"id","issuer","account","status"}],"failed":[{"index","kind","message"}]}`;
/// status is `added`, `replaced`, `unchanged` (already there with the same key) or `conflict`
/// (already there with another key; nothing changed, use --replace).
#[derive(Serialize)]
struct Report {
    accounts: Vec<Added>,
    failed: Vec<Failed>,
}

#[derive(Serialize)]
struct Added {
    id: String,
    issuer: String,
    account: String,
    status: &'static str,
}

#[derive(Serialize)]
struct Failed {
    index: usize,
    kind: &'static str,
    message: String,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let (accounts, failed) = accounts_to_add(&args)?;
    let mut vault = args.vault.open()?;
    let report = add(&mut vault, accounts, failed, args.replace)?;
    let conflicts: Vec<&Added> = report
        .accounts
        .iter()
        .filter(|a| a.status == "conflict")
        .collect();
    if let [only] = conflicts.as_slice()
        && report.accounts.len() == 1
    {
        return Err(CliError::failure(
            "account_exists",
            format!(
                "{} is already in the vault (id {}) with another key; if you re-enrolled at the portal, add it again with --replace",
                label(&only.issuer, &only.account),
                only.id
            ),
        ));
    }
    if out.json {
        out.json_line(&report)?;
    } else {
        for a in &report.accounts {
            let what = match a.status {
                "added" => "added",
                "replaced" => "replaced the key of",
                "unchanged" => "already in the vault:",
                _ => "NOT added (another key is in the vault; use --replace):",
            };
            out.line(&format!(
                "{what} {} ({})",
                label(&a.issuer, &a.account),
                a.id
            ));
        }
        for f in &report.failed {
            out.line(&format!("skipped entry {}: {}", f.index, f.message));
        }
    }
    Ok(if conflicts.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILURE)
    })
}

/// The accounts the arguments describe, and the export entries that could not be read.
fn accounts_to_add(args: &Args) -> Result<(Vec<Account>, Vec<Failed>), CliError> {
    if let Some(uri) = &args.uri {
        return Ok(match parse_link(uri)? {
            Link::Otpauth(account) => (vec![account], Vec::new()),
            Link::Migration(batch) => {
                let mut accounts = Vec::new();
                let mut failed = Vec::new();
                for (index, entry) in batch.entries.into_iter().enumerate() {
                    match entry {
                        Ok(account) => accounts.push(account),
                        Err(e) => failed.push(Failed {
                            index,
                            kind: tweestap_core::ErrorKind::kind(&e).as_str(),
                            message: e.to_string(),
                        }),
                    }
                }
                if accounts.is_empty() {
                    return Err(CliError::bad_input(
                        "no_accounts",
                        "the export link holds no account that can be added",
                    ));
                }
                (accounts, failed)
            }
        });
    }
    let issuer = args.issuer.as_deref().unwrap_or("");
    let account = args.account.as_deref().unwrap_or("");
    if issuer.is_empty() && account.is_empty() {
        return Err(CliError::bad_input(
            "usage",
            "name the account: pass --issuer and/or --account with --secret",
        ));
    }
    let built = args
        .key
        .account(issuer, account)
        .expect("clap requires a link or --secret")?;
    Ok((vec![built], Vec::new()))
}

fn add(
    vault: &mut Vault,
    accounts: Vec<Account>,
    failed: Vec<Failed>,
    replace: bool,
) -> Result<Report, CliError> {
    let names: Vec<(String, String)> = accounts
        .iter()
        .map(|a| (a.issuer.clone(), a.account.clone()))
        .collect();
    let done = vault.add_or_replace_all(accounts, replace)?;
    Ok(Report {
        accounts: done
            .into_iter()
            .zip(names)
            .map(|((id, status), (issuer, account))| Added {
                id,
                issuer,
                account,
                status: status.as_str(),
            })
            .collect(),
        failed,
    })
}
