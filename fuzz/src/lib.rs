//! What the fuzz targets share: one import run (without and with a password), the vault
//! harness, and the cost gate that keeps password-based key derivation cheap while fuzzing.
//!
//! Every target calls the same public `tweestap_core` functions the CLI and the app call, and
//! checks a few properties on top of "no panic, no hang, no out-of-memory": results are
//! usable (codes can be generated), error messages stay short, and round trips are exact.
//!
//! Key derivation: a file names its own KDF cost (Aegis scrypt N/r/p, andOTP PBKDF2
//! iterations, Tweestap Argon2id m/t/p). The core accepts costs up to its limits (scrypt
//! 256 MiB, PBKDF2 10 000 000 iterations, Argon2id 4 GiB × 64 passes), which take from a
//! fraction of a second to minutes each — unusable as a fuzzing loop and, for Argon2id,
//! beyond libFuzzer's 2 GB memory limit. So the password run is skipped when the input
//! names a cost above [`kdf_is_cheap`]'s budget; the run without a password (every parser
//! up to the key derivation) always happens. The limits themselves are unit-tested in the
//! core.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use sha2::{Digest, Sha256};
use tweestap_core::account::{Account, OtpKind};
use tweestap_core::import::{self, Format, ImportOptions, Source};
use tweestap_core::vault::{
    CreateOptions, KdfParams, KeyringBackend, MemoryKeyring, Vault, VaultStore,
};
use tweestap_core::{ErrorKind, hex, is_well_formed_kind};

/// The password every password run uses (the seeds are encrypted with it).
pub const PASSWORD: &str = "fuzz";

/// A fixed instant for code generation (any time works; fixed keeps runs reproducible).
const AT: u64 = 1_700_000_000;

/// Longest error message accepted: messages quote at most short cuts of the input.
const MAX_MESSAGE: usize = 2048;

/// Budget for a password run: scrypt memory (128·r·N·p bytes), PBKDF2 iterations, Argon2id
/// KiB × passes, and password slots tried.
const SCRYPT_BUDGET: u64 = 1024 * 1024;
const PBKDF2_BUDGET: u64 = 20_000;
const ARGON2_BUDGET: u64 = 2048;
const SLOTS_BUDGET: usize = 4;

/// Checks an error the way a door shows it: a stable kind and a bounded one-line-able message.
pub fn check_error(error: &impl ErrorKind) {
    let kind = error.kind();
    assert!(is_well_formed_kind(kind), "odd error kind {kind:?}");
    let message = error.to_string();
    assert!(!message.is_empty(), "empty message for {kind}");
    assert!(
        message.len() <= MAX_MESSAGE,
        "{kind}: {} byte message",
        message.len()
    );
}

/// The invariants every account a parser or importer returns must hold (what the URI rules
/// allow), and a code can be generated for it.
pub fn check_account(account: &Account) {
    assert!(!account.secret.is_empty(), "account without a key");
    match account.kind {
        OtpKind::Steam => assert_eq!(account.digits, 5),
        OtpKind::Totp { period } => {
            assert!(period >= 1, "period {period}");
            assert!(
                (6..=8).contains(&account.digits),
                "{} digits",
                account.digits
            );
        }
        OtpKind::Hotp { .. } => {
            assert!(
                (6..=8).contains(&account.digits),
                "{} digits",
                account.digits
            );
        }
    }
    let info = tweestap_core::otp::generate(account, AT);
    assert_eq!(info.code.chars().count(), usize::from(account.digits));
}

/// Imports `data` as one file, named `format` or detected, without a password and (when its
/// key derivation is cheap) with [`PASSWORD`]. Accounts found must give codes.
pub fn import(data: &[u8], format: Option<Format>) {
    let sources = [Source::new("fuzz-input", data.to_vec())];
    let mut passwords = vec![None];
    if kdf_is_cheap(data) {
        passwords.push(Some(PASSWORD));
    }
    for password in passwords {
        match import::preview(&sources, ImportOptions { format, password }) {
            Ok(preview) => {
                if let Some(named) = format {
                    let same_family = matches!(
                        (named, preview.format),
                        (Format::Google | Format::Uris, Format::Google | Format::Uris)
                    );
                    assert!(named == preview.format || same_family);
                }
                for item in &preview.accounts {
                    check_account(&item.account);
                }
                for skipped in &preview.skipped {
                    assert!(is_well_formed_kind(skipped.reason));
                    assert!(skipped.message.len() <= MAX_MESSAGE);
                }
                let _ = preview.is_complete();
            }
            Err(error) => check_error(&error),
        }
    }
}

