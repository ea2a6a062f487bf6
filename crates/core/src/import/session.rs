//! An import a person walks through step by step, as the app shows it: the files chosen so far
//! (the QR images of a Google Authenticator export come one after another), the file's
//! password when it is encrypted, a preview of what importing would do, the person's choice
//! for each conflict, and one commit. The session holds every key of the files (wiped when it
//! is dropped); its [`SessionView`] holds names, types and statuses only, never a key.
//!
//! A door keeps the session between its steps (the app behind a token, ended by a lock) and
//! reports the progress of slow steps; the rules of each step live here.

use crate::error::Kind;
use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    Format, ImportError, ImportOptions, ImportOutcome, ImportPreview, PlanStatus, Progress,
    Resolution, Skipped, Source,
};
use crate::vault::Vault;

/// An import being previewed: its files and, once read, what they hold and what importing
/// them into the vault would do.
pub struct Session {
    sources: Vec<Source>,
    read: Read,
}

enum Read {
    /// Encrypted: the file's password is needed first.
    NeedsPassword(Format),
    /// Read and planned against the vault as it was then.
    Planned {
        preview: ImportPreview,
        plan: Vec<PlanStatus>,
    },
}

/// What importing one account would do.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum RowStatus {
    /// Not there yet: added.
    New,
    /// Already in the vault, or earlier in the file, with the same key: skipped.
    Identical,
    /// The login is in the vault (or earlier in the file, `in_file`) with another key: the
    /// person chooses replace or keep both.
    Conflict,
}

/// One account of the file, as a window may see it.
#[derive(Serialize, Clone, Debug)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportRow {
    pub index: usize,
    pub issuer: String,
    pub account: String,
    #[serde(rename = "type")]
    pub otp_type: &'static str,
    pub status: RowStatus,
    pub in_file: bool,
}

/// An entry of a file that gives no account, and why (a stable `reason` kind): what the CLI's
/// JSON and the app show of a [`Skipped`] entry.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SkippedRow {
    pub reason: Kind,
    pub issuer: String,
    pub account: String,
}

impl From<&Skipped> for SkippedRow {
    fn from(s: &Skipped) -> Self {
        SkippedRow {
            reason: s.reason,
            issuer: s.issuer.clone(),
            account: s.account.clone(),
        }
    }
}

/// What the chosen file(s) hold. `needs_password`: encrypted, ask for its password. `exports`:
/// a Google Authenticator export in several QR codes, how many were given; while one is
/// incomplete (`complete` false) the person adds the other images first.
#[derive(Serialize, Clone, Debug)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SessionView {
    pub files: Vec<String>,
    pub format: Option<Format>,
    pub needs_password: bool,
    pub complete: bool,
    pub exports: Vec<Progress>,
    pub accounts: Vec<ImportRow>,
    pub skipped: Vec<SkippedRow>,
}

/// The person's answer for an account whose login is in the vault (or earlier in the file)
/// with another key.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ConflictChoice {
    /// The existing account gets the new key.
    Replace,
    /// Both are stored.
    KeepBoth,
}

/// The choice for the account at `index` of the preview.
#[derive(Deserialize, Clone, Copy, Debug)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Choice {
    pub index: usize,
    pub choice: ConflictChoice,
}

/// What the import did, counted.
#[derive(Serialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportDone {
    pub added: usize,
    pub replaced: usize,
    pub kept_both: usize,
    pub unchanged: usize,
    /// Entries of the file that could not be imported.
    pub skipped: usize,
}

impl Session {
    /// Reads `first` and plans it against `vault`. A file that needs a password is not an
    /// error: the view asks for it ([`Session::unlock`]). `checking(n)` is told how many
    /// accounts are being compared with the vault, between reading and planning.
    pub fn open(
        first: Source,
        vault: &Vault,
        checking: impl FnOnce(usize),
    ) -> Result<(Session, SessionView), ImportError> {
        let sources = vec![first];
        let read = read(&sources, vault, None, checking)?;
        let session = Session { sources, read };
        let view = session.view();
        Ok((session, view))
    }

    /// Adds `source` (the next QR image of a Google Authenticator export) and reads every file
    /// again. When it does not fit (any error), the session stays as it was.
    pub fn add(
        &mut self,
        source: Source,
        vault: &Vault,
        checking: impl FnOnce(usize),
    ) -> Result<SessionView, ImportError> {
        self.sources.push(source);
        match read(&self.sources, vault, None, checking) {
            Ok(read) => {
                self.read = read;
                Ok(self.view())
            }
            Err(e) => {
                self.sources.pop();
                Err(e)
            }
        }
    }

    /// Reads the encrypted file(s) with their `password`. A wrong password leaves the session
    /// as it was, so the person can try again.
    pub fn unlock(
        &mut self,
        password: &str,
        vault: &Vault,
        checking: impl FnOnce(usize),
    ) -> Result<SessionView, ImportError> {
        self.read = read(&self.sources, vault, Some(password), checking)?;
        Ok(self.view())
    }

