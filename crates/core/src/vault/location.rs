//! Where the vault lives when the person does not say.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use directories::ProjectDirs;

use super::error::{Result, VaultError};

/// The environment variable that overrides the default vault path.
pub const VAULT_ENV: &str = "TWEESTAP_VAULT";
/// The vault's file name inside the data folder.
pub const VAULT_FILE_NAME: &str = "vault.tweestap";

/// The vault path to use: `explicit` (`--vault PATH`) if given, else `$TWEESTAP_VAULT` if set
/// and not empty, else [`default_vault_path`].
pub fn resolve_vault_path(explicit: Option<&Path>) -> Result<PathBuf> {
    resolve_with(explicit, std::env::var_os(VAULT_ENV), default_vault_path)
}

fn resolve_with(
    explicit: Option<&Path>,
    env: Option<OsString>,
    default: impl FnOnce() -> Result<PathBuf>,
) -> Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    match env {
        Some(v) if !v.is_empty() => Ok(PathBuf::from(v)),
        _ => default(),
    }
}

/// The per-user data folder's `vault.tweestap`:
/// Linux `~/.local/share/tweestap/`, macOS `~/Library/Application Support/nl.Tweestap.Tweestap/`,
/// Windows `%APPDATA%\Tweestap\Tweestap\data\`.
pub fn default_vault_path() -> Result<PathBuf> {
    ProjectDirs::from("nl", "Tweestap", "Tweestap")
        .map(|d| d.data_dir().join(VAULT_FILE_NAME))
        .ok_or(VaultError::NoDataDir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_beats_env_beats_default() {
        let d = || Ok(PathBuf::from("/default"));
        assert_eq!(
            resolve_with(Some(Path::new("/x")), Some("/env".into()), d).unwrap(),
            PathBuf::from("/x")
        );
        assert_eq!(
            resolve_with(None, Some("/env".into()), d).unwrap(),
            PathBuf::from("/env")
        );
        assert_eq!(
            resolve_with(None, Some("".into()), d).unwrap(),
            PathBuf::from("/default")
        );
        assert_eq!(
            resolve_with(None, None, d).unwrap(),
            PathBuf::from("/default")
        );
    }

    #[test]
    fn default_is_in_a_tweestap_folder() {
        if let Ok(p) = default_vault_path() {
            assert!(p.ends_with(VAULT_FILE_NAME));
            assert!(p.to_string_lossy().to_lowercase().contains("tweestap"));
        }
    }
}