/// Whether a password run on `data` stays within the fuzzing budget (see the module notes).
/// Content-based, like the core's own detection: it looks at every place a supported format
/// keeps a KDF cost.
pub fn kdf_is_cheap(data: &[u8]) -> bool {
    if let Some(header) = vault_header(data) {
        return argon2_is_cheap(&header);
    }
    // andOTP's encrypted layout starts with a big-endian PBKDF2 iteration count.
    if let Some(head) = data.get(..4) {
        let iterations = u32::from_be_bytes(head.try_into().expect("4 bytes"));
        if (1_000..=10_000_000).contains(&iterations) && u64::from(iterations) > PBKDF2_BUDGET {
            return false;
        }
    }
    match serde_json::from_slice::<serde_json::Value>(data) {
        Ok(json) => scrypt_is_cheap(&json),
        Err(_) => true,
    }
}

/// Aegis: every password slot's scrypt memory, and how many slots would be tried.
fn scrypt_is_cheap(json: &serde_json::Value) -> bool {
    let Some(slots) = json
        .get("header")
        .and_then(|h| h.get("slots"))
        .and_then(|s| s.as_array())
    else {
        return true;
    };
    let number = |slot: &serde_json::Value, name: &str| slot.get(name).and_then(|v| v.as_u64());
    slots.len() <= SLOTS_BUDGET
        && slots.iter().all(|slot| {
            let (n, r, p) = (
                number(slot, "n").unwrap_or(0),
                number(slot, "r").unwrap_or(0),
                number(slot, "p").unwrap_or(0),
            );
            128u64.saturating_mul(r).saturating_mul(n).saturating_mul(p) <= SCRYPT_BUDGET
        })
}

/// Tweestap vault / backup: the Argon2id cost of every slot of the header.
fn argon2_is_cheap(header: &serde_json::Value) -> bool {
    let Some(slots) = header.get("slots").and_then(|s| s.as_array()) else {
        return true;
    };
    let number = |slot: &serde_json::Value, name: &str| slot.get(name).and_then(|v| v.as_u64());
    slots.iter().all(|slot| {
        let m = number(slot, "m").unwrap_or(0);
        let t = number(slot, "t").unwrap_or(0);
        m.saturating_mul(t) <= ARGON2_BUDGET
    })
}

/// Layout of a vault file's fixed prefix (docs/VAULT.md): magic, version, header length,
/// SHA-256 of the three and the header.
const MAGIC: &[u8] = b"TWEESTAP";
const PREFIX_LEN: usize = 8 + 2 + 4 + 32;

fn header_range(data: &[u8]) -> Option<std::ops::Range<usize>> {
    if !data.starts_with(MAGIC) || data.len() < PREFIX_LEN {
        return None;
    }
    let len = u32::from_le_bytes(data[10..14].try_into().ok()?) as usize;
    let end = PREFIX_LEN.checked_add(len)?;
    (end <= data.len()).then_some(PREFIX_LEN..end)
}

/// The JSON header of a vault file, when `data` has one.
fn vault_header(data: &[u8]) -> Option<serde_json::Value> {
    let range = header_range(data)?;
    serde_json::from_slice(&data[range]).ok()
}

/// Rewrites the header checksum of a vault file, so that a mutated header reaches the
/// header parser instead of stopping at "header checksum mismatch" (SHA-256 is a
/// checksum, not a secret: anyone can compute it, so this is what a crafted file does too).
pub fn repair_checksum(data: &mut [u8]) {
    if let Some(range) = header_range(data) {
        let mut hash = Sha256::new();
        hash.update(&data[..14]);
        hash.update(&data[range]);
        let sum: [u8; 32] = hash.finalize().into();
        data[14..PREFIX_LEN].copy_from_slice(&sum);
    }
}

/// A real vault made by the core (password [`PASSWORD`] with cheap Argon2id parameters, and
/// a key in an in-memory keyring), whose data key the harness knows, so fuzzed plaintext can
/// be sealed into a file the core opens and then parses record by record.
pub struct VaultHarness {
    dir: PathBuf,
    keyring: Arc<MemoryKeyring>,
    key: [u8; 32],
    /// Everything before the ciphertext: prefix and header (the associated data).
    aad: Vec<u8>,
    nonce: [u8; 12],
}

