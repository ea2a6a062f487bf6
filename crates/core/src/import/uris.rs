//! Lists of links, one per line (FreeOTP, Ente, Raivo, 2FAS and Aegis "export as links",
//! scripts), and the texts of scanned QR codes. `otpauth://` links (and the
//! `otpauth://steam/…` form Aegis and andOTP write) give one account each; Google
//! Authenticator export links are collected by [`GoogleExport`]. Empty lines and `#` comments
//! are ignored.
//!
//! A broken `otpauth://` line is skipped with its error kind as the reason. A broken export
//! link fails the whole import when the list is a Google export (only export links, or
//! `google` named): that QR code has to be scanned again. In a mixed list it is skipped.

use super::detect::looks_like_export;
use super::{Format, GoogleExport, ImportError, ImportPreview, NewAccount, Skipped};
use crate::error::ErrorKind;
use crate::migration::{MigrationError, parse_migration};
use crate::uri::{label_of, parse_otpauth_any};

pub(crate) struct LinkList {
    named: Option<Format>,
    google: GoogleExport,
    accounts: Vec<NewAccount>,
    skipped: Vec<Skipped>,
    otpauth_lines: usize,
    /// Export links that could not be read: (file, error).
    broken_exports: Vec<(String, MigrationError)>,
}

impl LinkList {
    pub fn new(named: Option<Format>) -> Self {
        LinkList {
            named,
            google: GoogleExport::new(),
            accounts: Vec::new(),
            skipped: Vec::new(),
            otpauth_lines: 0,
            broken_exports: Vec::new(),
        }
    }

    /// Adds the links of one file (or image).
    pub fn add(&mut self, source_name: &str, texts: &[&str]) {
        for text in texts {
            if looks_like_export(text) || self.named == Some(Format::Google) {
                let result = if looks_like_export(text) {
                    self.google.add(text).map(|_| ())
                } else {
                    parse_migration(text).map(|_| ())
                };
                if let Err(e) = result {
                    self.broken_exports.push((source_name.to_string(), e));
                }
                continue;
            }
            self.otpauth_lines += 1;
            match parse_otpauth_any(text) {
                Ok(account) => self.accounts.push(NewAccount::from(account)),
                Err(e) => {
                    let (issuer, account) = label_of(text).unwrap_or_default();
                    self.skipped.push(Skipped {
                        reason: e.kind(),
                        issuer,
                        account,
                        message: e.to_string(),
                    });
                }
            }
        }
    }

    pub fn into_preview(self) -> Result<ImportPreview, ImportError> {
        let format = match self.named {
            Some(f) => f,
            None if self.otpauth_lines == 0 => Format::Google,
            None => Format::Uris,
        };
        let mut out = ImportPreview::new(format);
        if let Some((source_name, error)) = self.broken_exports.first()
            && format == Format::Google
        {
            return Err(ImportError::Migration {
                source_name: source_name.clone(),
                error: *error,
            });
        }
        out.accounts = self.accounts;
        out.skipped = self.skipped;
        for (_, e) in &self.broken_exports {
            out.skipped.push(Skipped {
                reason: e.kind(),
                issuer: String::new(),
                account: String::new(),
                message: e.to_string(),
            });
        }
        self.google.fill(&mut out);
        Ok(out)
    }
}
