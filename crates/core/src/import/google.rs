//! Google Authenticator exports ("Transfer accounts"): one or more QR codes, each an
//! `otpauth-migration://offline?data=…` link carrying up to about ten accounts and a header
//! (`batch_size`, `batch_index`, `batch_id`). The codes of one export share `batch_id`; they
//! can arrive in any order, from several files or scans, even twice.
//!
//! [`GoogleExport`] collects them and reports progress ("2 of 3"); the import waits until
//! every code of every export is there ([`ImportPreview::is_complete`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::{Format, ImportError, ImportPreview, NewAccount, Skipped};
use crate::account::Account;
use crate::error::{ErrorKind, Kind};
use crate::migration::{
    MigrationBatch, MigrationEntryError, MigrationError, parse_migration_labeled,
};
use crate::qr::{self, FoundProblem, QrContent};

/// How far one export has arrived: `received` of its `total` QR codes; `missing` lists the
/// missing ones, numbered from 1 as Google Authenticator shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Progress {
    pub batch_id: i32,
    pub received: usize,
    pub total: usize,
    pub missing: Vec<usize>,
}

impl Progress {
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

impl fmt::Display for Progress {
    /// `2 of 3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of {}", self.received, self.total)
    }
}

/// What [`GoogleExport::scan`] found in one scan.
#[derive(Debug)]
pub struct Scanned {
    /// Without duplicates.
    pub accounts: Vec<Account>,
    /// Why other codes (or an export's entries) gave no account. A `not_2fa` problem carries
    /// no message (see [`GoogleExport::scan`]); `no_code` (with advice) when no code was seen.
    pub problems: Vec<FoundProblem>,
    /// No QR code was seen at all.
    pub no_code: bool,
    /// A Google Authenticator export in several codes: how far it has come ("2 of 3").
    pub batch: Option<Progress>,
}

/// The most QR codes one export may claim (Google Authenticator puts about ten accounts in
/// each code, so this is ten thousand accounts). A header above it, or whose index is not
/// below its size, is damaged: counting its missing codes could take gigabytes, and a code
/// outside the export's range would keep the export incomplete for ever.
pub const MAX_CODES_PER_EXPORT: usize = 1000;

/// One decoded QR code: its entries and their labels.
struct Part {
    entries: Vec<Result<Account, MigrationEntryError>>,
    labels: Vec<(String, String)>,
}

/// The codes of one export, by index.
struct Batch {
    id: i32,
    size: usize,
    parts: BTreeMap<i32, Part>,
}

impl Batch {
    fn progress(&self) -> Progress {
        let missing: Vec<usize> = (0..self.size)
            .filter(|i| !self.parts.contains_key(&(*i as i32)))
            .map(|i| i + 1)
            .collect();
        Progress {
            batch_id: self.id,
            received: self.size - missing.len(),
            total: self.size,
            missing,
        }
    }
}

/// Collects the QR codes of one or more Google Authenticator exports.
#[derive(Default)]
pub struct GoogleExport {
    batches: Vec<Batch>,
}

impl fmt::Debug for GoogleExport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.progress()).finish()
    }
}

impl GoogleExport {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one export link (a scanned QR code); returns its export's progress. The same code
    /// twice is counted once.
    pub fn add(&mut self, link: &str) -> Result<Progress, MigrationError> {
        let (batch, labels) = parse_migration_labeled(link.trim())?;
        self.add_batch(batch, labels)
    }

    fn add_batch(
        &mut self,
        batch: MigrationBatch,
        labels: Vec<(String, String)>,
    ) -> Result<Progress, MigrationError> {
        let header = batch.batch;
        // A header without a size (or a single code) is an export of one code.
        let size = usize::try_from(header.batch_size).unwrap_or(0).max(1);
        let index = if size == 1 { 0 } else { header.batch_index };
        let index_in_range = usize::try_from(index).is_ok_and(|i| i < size);
        if size > MAX_CODES_PER_EXPORT || !index_in_range {
            return Err(MigrationError::InvalidProtobuf);
        }
        let position = match self
            .batches
            .iter()
            .position(|b| b.id == header.batch_id && b.size == size)
        {
            Some(p) => p,
            None => {
                self.batches.push(Batch {
                    id: header.batch_id,
                    size,
                    parts: BTreeMap::new(),
                });
                self.batches.len() - 1
            }
        };
        let target = &mut self.batches[position];
        target.parts.entry(index).or_insert(Part {
            entries: batch.entries,
            labels,
        });
        Ok(target.progress())
    }

    /// Every export seen, in the order their first code arrived.
    pub fn progress(&self) -> Vec<Progress> {
        self.batches.iter().map(Batch::progress).collect()
    }