    /// What the files hold and what importing them would do.
    pub fn view(&self) -> SessionView {
        let files = self
            .sources
            .iter()
            .map(|s| file_name(Path::new(&s.name)))
            .collect();
        match &self.read {
            Read::NeedsPassword(format) => SessionView {
                files,
                format: Some(*format),
                needs_password: true,
                complete: false,
                exports: Vec::new(),
                accounts: Vec::new(),
                skipped: Vec::new(),
            },
            Read::Planned { preview, plan } => SessionView {
                files,
                format: Some(preview.format),
                needs_password: false,
                complete: preview.is_complete(),
                exports: preview.exports.clone(),
                accounts: rows(preview, plan),
                skipped: preview.skipped.iter().map(SkippedRow::from).collect(),
            },
        }
    }

    /// How many accounts a commit would go through (for a door's progress line).
    pub fn accounts(&self) -> usize {
        match &self.read {
            Read::Planned { preview, .. } => preview.accounts.len(),
            Read::NeedsPassword(_) => 0,
        }
    }

    /// Whether the files can be committed: `password_required` while they are still
    /// encrypted, `incomplete_export` while a Google export lacks some of its QR codes.
    pub fn check_ready(&self) -> Result<(), ImportError> {
        match &self.read {
            Read::NeedsPassword(format) => Err(ImportError::PasswordRequired { format: *format }),
            Read::Planned { preview, .. } if !preview.is_complete() => {
                Err(ImportError::IncompleteExport {
                    exports: preview.exports.clone(),
                })
            }
            Read::Planned { .. } => Ok(()),
        }
    }

    /// Stores the previewed accounts in one vault write, following the preview: each conflict
    /// is resolved by `choices`; an account the preview called identical is left alone. A
    /// conflict without a choice is `choice_needed`; an account the preview called new that
    /// is in the vault now (changed meanwhile, e.g. by the CLI) is `import_outdated` (see
    /// [`ImportError::ends_session`]); two replaces of one account are `replaced_twice`. Still
    /// encrypted: `password_required`; an incomplete Google export: `incomplete_export`.
    /// Nothing is written then, nor on any other failure.
    pub fn commit(&self, vault: &mut Vault, choices: &[Choice]) -> Result<ImportDone, ImportError> {
        self.check_ready()?;
        let Read::Planned { preview, plan } = &self.read else {
            unreachable!("checked to be read")
        };
        let chosen: HashMap<usize, Resolution> = choices
            .iter()
            .map(|c| {
                let resolution = match c.choice {
                    ConflictChoice::Replace => Resolution::Replace,
                    ConflictChoice::KeepBoth => Resolution::KeepBoth,
                };
                (c.index, resolution)
            })
            .collect();
        let outcomes = super::commit(vault, preview, plan, |index, _, _| {
            chosen.get(&index).copied().unwrap_or(Resolution::Cancel)
        })
        .map_err(|e| match e {
            ImportError::Cancelled => ImportError::ChoiceNeeded,
            e => e,
        })?;
        let mut done = ImportDone {
            skipped: preview.skipped.len(),
            ..ImportDone::default()
        };
        for outcome in outcomes {
            match outcome {
                ImportOutcome::Added { .. } => done.added += 1,
                ImportOutcome::Replaced { .. } => done.replaced += 1,
                ImportOutcome::KeptBoth { .. } => done.kept_both += 1,
                ImportOutcome::Unchanged { .. } | ImportOutcome::Skipped { .. } => {
                    done.unchanged += 1
                }
            }
        }
        Ok(done)
    }
}

/// Every key of the files is in `Zeroizing` buffers (the sources, the preview's accounts).
impl zeroize::ZeroizeOnDrop for Session {}

/// Reads `sources` (with `password`, if given) and plans them against `vault`.
fn read(
    sources: &[Source],
    vault: &Vault,
    password: Option<&str>,
    checking: impl FnOnce(usize),
) -> Result<Read, ImportError> {
    let options = ImportOptions {
        format: None,
        password,
    };
    match super::preview(sources, options) {
        Ok(preview) => {
            checking(preview.accounts.len());
            let plan = super::plan(&preview, vault);
            Ok(Read::Planned { preview, plan })
        }
        Err(ImportError::PasswordRequired { format }) => Ok(Read::NeedsPassword(format)),
        Err(e) => Err(e),
    }
}

fn rows(preview: &ImportPreview, plan: &[PlanStatus]) -> Vec<ImportRow> {
    preview
        .accounts
        .iter()
        .zip(plan)
        .enumerate()
        .map(|(index, (new, status))| {
            let (status, in_file) = match status {
                PlanStatus::New => (RowStatus::New, false),
                PlanStatus::Identical { .. } => (RowStatus::Identical, false),
                PlanStatus::Conflict { .. } => (RowStatus::Conflict, false),
                PlanStatus::Repeated {
                    identical: true, ..
                } => (RowStatus::Identical, true),
                PlanStatus::Repeated { .. } => (RowStatus::Conflict, true),
            };
            ImportRow {
                index,
                issuer: new.account.issuer.clone(),
                account: new.account.account.clone(),
                otp_type: new.account.kind.type_name(),
                status,
                in_file,
            }
        })
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
