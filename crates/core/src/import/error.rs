//! Why an import failed as a whole. A bad *entry* is not an error: it is reported in the
//! preview's `skipped` list and the rest is imported.

use thiserror::Error;

use super::{Format, Progress};
use crate::error::{ErrorKind, Kind};
use crate::migration::MigrationError;
use crate::qr::QrError;
use crate::vault::VaultError;

#[derive(Debug, Error)]
pub enum ImportError {
    /// The content is not a format Tweestap reads (or not the one named).
    #[error(
        "{}{detail}: Tweestap imports Google Authenticator export links or QR images, Aegis, 2FAS, andOTP, Bitwarden (JSON), FreeOTP+ (JSON) exports, Duo Mobile's accounts.json, Steam Desktop Authenticator maFiles, lists of otpauth:// links and Tweestap backups; if you know the format, name it",
        prefix(source_name)
    )]
    UnknownFormat {
        source_name: String,
        detail: &'static str,
    },

    #[error(
        "this {} is encrypted: give the password that was set when it was made",
        format.describe()
    )]
    PasswordRequired { format: Format },

    #[error(
        "wrong password for this {}: use the password that was set when it was made (letters are case-sensitive)",
        format.describe()
    )]
    WrongPassword { format: Format },

    #[error(
        "{}this {} is damaged or was changed after it was made ({detail}); make a new one in {}",
        prefix(source_name),
        format.describe(),
        format.app()
    )]
    Integrity {
        format: Format,
        source_name: String,
        detail: String,
    },

    /// A key-derivation setting (or the sum over password slots) beyond any real export's:
    /// refused before any of the work runs.
    #[error(
        "{}this {} asks for more password-checking work than an authenticator export ever needs ({detail}), so it was not opened; make a new export in {}",
        prefix(source_name),
        format.describe(),
        format.app()
    )]
    KdfTooCostly {
        format: Format,
        source_name: String,
        detail: String,
    },

    #[error("{}{detail}", prefix(source_name))]
    Unsupported {
        format: Format,
        source_name: String,
        detail: String,
    },

    #[error(
        "the files are of different kinds ({} is a {}, {} a {}); import them one at a time",
        first.1, first.0.describe(), other.1, other.0.describe()
    )]
    MixedFormats {
        first: (Format, String),
        other: (Format, String),
    },

    /// A Google Authenticator export link that cannot be read at all.
    #[error("{}{error}", prefix(source_name))]
    Migration {
        source_name: String,
        error: MigrationError,
    },

    #[error("{}", incomplete_message(exports))]
    IncompleteExport { exports: Vec<Progress> },

    #[error(
        "{}no QR code was found in this image; use a sharper or larger picture of just the code, or the export's links as text",
        prefix(source_name)
    )]
    NoQrCode { source_name: String },

    #[error("{}{error}", prefix(source_name))]
    Image { source_name: String, error: QrError },

    #[error("cannot read {path}: {source}")]
    Unreadable {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("{path} is a {what}, not a file: choose the export file itself")]
    NotAFile { path: String, what: &'static str },

    #[error("{path} is too large to be an export ({size} bytes; the limit is {limit})", limit = super::MAX_FILE_BYTES)]
    TooLarge { path: String, size: u64 },

    #[error("the import was cancelled; nothing was changed")]
    Cancelled,

    /// A conflict of an import [`super::Session`] was committed without the person's choice.
    #[error(
        "an account is in the vault with another key and needs a choice (replace or keep both); nothing was imported"
    )]
    ChoiceNeeded,

    /// The vault changed since the plan: an account the preview called new is now there.
    #[error(
        "the vault changed since the preview ({label} is in it now); nothing was imported: open the file again to see what importing would do"
    )]
    Outdated { label: String },

    /// Two accounts of the file were both to replace the same account of the vault.
    #[error(
        "two accounts of the file would both replace {label}; choose \"keep both\" for one of them (nothing was imported)"
    )]
    ReplacedTwice { label: String },

    /// A door's token names no import being previewed (any more): it was committed,
    /// cancelled, replaced by another file, or the vault was locked.
    #[error("this import is no longer open; choose the file again")]
    Expired,

    #[error(transparent)]
    Vault(#[from] VaultError),
}

fn prefix(source_name: &str) -> String {
    if source_name.is_empty() {
        String::new()
    } else {
        format!("{source_name}: ")
    }
}

