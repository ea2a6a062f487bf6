//! `tweestap list`: the accounts in the vault, never their secrets.

use std::process::ExitCode;

use serde::Serialize;
use tweestap_core::Algorithm;
use tweestap_core::vault::AccountSummary;

use super::vault_opts::VaultOpts;
use crate::output::{CmdResult, Output};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// List the deleted accounts that `tweestap restore` can still bring back.
    #[arg(long)]
    pub deleted: bool,

    #[command(flatten)]
    pub vault: VaultOpts,
}

/// `{"accounts":[{"id","issuer","account","type","algorithm","digits","period"}]}`; deleted
/// accounts also carry `deleted_at` and `purge_at` (Unix seconds).
#[derive(Serialize)]
struct Listing<'a> {
    accounts: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    issuer: &'a str,
    account: &'a str,
    #[serde(rename = "type")]
    otp_type: &'a str,
    algorithm: Algorithm,
    digits: u8,
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deleted_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purge_at: Option<i64>,
}

impl<'a> From<&'a AccountSummary> for Entry<'a> {
    fn from(s: &'a AccountSummary) -> Self {
        Entry {
            id: &s.id,
            issuer: &s.issuer,
            account: &s.account,
            otp_type: s.otp_type,
            algorithm: s.algorithm,
            digits: s.digits,
            period: s.period,
            deleted_at: s.deleted_at,
            purge_at: s.purge_at(),
        }
    }
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let vault = args.vault.open()?;
    let accounts = if args.deleted {
        vault.list_deleted()
    } else {
        vault.list()
    };
    if out.json {
        out.json_line(&Listing {
            accounts: accounts.iter().map(Entry::from).collect(),
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    if accounts.is_empty() {
        out.line(if args.deleted {
            "No deleted accounts."
        } else {
            "No accounts yet: add one with `tweestap add 'otpauth://…'`."
        });
    }
    for s in &accounts {
        let kind = match s.period {
            Some(p) if s.otp_type == "totp" => format!("totp/{p}s"),
            _ => s.otp_type.to_string(),
        };
        out.line(&format!("{}  {:<10} {}", s.id, kind, s.label()));
    }
    Ok(ExitCode::SUCCESS)
}