    /// True when at least one code was added and every export has all its codes.
    pub fn is_complete(&self) -> bool {
        !self.batches.is_empty() && self.batches.iter().all(|b| b.progress().is_complete())
    }

    /// The accounts and skipped entries of the codes received so far (exports in arrival
    /// order, codes by index, entries in order), with the progress of each export.
    pub fn preview(&self) -> ImportPreview {
        let mut out = ImportPreview::new(Format::Google);
        self.fill(&mut out);
        out
    }

    pub(crate) fn fill(&self, out: &mut ImportPreview) {
        for batch in &self.batches {
            for part in batch.parts.values() {
                for (entry, (issuer, account)) in part.entries.iter().zip(&part.labels) {
                    match entry {
                        Ok(a) => out.accounts.push(NewAccount::from(a.clone())),
                        Err(e) => out.skipped.push(Skipped {
                            reason: e.kind(),
                            issuer: issuer.clone(),
                            account: account.clone(),
                            message: e.to_string(),
                        }),
                    }
                }
            }
        }
        out.exports.extend(self.progress());
    }

    /// For codes scanned one at a time: adds `link` as [`GoogleExport::add`] does, but a code
    /// of another export first drops the unfinished ones (the person gave up on them and
    /// started another). Returns the progress of `link`'s export.
    pub fn add_scanned(&mut self, link: &str) -> Result<Progress, MigrationError> {
        let (batch, labels) = parse_migration_labeled(link.trim())?;
        let header = &batch.batch;
        let size = usize::try_from(header.batch_size).unwrap_or(0).max(1);
        let same_export = |b: &Batch| b.id == header.batch_id && b.size == size;
        if !self.batches.iter().any(same_export) {
            self.batches.retain(|b| b.progress().is_complete());
        }
        self.add_batch(batch, labels)
    }

    /// When every export seen is complete: its preview, and the collector starts empty again.
    pub fn take_complete(&mut self) -> Option<ImportPreview> {
        if !self.is_complete() {
            return None;
        }
        let preview = self.preview();
        self.batches.clear();
        Some(preview)
    }

    /// What one scan (of the screen, an image, the clipboard or a webcam frame) found, for a
    /// window: the accounts of its `otpauth://` codes, and the codes of Google Authenticator
    /// exports collected here, scan after scan and in any order, until an export is complete;
    /// then its accounts (and its entries that cannot be imported, as problems) are found too.
    pub fn scan(&mut self, texts: &[String]) -> Scanned {
        let (exports, others): (Vec<&String>, Vec<&String>) = texts
            .iter()
            .partition(|t| qr::classify(t) == QrContent::OtpauthMigration);
        let found = qr::accounts_in(&others);
        let (mut accounts, mut problems) = (found.accounts, found.problems);
        let mut batch = None;
        for link in exports {
            match self.add_scanned(link) {
                Ok(progress) => batch = Some(progress),
                Err(e) => problems.push(FoundProblem {
                    kind: e.kind(),
                    content: None,
                    message: e.to_string(),
                }),
            }
        }
        if let Some(export) = self.take_complete() {
            for new in export.accounts {
                if !accounts.contains(&new.account) {
                    accounts.push(new.account);
                }
            }
            problems.extend(export.skipped.into_iter().map(|s| FoundProblem {
                kind: s.reason,
                content: None,
                message: s.message,
            }));
        }
        // The window explains a code that is not for 2FA from its `content` kind; the message
        // quotes the decoded text, which could hold a key, so it does not go there.
        for p in &mut problems {
            if p.kind == Kind::Not2fa {
                p.message.clear();
            }
        }
        let no_code = texts.is_empty();
        if no_code {
            problems.push(FoundProblem {
                kind: Kind::NoCode,
                content: None,
                message: qr::NO_CODE_ADVICE.to_string(),
            });
        }
        Scanned {
            accounts,
            problems,
            no_code,
            batch: batch.filter(|p| p.total > 1),
        }
    }

