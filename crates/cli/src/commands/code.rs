//! `tweestap code`: the current code of a link, of a key given with flags, or of an account
//! in the vault.

use std::process::ExitCode;

use clap::ArgGroup;
use tweestap_core::ErrorKind;
use tweestap_core::otp;
use tweestap_core::parse_otpauth;

use super::key_args::KeyArgs;
use super::vault_opts::VaultOpts;
use crate::output::{CmdResult, Output};

#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("source").required(true).args(["uri", "secret"])),
    after_help = "Examples:\n  tweestap code 'otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP'\n  tweestap code --secret JBSWY3DPEHPK3PXP --at 1700000000\n  tweestap code --hotp --counter 5 --secret JBSWY3DPEHPK3PXP --json\n  tweestap code BLk            (an account in the vault, by name or id)"
)]
pub struct Args {
    /// An otpauth:// link (quote it: it contains ? and &), or the name or id of an account in
    /// the vault (see `tweestap list`).
    #[arg(value_name = "URI|NAME|ID")]
    pub uri: Option<String>,

    #[command(flatten)]
    pub key: KeyArgs,

    /// Unix time to compute the code for [default: now]. Ignored for HOTP.
    #[arg(long, value_name = "UNIX")]
    pub at: Option<u64>,

    #[command(flatten)]
    pub vault: VaultOpts,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let at = super::time_or_now(args.at);
    let info = match (&args.uri, args.key.account("", "")) {
        (Some(text), _) => match parse_otpauth(text) {
            Ok(account) => otp::generate(&account, at),
            // Not a link at all: a name or id in the vault, when there is a vault. Otherwise
            // the link error stands (scripts rely on `invalid_scheme` for a non-link).
            Err(e)
                if e.kind() == "invalid_scheme" && !text.contains("://") && args.vault.exists() =>
            {
                // A vault HOTP code uses its counter up, so the same code is never shown twice.
                let mut vault = args.vault.open()?;
                let id = vault.resolve(text)?.id;
                vault.next_hotp_code(&id, at)?
            }
            Err(e) => return Err(e.into()),
        },
        (None, Some(account)) => otp::generate(&account?, at),
        (None, None) => unreachable!("clap requires a link, a name or --secret"),
    };
    if out.json {
        out.json_line(&info)?;
    } else {
        out.line(&info.code);
    }
    Ok(ExitCode::SUCCESS)
}
