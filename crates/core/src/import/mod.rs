//! Importing accounts from other authenticators and from Tweestap backups: one interface for
//! every format, a preview first, then one atomic commit into the vault.
//!
//! 1. [`preview`] reads one or more files (their bytes: the door reads the files) in a format
//!    that is detected from the content or named by the caller, decrypting with a password
//!    when the file is encrypted. The [`ImportPreview`] lists the accounts found and the
//!    entries skipped, each with a reason. Nothing is written anywhere.
//! 2. [`plan`] tells, for each account, whether it is new, already in the vault, or a login
//!    that is in the vault with another key (the person chooses: replace or keep both).
//! 3. [`commit`] stores everything in one vault write; on any failure or a cancel nothing is
//!    written.
//!
//! [`Session`] walks a person through these steps in a window (files added one after another,
//! the file's password, a choice per conflict), holding the keys between them.
//!
//! Formats (one module each): Google Authenticator export links (`google`, several QR codes
//! collected by batch), Aegis (`aegis`, plain and scrypt-encrypted), 2FAS (`twofas`), andOTP
//! (`andotp`), Bitwarden JSON (`bitwarden`), lists of `otpauth://` links (`uris`) and Tweestap
//! backups (`backup`). See `docs/IMPORT.md` for each format's rules.

mod aegis;
mod andotp;
mod backup;
mod bitwarden;
mod commit;
mod detect;
mod duo;
mod entry;
mod error;
mod freeotp_plus;
mod google;
mod pending;
mod session;
mod steam;
mod twofas;
mod uris;

use crate::error::Kind;
use std::fmt;
use std::path::Path;

use serde::Serialize;
use zeroize::Zeroizing;

pub use commit::{PlanStatus, commit, plan};
pub use detect::detect;
pub use error::ImportError;
pub use google::{GoogleExport, MAX_CODES_PER_EXPORT, Progress, Scanned};
pub use pending::{Held, Pending};
pub use session::{
    Choice, ConflictChoice, ImportDone, ImportRow, RowStatus, Session, SessionView, SkippedRow,
};

pub use crate::crypto::ScryptCost;

pub use crate::vault::{ImportOutcome, NewAccount, Resolution};

/// The formats Tweestap imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Format {
    /// Google Authenticator "Transfer accounts" QR codes (`otpauth-migration://` links).
    Google,
    /// Aegis Authenticator vault export (JSON, plain or encrypted).
    Aegis,
    /// 2FAS Authenticator backup (`.2fas`, plain or encrypted).
    #[serde(rename = "2fas")]
    TwoFas,
    /// andOTP backup (plain JSON, or the encrypted `.json.aes`).
    AndOtp,
    /// Bitwarden JSON export (unencrypted), items with a TOTP key.
    Bitwarden,
    /// Duo Mobile's accounts file (`accounts.json`).
    Duo,
    /// FreeOTP+ JSON export.
    #[serde(rename = "freeotp-plus")]
    FreeOtpPlus,
    /// Steam Desktop Authenticator `.maFile`.
    Steam,
    /// A list of `otpauth://` links, one per line (FreeOTP, Ente, Raivo, scripts, …).
    Uris,
    /// A Tweestap backup (`tweestap export --format backup`).
    Backup,
}

impl Format {
    pub const ALL: [Format; 10] = [
        Format::Google,
        Format::Aegis,
        Format::TwoFas,
        Format::AndOtp,
        Format::Bitwarden,
        Format::Duo,
        Format::FreeOtpPlus,
        Format::Steam,
        Format::Uris,
        Format::Backup,
    ];

