//! The options every vault command shares (`--vault`, `--password-file`, `--no-keyring`) and
//! how they turn into a [`VaultStore`] and an unlocked [`Vault`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tweestap_core::vault::{NoKeyring, Vault, VaultError, VaultStore};
use zeroize::Zeroizing;

use crate::output::CliError;

#[derive(Debug, Clone, clap::Args)]
pub struct VaultOpts {
    /// The vault file [default: $TWEESTAP_VAULT, else vault.tweestap in the per-user data folder].
    #[arg(long, value_name = "PATH")]
    pub vault: Option<PathBuf>,

    /// Read the vault password from the first line of FILE (for scripts and servers).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// Never touch the OS keyring: the vault is opened (or created) with its password only.
    #[arg(long)]
    pub no_keyring: bool,
}

impl VaultOpts {
    pub fn store(&self) -> Result<VaultStore, CliError> {
        let store = VaultStore::locate(self.vault.as_deref())?;
        Ok(if self.no_keyring {
            store.with_keyring(Arc::new(NoKeyring))
        } else {
            store
        })
    }

    /// Whether the vault file these options point at exists.
    pub fn exists(&self) -> bool {
        self.store().is_ok_and(|s| s.exists())
    }

    /// The password from `--password-file`, if given.
    pub fn password(&self) -> Result<Option<Zeroizing<String>>, CliError> {
        self.password_file
            .as_deref()
            .map(read_password_file)
            .transpose()
    }

    /// Opens the vault with the password file when given, else with the keyring key.
    pub fn open(&self) -> Result<Vault, CliError> {
        let store = self.store()?;
        let password = self.password()?;
        store
            .open(password.as_ref().map(|p| p.as_str()))
            .map_err(|e| explain(e, password.is_some()))
    }
}

/// A vault error for the person, with the option to give when the vault needs its password.
pub fn explain(error: VaultError, password_given: bool) -> CliError {
    let mut error = CliError::from(error);
    if !password_given && error.kind == "password_required" {
        error.message.push_str(" (pass --password-file FILE)");
    }
    error
}

/// The first line of `path`, without its line ending. The buffer is wiped when dropped.
pub fn read_password_file(path: &Path) -> Result<Zeroizing<String>, CliError> {
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
        CliError::bad_input(
            "password_file",
            format!("cannot read the password file {}: {e}", path.display()),
        )
    })?);
    let first = text.lines().next().unwrap_or("");
    if first.is_empty() {
        return Err(CliError::bad_input(
            "password_file",
            format!(
                "the password file {} is empty; put the password on its first line",
                path.display()
            ),
        ));
    }
    Ok(Zeroizing::new(first.to_owned()))
}

/// The vault options of `import` and `export`, whose `--password-file` is the password of
/// the file being imported or written: the vault's own password comes from
/// `--vault-password-file` instead.
#[derive(Debug, Clone, clap::Args)]
pub struct FileVaultOpts {
    /// The vault file [default: $TWEESTAP_VAULT, else vault.tweestap in the per-user data folder].
    #[arg(long, value_name = "PATH")]
    pub vault: Option<PathBuf>,

    /// Read the vault's password from the first line of FILE (--password-file is the
    /// password of the import or export file).
    #[arg(long, value_name = "FILE")]
    pub vault_password_file: Option<PathBuf>,

    /// Never touch the OS keyring: the vault is opened with its password only.
    #[arg(long)]
    pub no_keyring: bool,
}

impl FileVaultOpts {
    /// Opens the vault with `--vault-password-file` when given, else with the keyring key.
    pub fn open(&self) -> Result<Vault, CliError> {
        let opts = VaultOpts {
            vault: self.vault.clone(),
            password_file: self.vault_password_file.clone(),
            no_keyring: self.no_keyring,
        };
        opts.open().map_err(|mut e| {
            e.message = e.message.replace(
                "(pass --password-file FILE)",
                "(pass --vault-password-file FILE)",
            );
            e
        })
    }
}
