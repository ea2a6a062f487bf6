//! `tweestap init`: creates an empty vault.

use std::process::ExitCode;

use serde::Serialize;
use tweestap_core::vault::{CreateOptions, KdfParams};

use super::vault_opts::VaultOpts;
use crate::output::{CmdResult, Output};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The data key goes into the OS keyring; --password-file adds a password that also opens the vault\n(on another computer, or when the keyring entry is lost). --no-keyring needs --password-file.\n\nExamples:\n  tweestap init\n  tweestap init --vault ./test.tweestap --no-keyring --password-file pw.txt"
)]
pub struct Args {
    #[command(flatten)]
    pub vault: VaultOpts,
}

#[derive(Serialize)]
struct Created {
    vault: String,
    keyring: bool,
    password: bool,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let store = args.vault.store()?;
    let password = args.vault.password()?;
    let vault = store.create(CreateOptions {
        keyring: !args.vault.no_keyring,
        password: password.as_ref().map(|p| p.as_str()),
        kdf: KdfParams::DEFAULT,
    })?;
    let info = vault.info();
    let created = Created {
        vault: info.path.display().to_string(),
        keyring: info.has_keyring_slot,
        password: info.has_password_slot,
    };
    if out.json {
        out.json_line(&created)?;
    } else {
        let how = match (created.keyring, created.password) {
            (true, true) => "its key is in your keyring, and your password also opens it",
            (true, false) => "its key is in your keyring",
            _ => "it opens with your password",
        };
        out.line(&format!("Created {} ({how}).", created.vault));
    }
    Ok(ExitCode::SUCCESS)
}