    /// The stable name (`google`, `aegis`, `2fas`, `andotp`, `bitwarden`, `duo`,
    /// `freeotp-plus`, `steam`, `uris`, `backup`),
    /// as in the CLI's `--format` and the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Google => "google",
            Format::Aegis => "aegis",
            Format::TwoFas => "2fas",
            Format::AndOtp => "andotp",
            Format::Bitwarden => "bitwarden",
            Format::Duo => "duo",
            Format::FreeOtpPlus => "freeotp-plus",
            Format::Steam => "steam",
            Format::Uris => "uris",
            Format::Backup => "backup",
        }
    }

    /// The inverse of [`Format::as_str`], ignoring case.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// What the file is, for messages: "Aegis export", "2FAS backup", …
    pub fn describe(self) -> &'static str {
        match self {
            Format::Google => "Google Authenticator export",
            Format::Aegis => "Aegis export",
            Format::TwoFas => "2FAS backup",
            Format::AndOtp => "andOTP backup",
            Format::Bitwarden => "Bitwarden export",
            Format::Duo => "Duo Mobile accounts file",
            Format::FreeOtpPlus => "FreeOTP+ export",
            Format::Steam => "Steam Desktop Authenticator maFile",
            Format::Uris => "list of otpauth:// links",
            Format::Backup => "Tweestap backup",
        }
    }

    /// The application that made the file, for advice in messages.
    pub fn app(self) -> &'static str {
        match self {
            Format::Google => "Google Authenticator",
            Format::Aegis => "Aegis",
            Format::TwoFas => "2FAS",
            Format::AndOtp => "andOTP",
            Format::Bitwarden => "Bitwarden",
            Format::Duo => "Duo Mobile",
            Format::FreeOtpPlus => "FreeOTP+",
            Format::Steam => "Steam Desktop Authenticator",
            Format::Uris => "the app that made the list",
            Format::Backup => "Tweestap",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One file to import: a name for messages (usually its path) and its bytes, wiped when
/// dropped (a plain export holds every key in clear).
pub struct Source {
    pub name: String,
    pub bytes: Zeroizing<Vec<u8>>,
}

impl Source {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Source {
            name: name.into(),
            bytes: Zeroizing::new(bytes),
        }
    }
}

/// Files larger than this are not exports (the largest real ones are a few MB; a hundred
/// thousand accounts as links are about 11 MB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

impl Source {
    /// Reads the file at `path` (named by its path in messages), refusing what cannot be an
    /// export: `file_not_found`, `permission_denied`, `file_unreadable`, `file_too_large`,
    /// `not_a_file` (a folder, FIFO or device: at once, without waiting or reading on).
    pub fn read(path: &Path) -> Result<Source, ImportError> {
        use crate::files::{ReadError, read_regular};
        let name = path.display().to_string();
        match read_regular(path, MAX_FILE_BYTES) {
            Ok(bytes) => Ok(Source { name, bytes }),
            Err(ReadError::Io(source)) => Err(ImportError::Unreadable { path: name, source }),
            Err(ReadError::NotAFile(what)) => Err(ImportError::NotAFile { path: name, what }),
            Err(ReadError::TooLarge(size)) => Err(ImportError::TooLarge { path: name, size }),
        }
    }
}

/// The content is a `Zeroizing` buffer; the name is not secret.
impl zeroize::ZeroizeOnDrop for Source {}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// How to read the sources.
#[derive(Clone, Copy, Default)]
pub struct ImportOptions<'a> {
    /// The format; `None` detects it from each file's content.
    pub format: Option<Format>,
    /// The password of an encrypted export (ignored for plain ones).
    pub password: Option<&'a str>,
}

impl fmt::Debug for ImportOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportOptions")
            .field("format", &self.format)
            .field("password", &self.password.map(|_| "<redacted>"))
            .finish()
    }
}

/// An entry of the file that gives no account, and why. `reason` is a stable kind:
/// `unsupported_type` (a code type Tweestap has no generator for, e.g. mOTP or Yandex),
/// `unsupported_algorithm` (MD5), `missing_secret`, `invalid_secret`, `invalid_algorithm`,
/// `invalid_digits`, `invalid_period`, `invalid_counter`, `missing_counter`, or an
/// `otpauth://` error kind for a line of a link list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub reason: Kind,
    pub issuer: String,
    pub account: String,
    /// One line a person can act on. Never contains a key.
    #[serde(skip)]
    pub message: String,
}

/// What a file holds, before anything is stored.
#[derive(Debug)]
pub struct ImportPreview {
    pub format: Format,
    /// In file order. Carries the group and favourite flag where the format has them.
    pub accounts: Vec<NewAccount>,
    pub skipped: Vec<Skipped>,
    /// Google Authenticator exports: one entry per export seen (its QR codes received so far).
    /// Empty for other formats.
    pub exports: Vec<Progress>,
}