impl VaultHarness {
    /// The harness of this process, made on first use in a private temporary folder.
    pub fn get() -> &'static VaultHarness {
        static HARNESS: OnceLock<VaultHarness> = OnceLock::new();
        HARNESS.get_or_init(VaultHarness::new)
    }

    fn new() -> Self {
        let dir = scratch_dir();
        let keyring = Arc::new(MemoryKeyring::new());
        let template = dir.join("template.tweestap");
        let store = VaultStore::new(&template)
            .with_keyring(keyring.clone())
            .with_auto_backups(0);
        let vault = store
            .create(CreateOptions {
                keyring: true,
                password: Some(PASSWORD),
                kdf: KdfParams::insecure_for_tests(),
            })
            .expect("create the template vault");
        let key = keyring_key(&keyring, &vault).expect("key stored");
        drop(vault);
        let bytes = std::fs::read(&template).expect("read the template vault");
        let (aad, nonce) = aad_and_nonce(&bytes).expect("a well-formed template");
        VaultHarness {
            dir,
            keyring,
            key,
            aad: aad.to_vec(),
            nonce,
        }
    }

    /// A vault file holding `plaintext` (what the core would have encrypted: the records'
    /// JSON), sealed under the template's key and header.
    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.key));
        let mut body = plaintext.to_vec();
        let tag = cipher
            .encrypt_in_place_detached(Nonce::from_slice(&self.nonce), &self.aad, &mut body)
            .expect("AES-GCM");
        [self.aad.as_slice(), &body, tag.as_slice()].concat()
    }

    /// The template vault file itself (a seed).
    pub fn template(&self) -> Vec<u8> {
        std::fs::read(self.dir.join("template.tweestap")).expect("template vault")
    }

    /// Writes `file` as a vault and opens it every way a door does: header only, with the
    /// password (when its KDF is cheap) and with the keyring key; an opened vault is read
    /// in full. Then the same bytes as a Tweestap backup import.
    pub fn open(&self, file: &[u8]) {
        let path = self.dir.join("input.tweestap");
        std::fs::write(&path, file).expect("write the input vault");
        let store = VaultStore::new(&path)
            .with_keyring(self.keyring.clone())
            .with_auto_backups(0);
        if let Err(error) = store.info() {
            check_error(&error);
        }
        let mut passwords = vec![None];
        if kdf_is_cheap(file) {
            passwords.push(Some(PASSWORD));
        }
        for password in &passwords {
            match store.open(*password) {
                Ok(vault) => read_all(&vault),
                Err(error) => check_error(&error),
            }
        }
        if passwords.len() == 2 {
            import(file, Some(Format::Backup));
        }
    }
}

/// The data key of `vault`, as its keyring slot stored it in `keyring`.
pub fn keyring_key(keyring: &MemoryKeyring, vault: &Vault) -> Option<[u8; 32]> {
    let user = format!("vault-{}", vault.info().vault_id);
    let hex_key = keyring
        .get(tweestap_core::vault::KEYRING_SERVICE, &user)
        .ok()??;
    hex::decode(&hex_key)?.as_slice().try_into().ok()
}

/// The associated data (prefix and header) and content nonce of a vault file.
fn aad_and_nonce(file: &[u8]) -> Option<(&[u8], [u8; 12])> {
    let range = header_range(file)?;
    let header: serde_json::Value = serde_json::from_slice(&file[range.clone()]).ok()?;
    let nonce = hex::decode(header["nonce"].as_str()?)?
        .as_slice()
        .try_into()
        .ok()?;
    Some((&file[..range.end], nonce))
}

/// The plaintext of a vault file, opened with its data key (the seeds' way to get the
/// records' JSON the core writes).
pub fn unseal(file: &[u8], key: &[u8; 32]) -> Option<Vec<u8>> {
    let (aad, nonce) = aad_and_nonce(file)?;
    let body = &file[aad.len()..];
    let split = body.len().checked_sub(16)?;
    let (ciphertext, tag) = body.split_at(split);
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let mut plain = ciphertext.to_vec();
    cipher
        .decrypt_in_place_detached(Nonce::from_slice(&nonce), aad, &mut plain, tag.into())
        .ok()?;
    Some(plain)
}

/// Everything a door reads from an open vault.
fn read_all(vault: &Vault) {
    for summary in vault.list().iter().chain(vault.list_deleted().iter()) {
        let _ = summary.label();
        let _ = summary.purge_at();
        // Records are the vault's own writes (sealed under its key), so they are not held
        // to the import rules; only code generation must cope with whatever they hold.
        if let Err(error) = vault.code(&summary.id, AT) {
            check_error(&error);
        }
        if let Err(error) = vault.resolve(&summary.id) {
            check_error(&error);
        }
        let _ = vault.find(&summary.issuer);
    }
}

/// A private folder for this process's vault files, in memory when `/dev/shm` exists.
/// Folders of earlier runs whose process is gone are removed.
fn scratch_dir() -> PathBuf {
    let base = Path::new("/dev/shm");
    let base = if base.is_dir() {
        base.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    if let Ok(entries) = std::fs::read_dir(&base) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("tweestap-fuzz-")
                && !Path::new("/proc").join(pid).exists()
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = base.join(format!("tweestap-fuzz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}