    /// The [`ImportError::IncompleteExport`] for what is missing, if anything.
    pub fn incomplete(&self) -> Option<ImportError> {
        let exports = self.progress();
        (!exports.iter().all(Progress::is_complete))
            .then_some(ImportError::IncompleteExport { exports })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Secret;
    use crate::migration::{BatchInfo, encode_migration};

    fn link(name: &str, index: i32, size: i32, id: i32) -> String {
        let account = Account::totp("Ex", name, Secret::new(name.as_bytes().to_vec()));
        encode_migration(
            &[account],
            &BatchInfo {
                version: 1,
                batch_size: size,
                batch_index: index,
                batch_id: id,
            },
        )
        .unwrap()
        .to_string()
    }

    #[test]
    fn collects_codes_in_any_order() {
        let mut g = GoogleExport::new();
        assert!(!g.is_complete());
        let p = g.add(&link("c", 2, 3, 7)).unwrap();
        assert_eq!(
            (p.to_string(), p.missing.clone()),
            ("1 of 3".into(), vec![1, 2])
        );
        assert_eq!(
            g.add(&link("c", 2, 3, 7)).unwrap().received,
            1,
            "same code twice"
        );
        g.add(&link("a", 0, 3, 7)).unwrap();
        assert!(g.incomplete().is_some());
        let p = g.add(&link("b", 1, 3, 7)).unwrap();
        assert!(p.is_complete() && g.is_complete() && g.incomplete().is_none());
        let names: Vec<String> = g
            .preview()
            .accounts
            .into_iter()
            .map(|a| a.account.account)
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
        // A header that cannot be right is a damaged code, whatever else it holds.
        for (index, size) in [(0, i32::MAX), (3, 3), (-1, 2)] {
            assert_eq!(
                g.add(&link("d", index, size, 9)),
                Err(MigrationError::InvalidProtobuf),
                "{index} of {size}"
            );
        }
        // A second export with another id is tracked on its own.
        g.add(&link("x", 0, 2, 8)).unwrap();
        assert!(!g.is_complete());
        assert_eq!(g.progress().len(), 2);
        assert!(
            g.incomplete()
                .unwrap()
                .to_string()
                .contains("missing: number 2")
        );
    }

    #[test]
    fn scanned_codes_complete_one_export_at_a_time() {
        let mut g = GoogleExport::new();
        assert!(g.take_complete().is_none());
        assert_eq!(
            g.add_scanned(&link("a", 0, 3, 7)).unwrap().to_string(),
            "1 of 3"
        );
        assert_eq!(
            g.add_scanned(&link("b", 1, 3, 7)).unwrap().to_string(),
            "2 of 3"
        );
        assert!(g.take_complete().is_none());
        // Another export's code: the unfinished one is dropped.
        assert_eq!(
            g.add_scanned(&link("x", 1, 2, 8)).unwrap().to_string(),
            "1 of 2"
        );
        assert_eq!(g.progress().len(), 1);
        assert_eq!(
            g.add_scanned(&link("y", 0, 2, 8)).unwrap().to_string(),
            "2 of 2"
        );
        let done = g.take_complete().unwrap();
        let names: Vec<&str> = done
            .accounts
            .iter()
            .map(|a| a.account.account.as_str())
            .collect();
        assert_eq!(names, ["y", "x"]);
        assert!(g.progress().is_empty() && g.take_complete().is_none());
        // A single-code export is complete at once.
        assert!(g.add_scanned(&link("solo", 0, 1, 9)).unwrap().is_complete());
        assert_eq!(g.take_complete().unwrap().accounts.len(), 1);
        assert!(
            g.add_scanned("otpauth-migration://offline?data=%%")
                .is_err()
        );
    }

    #[test]
    fn a_scan_collects_an_export_over_several_scans_and_never_quotes_other_codes() {
        let mut g = GoogleExport::new();
        let texts = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let first = g.scan(&texts(&[
            &link("a", 0, 2, 5),
            "otpauth://totp/BLk:jan?secret=JBSWY3DPEHPK3PXP&issuer=BLk",
            "https://example.com/?secret=JBSWY3DPEHPK3PXP",
        ]));
        assert_eq!(
            first.accounts.len(),
            1,
            "the export waits for its second code"
        );
        assert_eq!(
            first.batch.as_ref().map(|p| (p.received, p.total)),
            Some((1, 2))
        );
        assert_eq!(first.problems.len(), 1);
        assert_eq!(first.problems[0].kind, "not_2fa");
        assert_eq!(first.problems[0].content, Some(QrContent::WebLink));
        assert!(
            first.problems[0].message.is_empty(),
            "the decoded text is not quoted"
        );
        assert!(!first.no_code);

        let second = g.scan(&texts(&[&link("b", 1, 2, 5)]));
        let names: Vec<&str> = second.accounts.iter().map(|a| a.account.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(second.batch.as_ref().map(|p| p.is_complete()), Some(true));
        assert!(
            g.progress().is_empty(),
            "a complete export starts the collector afresh"
        );

        let nothing = g.scan(&[]);
        assert!(nothing.no_code && nothing.accounts.is_empty());
        assert_eq!(nothing.problems[0].kind, "no_code");
        assert!(nothing.batch.is_none());
        let single = g.scan(&texts(&[&link("solo", 0, 1, 6)]));
        assert_eq!(single.accounts.len(), 1);
        assert!(
            single.batch.is_none(),
            "an export of one code needs no progress"
        );
    }
}