impl ImportPreview {
    fn new(format: Format) -> Self {
        ImportPreview {
            format,
            accounts: Vec::new(),
            skipped: Vec::new(),
            exports: Vec::new(),
        }
    }

    /// False while a Google Authenticator export given in several QR codes is missing some;
    /// [`commit`] refuses an incomplete preview.
    pub fn is_complete(&self) -> bool {
        self.exports.iter().all(Progress::is_complete)
    }
}

/// Reads `sources` (one export, possibly in several files: the QR codes of one Google export,
/// or several lists of links) into a preview. Every source must be of the same format
/// (`mixed_formats` else); an explicit `options.format` skips detection.
///
/// Image files (PNG, JPEG, …) are scanned for QR codes; their texts are read as Google export
/// links or `otpauth://` links.
pub fn preview(
    sources: &[Source],
    options: ImportOptions<'_>,
) -> Result<ImportPreview, ImportError> {
    if sources.is_empty() {
        return Err(ImportError::UnknownFormat {
            source_name: String::new(),
            detail: "no file was given",
        });
    }
    let mut links: Option<uris::LinkList> = None;
    let mut structured: Option<ImportPreview> = None;
    let mut first: Option<(Format, &str)> = None;
    for source in sources {
        let content = detect::Content::of(source)?;
        let format = match options.format {
            Some(format) => format,
            None => detect::detect_content(&content).ok_or_else(|| ImportError::UnknownFormat {
                source_name: source.name.clone(),
                detail: content.unknown_detail(),
            })?,
        };
        log::debug!(
            "import: {} ({} bytes, {}) read as {format}{}",
            source.name,
            source.bytes.len(),
            content.describe(),
            if options.format.is_some() {
                " (named)"
            } else {
                " (detected)"
            }
        );
        // Google export links and otpauth:// lists are both lists of links and may be mixed.
        let family = |f: Format| match f {
            Format::Google | Format::Uris => Format::Uris,
            other => other,
        };
        match first {
            None => first = Some((format, &source.name)),
            Some((f, name)) if family(f) != family(format) => {
                return Err(ImportError::MixedFormats {
                    first: (f, name.to_string()),
                    other: (format, source.name.clone()),
                });
            }
            Some(_) => {}
        }
        match format {
            Format::Google | Format::Uris => {
                let list = links.get_or_insert_with(|| uris::LinkList::new(options.format));
                list.add(&source.name, &content.texts(source, format)?);
            }
            _ => {
                let part = read_structured(format, source, &content, options.password)
                    .map_err(|e| e.in_source(&source.name))?;
                match &mut structured {
                    None => structured = Some(part),
                    Some(all) => {
                        all.accounts.extend(part.accounts);
                        all.skipped.extend(part.skipped);
                    }
                }
            }
        }
    }
    let preview = match (links, structured) {
        (Some(list), _) => list.into_preview()?,
        (None, Some(preview)) => preview,
        (None, None) => unreachable!("at least one source was read"),
    };
    log::info!(
        "import preview: {} from {} file(s): {} accounts, {} skipped, {} Google export(s){}",
        preview.format,
        sources.len(),
        preview.accounts.len(),
        preview.skipped.len(),
        preview.exports.len(),
        if preview.is_complete() {
            ""
        } else {
            " (incomplete)"
        }
    );
    for skipped in &preview.skipped {
        log::debug!("import: an entry skipped: {}", skipped.reason);
    }
    Ok(preview)
}

fn read_structured(
    format: Format,
    source: &Source,
    content: &detect::Content<'_>,
    password: Option<&str>,
) -> Result<ImportPreview, ImportError> {
    let text = || content.text(source, format);
    match format {
        Format::Aegis => aegis::read(text()?, password),
        Format::TwoFas => twofas::read(text()?, password),
        Format::AndOtp => andotp::read(&source.bytes, content, password),
        Format::Bitwarden => bitwarden::read(text()?),
        Format::Duo => duo::read(text()?),
        Format::FreeOtpPlus => freeotp_plus::read(text()?),
        Format::Steam => steam::read(text()?),
        Format::Backup => backup::read(&source.bytes, password),
        Format::Google | Format::Uris => unreachable!("link lists are read by uris::LinkList"),
    }
}
