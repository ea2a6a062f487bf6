//! What every core error can tell a door (CLI, app) beyond its English message.

use std::fmt;

/// A stable, machine-readable category for an error, such as `invalid_secret` or
/// `wrong_password`. The CLI prints it in JSON (`{"error":{"kind","message"}}`); the app
/// looks it up in its Dutch/English message catalogs. Kinds are a contract: never rename one.
pub trait ErrorKind: std::error::Error {
    fn kind(&self) -> Kind;

    /// True when the error is the caller's input (CLI exit code 2), false when it is the
    /// environment or a bug (exit code 1).
    fn is_bad_input(&self) -> bool {
        true
    }
}

/// Declares [`Kind`] from one list of `Variant = "name"` pairs, so that the name a kind has in
/// JSON, in `as_str` and in the app's TypeScript union is written once.
macro_rules! kinds {
    ($($variant:ident = $name:literal,)*) => {
        /// Every error kind a door can meet. The app's IPC exports it as the TypeScript union
        /// `ErrorKind`, so the window switches on kinds the compiler knows.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(rename = "ErrorKind")]
        pub enum Kind {
            $(#[serde(rename = $name)] $variant,)*
        }

        impl Kind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The kind's name, as the CLI prints it and the catalogs key it (`error.<name>`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Kind::$variant => $name,)*
                }
            }
        }
    };
}

kinds! {
    Ambiguous = "ambiguous",
    CameraBusy = "camera_busy",
    CameraFailed = "camera_failed",
    CameraNotFound = "camera_not_found",
    CameraPermissionDenied = "camera_permission_denied",
    Cancelled = "cancelled",
    ChoiceNeeded = "choice_needed",
    ClipboardNoImage = "clipboard_no_image",
    ClipboardUnavailable = "clipboard_unavailable",
    ConfirmationRequired = "confirmation_required",
    CorruptImage = "corrupt_image",
    DecoderFailed = "decoder_failed",
    DiskFull = "disk_full",
    EmptyImage = "empty_image",
    ExportDeclined = "export_declined",
    FileExists = "file_exists",
    FileNotFound = "file_not_found",
    FileTooLarge = "file_too_large",
    FileUnreadable = "file_unreadable",
    ImageTooLarge = "image_too_large",
    ImportOutdated = "import_outdated",
    IncompleteExport = "incomplete_export",
    IntegrityError = "integrity_error",
    Internal = "internal",
    InvalidAlgorithm = "invalid_algorithm",
    InvalidBase64 = "invalid_base64",
    InvalidCounter = "invalid_counter",
    InvalidDateHeader = "invalid_date_header",
    InvalidDigits = "invalid_digits",
    InvalidHost = "invalid_host",
    InvalidKdfParams = "invalid_kdf_params",
    InvalidPeriod = "invalid_period",
    InvalidProtobuf = "invalid_protobuf",
    InvalidScheme = "invalid_scheme",
    InvalidSecret = "invalid_secret",
    InvalidType = "invalid_type",
    InvalidUri = "invalid_uri",
    InvalidUrl = "invalid_url",
    Io = "io",
    KdfTooCostly = "kdf_too_costly",
    KeyringMissing = "keyring_missing",
    KeyringRequired = "keyring_required",
    KeyringUnavailable = "keyring_unavailable",
    LinkTooLong = "link_too_long",
    MissingCounter = "missing_counter",
    MissingData = "missing_data",
    MissingSecret = "missing_secret",
    MixedFormats = "mixed_formats",
    Network = "network",
    NoCamera = "no_camera",
    NoCode = "no_code",
    NoDataDir = "no_data_dir",
    NoDateHeader = "no_date_header",
    NoQrCode = "no_qr_code",
    NoScreen = "no_screen",
    Not2fa = "not_2fa",
    NotAFile = "not_a_file",
    NotFound = "not_found",
    NothingToExport = "nothing_to_export",
    PasswordRequired = "password_required",
    PermissionDenied = "permission_denied",
    PortalUnavailable = "portal_unavailable",
    ReadOnly = "read_only",
    ReplacedTwice = "replaced_twice",
    ScreenCaptureFailed = "screen_capture_failed",
    ScreenPermissionDenied = "screen_permission_denied",
    Timeout = "timeout",
    UnknownFormat = "unknown_format",
    UnsupportedAccount = "unsupported_account",
    UnsupportedAlgorithm = "unsupported_algorithm",
    UnsupportedFormat = "unsupported_format",
    UnsupportedImageFormat = "unsupported_image_format",
    UnsupportedVersion = "unsupported_version",
    VaultBusy = "vault_busy",
    VaultChanged = "vault_changed",
    VaultExists = "vault_exists",
    VaultNotFound = "vault_not_found",
    VaultPasswordRequired = "vault_password_required",
    WrongPassword = "wrong_password",
    ImportExpired = "import_expired",
    NameRequired = "name_required",
    ScanExpired = "scan_expired",
    // Reasons an import or export skips an entry (besides the error kinds above).
    TooLong = "too_long",
    UnsupportedDigits = "unsupported_digits",
    UnsupportedPeriod = "unsupported_period",
    UnsupportedType = "unsupported_type",
    // Raised by the desktop app itself (src-tauri).
    ClockCheckOff = "clock_check_off",
    InvalidSetting = "invalid_setting",
    InvalidShortcut = "invalid_shortcut",
    Locked = "locked",
    PortalFailed = "portal_failed",
    ShortcutNotOnWayland = "shortcut_not_on_wayland",
    ShortcutUnavailable = "shortcut_unavailable",
    VaultHealthy = "vault_healthy",
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for Kind {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<Kind> for String {
    fn from(kind: Kind) -> Self {
        kind.as_str().to_owned()
    }
}

/// Lets tests and doors compare a kind with its name: `e.kind() == "wrong_password"`.
impl PartialEq<&str> for Kind {
    fn eq(&self, name: &&str) -> bool {
        self.as_str() == *name
    }
}

impl PartialEq<str> for Kind {
    fn eq(&self, name: &str) -> bool {
        self.as_str() == name
    }
}

/// The shape every [`Kind`] name has: not empty, only lower-case ASCII letters, digits
/// and `_`. The catalogs and scripts that key on kinds rely on it; the bad-input tests and the
/// fuzz targets check it.
pub fn is_well_formed_kind(kind: impl AsRef<str>) -> bool {
    let kind = kind.as_ref();
    !kind.is_empty()
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_well_formed_unique_and_serialized_by_its_name() {
        let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        for kind in Kind::ALL {
            assert!(is_well_formed_kind(kind.as_str()), "{kind}");
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{kind}\""));
            assert_eq!(serde_json::from_str::<Kind>(&json).unwrap(), *kind);
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Kind::ALL.len(), "a name is used twice");
    }
}
