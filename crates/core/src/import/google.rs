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
use crate::error::ErrorKind;
use crate::migration::{
    MigrationBatch, MigrationEntryError, MigrationError, parse_migration_labeled,
};

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
}
