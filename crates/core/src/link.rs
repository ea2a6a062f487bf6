//! One entry point for text that should be an OTP link, whatever its kind: a scanned QR code,
//! a pasted link, a CLI argument. `otpauth-migration:` (any case) goes to the Google export
//! decoder; everything else to the `otpauth://` parser, which refuses other schemes.

use thiserror::Error;

use crate::account::Account;
use crate::error::{ErrorKind, Kind};
use crate::migration::{self, BatchInfo, MigrationBatch, MigrationEntryError, MigrationError};
use crate::percent;
use crate::uri::{self, UriError};

/// A parsed link: one account, or one Google Authenticator export QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Otpauth(Account),
    Migration(MigrationBatch),
}

impl Link {
    /// The export header, for a migration link.
    pub fn batch(&self) -> Option<&BatchInfo> {
        match self {
            Link::Otpauth(_) => None,
            Link::Migration(batch) => Some(&batch.batch),
        }
    }

    /// Every entry in order; an `otpauth://` link has exactly one, always `Ok`.
    pub fn entries(&self) -> Vec<Result<&Account, MigrationEntryError>> {
        match self {
            Link::Otpauth(account) => vec![Ok(account)],
            Link::Migration(batch) => batch
                .entries
                .iter()
                .map(|e| e.as_ref().map_err(|e| *e))
                .collect(),
        }
    }
}

/// Why a link could not be read at all (kinds as in [`UriError`] and [`MigrationError`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LinkError {
    #[error(transparent)]
    Otpauth(#[from] UriError),
    #[error(transparent)]
    Migration(#[from] MigrationError),
}

impl ErrorKind for LinkError {
    fn kind(&self) -> Kind {
        match self {
            LinkError::Otpauth(e) => e.kind(),
            LinkError::Migration(e) => e.kind(),
        }
    }

    fn is_bad_input(&self) -> bool {
        match self {
            LinkError::Otpauth(e) => e.is_bad_input(),
            LinkError::Migration(e) => e.is_bad_input(),
        }
    }
}

/// Parses `text` as an `otpauth://` or `otpauth-migration://` link, chosen by its scheme.
pub fn parse_link(text: &str) -> Result<Link, LinkError> {
    if percent::has_scheme(text, "otpauth-migration") {
        Ok(Link::Migration(migration::parse_migration(text)?))
    } else {
        Ok(Link::Otpauth(uri::parse_otpauth(text)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatch_by_scheme() {
        let otpauth = parse_link("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert!(otpauth.batch().is_none());
        assert_eq!(otpauth.entries().len(), 1);
        let export = parse_link("OTPAUTH-MIGRATION://offline?data=EAEYASAAKJ7TnYsH").unwrap();
        assert_eq!(export.batch().map(|b| b.batch_size), Some(1));
        assert!(export.entries().is_empty());
        for (text, kind) in [
            ("https://example.com", "invalid_scheme"),
            ("", "invalid_scheme"),
            ("otpauth-migration:offline?data=x", "invalid_scheme"),
            ("otpauth-migration://online?data=x", "invalid_host"),
        ] {
            assert_eq!(parse_link(text).unwrap_err().kind(), kind, "{text}");
        }
    }
}
