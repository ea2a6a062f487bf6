//! `tweestap passwd`: sets, changes or removes the vault password, and adds or removes the
//! key in this computer's keyring.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ArgGroup;
use tweestap_core::vault::KdfParams;

use super::vault_opts::{VaultOpts, read_password_file};
use crate::output::{CmdResult, Output};

#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("change").required(true).args(["new_password_file", "remove", "add_keyring", "remove_keyring"])),
    after_help = "The vault is opened with --password-file when given, else with the keyring key.\n\nExamples:\n  tweestap passwd --new-password-file new.txt                    (set or change the password)\n  tweestap passwd --password-file pw.txt --add-keyring           (on a new computer)\n  tweestap passwd --remove                                        (keyring key only)"
)]
pub struct Args {
    /// Set or change the password to the first line of FILE.
    #[arg(long, value_name = "FILE")]
    pub new_password_file: Option<PathBuf>,

    /// Remove the password (the keyring key must remain).
    #[arg(long)]
    pub remove: bool,

    /// Store the vault key in this computer's keyring (after opening with the password).
    #[arg(long)]
    pub add_keyring: bool,

    /// Remove the vault key from the keyring (the password must remain).
    #[arg(long)]
    pub remove_keyring: bool,

    #[command(flatten)]
    pub vault: VaultOpts,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let new_password = args
        .new_password_file
        .as_deref()
        .map(read_password_file)
        .transpose()?;
    let mut vault = args.vault.open()?;
    let done = if let Some(pw) = &new_password {
        vault.set_password(pw, KdfParams::DEFAULT)?;
        "Password set."
    } else if args.remove {
        vault.remove_password()?;
        "Password removed: the vault now opens with the key in this computer's keyring only."
    } else if args.add_keyring {
        vault.add_keyring_slot()?;
        "The vault key is now in this computer's keyring."
    } else {
        vault.remove_keyring_slot()?;
        "The vault key was removed from the keyring: the vault now opens with its password only."
    };
    let info = vault.info();
    if out.json {
        out.json_line(&serde_json::json!({
            "vault": info.path.display().to_string(),
            "keyring": info.has_keyring_slot,
            "password": info.has_password_slot,
        }))?;
    } else {
        out.line(done);
    }
    Ok(ExitCode::SUCCESS)
}