fn incomplete_message(exports: &[Progress]) -> String {
    let parts: Vec<String> = exports
        .iter()
        .filter(|p| !p.is_complete())
        .map(|p| {
            // The first few numbers are enough to act on; an export may miss hundreds.
            const SHOWN: usize = 10;
            let mut missing: Vec<String> = p
                .missing
                .iter()
                .take(SHOWN)
                .map(|n| n.to_string())
                .collect();
            if p.missing.len() > SHOWN {
                missing.push(format!("and {} more", p.missing.len() - SHOWN));
            }
            format!(
                "{} QR codes of {} were given (missing: number {})",
                p.received,
                p.total,
                missing.join(", ")
            )
        })
        .collect();
    format!(
        "this Google Authenticator export is incomplete: {}; scan or add the missing QR codes too (nothing was imported)",
        parts.join("; ")
    )
}

impl ErrorKind for ImportError {
    fn kind(&self) -> Kind {
        match self {
            ImportError::UnknownFormat { .. } => Kind::UnknownFormat,
            ImportError::PasswordRequired { .. } => Kind::PasswordRequired,
            ImportError::WrongPassword { .. } => Kind::WrongPassword,
            ImportError::Integrity { .. } => Kind::IntegrityError,
            ImportError::Unsupported { .. } => Kind::UnsupportedFormat,
            ImportError::KdfTooCostly { .. } => Kind::KdfTooCostly,
            ImportError::MixedFormats { .. } => Kind::MixedFormats,
            ImportError::Migration { error, .. } => error.kind(),
            ImportError::IncompleteExport { .. } => Kind::IncompleteExport,
            ImportError::NoQrCode { .. } => Kind::NoQrCode,
            ImportError::Image { error, .. } => error.kind(),
            ImportError::Unreadable { source, .. } => match source.kind() {
                std::io::ErrorKind::NotFound => Kind::FileNotFound,
                std::io::ErrorKind::PermissionDenied => Kind::PermissionDenied,
                _ => Kind::FileUnreadable,
            },
            ImportError::TooLarge { .. } => Kind::FileTooLarge,
            ImportError::NotAFile { .. } => Kind::NotAFile,
            ImportError::Cancelled => Kind::Cancelled,
            ImportError::ChoiceNeeded => Kind::ChoiceNeeded,
            ImportError::Outdated { .. } => Kind::ImportOutdated,
            ImportError::ReplacedTwice { .. } => Kind::ReplacedTwice,
            ImportError::Expired => Kind::ImportExpired,
            ImportError::Vault(e) => e.kind(),
        }
    }

    fn is_bad_input(&self) -> bool {
        match self {
            ImportError::Image { error, .. } => error.is_bad_input(),
            ImportError::Vault(e) => e.is_bad_input(),
            ImportError::Cancelled | ImportError::Outdated { .. } | ImportError::Expired => false,
            _ => true,
        }
    }
}

impl ImportError {
    /// Whether an import [`super::Session`] that failed with this has to be opened again: its
    /// preview no longer tells the truth (`import_outdated`).
    pub fn ends_session(&self) -> bool {
        matches!(self, ImportError::Outdated { .. })
    }

    pub(crate) fn integrity(format: Format, detail: impl Into<String>) -> Self {
        ImportError::Integrity {
            format,
            source_name: String::new(),
            detail: detail.into(),
        }
    }

    /// A file of `format` that is not valid JSON of that format. serde's own message may quote
    /// a value from the file (a key), so only the position is shown.
    pub(crate) fn bad_json(format: Format, e: &serde_json::Error) -> Self {
        Self::integrity(
            format,
            format!(
                "it is not valid {} JSON at line {}, column {}",
                format.app(),
                e.line(),
                e.column()
            ),
        )
    }

    pub(crate) fn kdf_too_costly(format: Format, detail: impl Into<String>) -> Self {
        ImportError::KdfTooCostly {
            format,
            source_name: String::new(),
            detail: detail.into(),
        }
    }

    pub(crate) fn unsupported(format: Format, detail: impl Into<String>) -> Self {
        ImportError::Unsupported {
            format,
            source_name: String::new(),
            detail: detail.into(),
        }
    }

    /// Names the file in the message, when it is not named yet.
    pub(crate) fn in_source(mut self, name: &str) -> Self {
        match &mut self {
            ImportError::Integrity { source_name, .. }
            | ImportError::KdfTooCostly { source_name, .. }
            | ImportError::Unsupported { source_name, .. }
            | ImportError::Migration { source_name, .. }
            | ImportError::UnknownFormat { source_name, .. }
                if source_name.is_empty() =>
            {
                *source_name = name.to_string();
            }
            _ => {}
        }
        self
    }
}
