//! The import a window is previewing, kept in the door's process under a token (the window
//! never holds the file or its keys): one at a time, until committed or cancelled.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::{ImportError, Session};

/// The import being previewed, with what the door keeps beside it (`T`; the app keeps the lock
/// epoch the import began in).
pub struct Pending<T> {
    slot: Mutex<Option<Held<T>>>,
    issued: AtomicU64,
}

/// An import taken out of [`Pending`] for a step, to be kept again with [`Pending::keep`].
pub struct Held<T> {
    pub token: String,
    pub session: Session,
    pub extra: T,
}

impl<T> Default for Pending<T> {
    fn default() -> Self {
        Pending {
            slot: Mutex::new(None),
            issued: AtomicU64::new(0),
        }
    }
}

impl<T> Pending<T> {
    fn slot(&self) -> MutexGuard<'_, Option<Held<T>>> {
        // A panic cannot leave the slot half-changed: it holds an import or none.
        self.slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new import, under a fresh token. It replaces (and wipes) an unfinished one at once;
    /// it is kept once [`Pending::keep`] is called with it.
    pub fn begin(&self, session: Session, extra: T) -> Held<T> {
        self.clear();
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        Held {
            token: format!("import-{n}"),
            session,
            extra,
        }
    }

    /// Takes the import named `token` for a step (`import_expired` when there is none).
    pub fn take(&self, token: &str) -> Result<Held<T>, ImportError> {
        let mut slot = self.slot();
        match slot.take() {
            Some(held) if held.token == token => Ok(held),
            other => {
                *slot = other;
                Err(ImportError::Expired)
            }
        }
    }

    /// Keeps `held` for the next step if `still_valid` says so, asked while the slot is held
    /// (so a [`Pending::clear`] that comes after it clears this import too); otherwise it is
    /// dropped, its keys wiped. True when kept.
    pub fn keep(&self, held: Held<T>, still_valid: impl FnOnce(&T) -> bool) -> bool {
        let mut slot = self.slot();
        if !still_valid(&held.extra) {
            return false;
        }
        *slot = Some(held);
        true
    }

    /// Forgets the import being previewed (cancelled, or the vault was locked).
    pub fn clear(&self) {
        *self.slot() = None;
    }
}
