//! Where keyring slots keep the data key: the OS keyring in production (Keychain, Credential
//! Manager, Secret Service), or a stand-in for tests and headless use.
//!
//! The OS stores come straight from the keyring ecosystem's per-platform crates
//! (`zbus-secret-service-keyring-store`, `apple-native-keyring-store`,
//! `windows-native-keyring-store`) on top of `keyring-core`. Nothing here ever falls back to an
//! in-memory mock: no reachable keyring is a `keyring_unavailable` error.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use keyring_core::{CredentialStore, Entry};
use zeroize::Zeroizing;

/// Why the keyring could not be used (no Secret Service, keyring locked, access refused…).
/// The detail never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyringUnavailable(pub String);

/// A store of small secrets under (service, user) names.
pub trait KeyringBackend: Send + Sync + fmt::Debug {
    /// The stored value, or `None` when there is no entry.
    fn get(
        &self,
        service: &str,
        user: &str,
    ) -> Result<Option<Zeroizing<String>>, KeyringUnavailable>;
    /// Creates or overwrites the entry.
    fn set(&self, service: &str, user: &str, value: &str) -> Result<(), KeyringUnavailable>;
    /// Removes the entry; `Ok(false)` when there was none.
    fn delete(&self, service: &str, user: &str) -> Result<bool, KeyringUnavailable>;
}

/// The operating system's keyring. The platform store is opened on first use and reopened
/// after a failure, so a Secret Service that starts later is still picked up.
#[derive(Default)]
pub struct OsKeyring {
    store: Mutex<Option<Arc<CredentialStore>>>,
}

impl fmt::Debug for OsKeyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OsKeyring")
    }
}

impl OsKeyring {
    pub fn new() -> Self {
        Self::default()
    }

    fn store(&self) -> Result<Arc<CredentialStore>, KeyringUnavailable> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = guard.as_ref() {
            return Ok(s.clone());
        }
        let store = platform_store().map_err(|e| describe(&e))?;
        *guard = Some(store.clone());
        Ok(store)
    }

    fn forget_store(&self) {
        *self.store.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn entry(&self, service: &str, user: &str) -> Result<Entry, KeyringUnavailable> {
        let store = self.store()?;
        let entry = if cfg!(all(
            unix,
            not(any(
                target_os = "macos",
                target_os = "ios",
                target_os = "android"
            ))
        )) {
            // Shown in Seahorse and other Secret Service browsers: says what this item is for.
            let mods = HashMap::from([("label", "Tweestap vault key")]);
            Entry::new_in_store_with_modifiers(&store, service, user, &mods)
        } else {
            Entry::new_in_store(&store, service, user)
        };
        entry.map_err(|e| describe(&e))
    }

    /// Runs `op`, and drops the cached store when it fails so the next call reconnects.
    fn with_retry<T>(
        &self,
        op: impl FnOnce() -> Result<T, KeyringUnavailable>,
    ) -> Result<T, KeyringUnavailable> {
        let out = op();
        if out.is_err() {
            self.forget_store();
        }
        out
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(
    target_os = "macos",
    target_os = "windows",
    all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )
)))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore(
        "no supported keyring on this platform".into(),
    ))
}

/// Words for a keyring failure. Never formats the error itself: some variants carry the
/// secret's bytes.
fn describe(e: &keyring_core::Error) -> KeyringUnavailable {
    use keyring_core::Error as E;
    KeyringUnavailable(match e {
        E::PlatformFailure(inner) => format!("keyring service failed: {inner}"),
        E::NoStorageAccess(inner) => format!("keyring is locked or access was refused: {inner}"),
        E::NoDefaultStore => "no keyring service".into(),
        E::NotSupportedByStore(what) => what.clone(),
        E::Ambiguous(_) => "the keyring holds several entries for this vault".into(),
        E::NoEntry => "no entry".into(),
        E::BadEncoding(_) | E::BadDataFormat(..) => "the keyring entry is not readable".into(),
        E::TooLong(what, _) | E::Invalid(what, _) => format!("keyring rejected the {what}"),
        E::BadStoreFormat(_) => "the keyring store is damaged".into(),
        _ => "keyring error".into(),
    })
}

impl KeyringBackend for OsKeyring {
    fn get(
        &self,
        service: &str,
        user: &str,
    ) -> Result<Option<Zeroizing<String>>, KeyringUnavailable> {
        self.with_retry(|| match self.entry(service, user)?.get_password() {
            Ok(v) => Ok(Some(Zeroizing::new(v))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            // Not text: not a key Tweestap wrote, so no usable key is there.
            Err(keyring_core::Error::BadEncoding(mut bytes)) => {
                zeroize::Zeroize::zeroize(&mut bytes);
                Ok(None)
            }
            Err(e) => Err(describe(&e)),
        })
    }

    fn set(&self, service: &str, user: &str, value: &str) -> Result<(), KeyringUnavailable> {
        self.with_retry(|| {
            self.entry(service, user)?
                .set_password(value)
                .map_err(|e| describe(&e))
        })
    }

    fn delete(&self, service: &str, user: &str) -> Result<bool, KeyringUnavailable> {
        self.with_retry(|| match self.entry(service, user)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(describe(&e)),
        })
    }
}

/// A keyring that is never there: for `--no-keyring` (CI, servers, testers) and for tests of the
/// no-Secret-Service path. Every call is `keyring_unavailable`.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoKeyring;

impl KeyringBackend for NoKeyring {
    fn get(&self, _: &str, _: &str) -> Result<Option<Zeroizing<String>>, KeyringUnavailable> {
        Err(KeyringUnavailable("keyring disabled (--no-keyring)".into()))
    }
    fn set(&self, _: &str, _: &str, _: &str) -> Result<(), KeyringUnavailable> {
        Err(KeyringUnavailable("keyring disabled (--no-keyring)".into()))
    }
    fn delete(&self, _: &str, _: &str) -> Result<bool, KeyringUnavailable> {
        Err(KeyringUnavailable("keyring disabled (--no-keyring)".into()))
    }
}

/// An in-process keyring for tests: forgets everything when dropped. Not for production —
/// it protects nothing.
#[derive(Debug, Default)]
pub struct MemoryKeyring {
    entries: Mutex<HashMap<(String, String), Zeroizing<String>>>,
    reads: std::sync::atomic::AtomicUsize,
}

impl MemoryKeyring {
    pub fn new() -> Self {
        Self::default()
    }

    /// Removes every entry (a "new machine").
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many times an entry was looked up (tests check what a file made Tweestap ask).
    pub fn reads(&self) -> usize {
        self.reads.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl KeyringBackend for MemoryKeyring {
    fn get(
        &self,
        service: &str,
        user: &str,
    ) -> Result<Option<Zeroizing<String>>, KeyringUnavailable> {
        self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map.get(&(service.into(), user.into())).cloned())
    }

    fn set(&self, service: &str, user: &str, value: &str) -> Result<(), KeyringUnavailable> {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.insert((service.into(), user.into()), Zeroizing::new(value.into()));
        Ok(())
    }

    fn delete(&self, service: &str, user: &str) -> Result<bool, KeyringUnavailable> {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map.remove(&(service.into(), user.into())).is_some())
    }
}
