//! The vault file format (see `docs/VAULT.md`): a fixed binary prefix, a JSON header, and the
//! AES-256-GCM ciphertext of the records, with everything before the ciphertext bound as
//! associated data.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::error::{Result, VaultError};
use super::record::Content;
use crate::crypto::{self, KEY_LEN, KdfParams, Key32, NONCE_LEN, TAG_LEN};
use crate::hex;

pub(crate) const MAGIC: &[u8; 8] = b"TWEESTAP";
/// The format this version writes, and the newest it reads.
pub const FORMAT_VERSION: u16 = 1;
/// magic (8) + version (2) + header length (4) + SHA-256 of those and the header (32).
/// This layout is fixed for every format version, so any version can tell corruption from
/// a newer format.
pub(crate) const PREFIX_LEN: usize = 8 + 2 + 4 + 32;
const MAX_HEADER_LEN: usize = 64 * 1024;
const SALT_LEN: usize = 32;
/// The keyring service under which data keys are stored.
pub const KEYRING_SERVICE: &str = "tweestap";
const PASSWORD_SLOT_AAD: &[u8] = b"tweestap password slot v1:";

/// The vault's 256-bit data key, wiped when dropped.
pub(crate) struct DataKey(Key32);

impl DataKey {
    pub fn random() -> Self {
        DataKey(crypto::random_key())
    }

    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        let arr: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(DataKey(Zeroizing::new(arr)))
    }

    pub fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

/// The plaintext JSON header. Everything a door needs to know before unlocking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Header {
    /// 128 random bits, hex; names the keyring entry, so several vaults can coexist.
    pub vault_id: String,
    /// Nonce of the content ciphertext, hex; fresh on every write.
    pub nonce: String,
    pub slots: Vec<Slot>,
}

impl Header {
    /// Checks what serde cannot: hex fields of the right lengths, at most one slot of each
    /// type, a keyring slot naming this vault's own entry, and key-derivation parameters this
    /// version is willing to run.
    fn is_well_formed(&self) -> bool {
        let hex_len = |s: &str, n: usize| hex::decode(s).is_some_and(|b| b.len() == n);
        let mut keyring_slots = 0;
        let mut password_slots = 0;
        let slots_ok = self.slots.iter().all(|s| match s {
            // The entry is read (and on some changes written or deleted) before the file is
            // authenticated, so the file may not choose it: it must be the one Tweestap
            // derives from the vault id, never another program's.
            Slot::Keyring { .. } => {
                keyring_slots += 1;
                *s == Slot::keyring_for(&self.vault_id)
            }
            Slot::Password {
                kdf,
                params,
                salt,
                nonce,
                wrapped_key,
            } => {
                password_slots += 1;
                kdf == "argon2id"
                    && params.within_limits()
                    && hex::decode(salt).is_some_and(|s| s.len() >= 8)
                    && hex_len(nonce, NONCE_LEN)
                    && hex_len(wrapped_key, KEY_LEN + TAG_LEN)
            }
        });
        slots_ok
            && keyring_slots <= 1
            && password_slots <= 1
            && hex_len(&self.vault_id, 16)
            && hex_len(&self.nonce, NONCE_LEN)
    }

    pub fn keyring_slot(&self) -> Option<(&str, &str)> {
        self.slots.iter().find_map(|s| match s {
            Slot::Keyring { service, user } => Some((service.as_str(), user.as_str())),
            Slot::Password { .. } => None,
        })
    }

    pub fn password_slot(&self) -> Option<&Slot> {
        self.slots
            .iter()
            .find(|s| matches!(s, Slot::Password { .. }))
    }

    /// Replaces the slot of the same type as `slot`, or adds it.
    pub fn put_slot(&mut self, slot: Slot) {
        let which = std::mem::discriminant(&slot);
        self.slots.retain(|s| std::mem::discriminant(s) != which);
        self.slots.push(slot);
    }

    pub fn remove_keyring_slot(&mut self) {
        self.slots.retain(|s| !matches!(s, Slot::Keyring { .. }));
    }

    pub fn remove_password_slot(&mut self) {
        self.slots.retain(|s| !matches!(s, Slot::Password { .. }));
    }
}

/// One way to obtain the data key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(crate) enum Slot {
    /// The data key (hex) is stored in the OS keyring under `service`/`user`.
    Keyring { service: String, user: String },
    /// The data key, AES-256-GCM-wrapped under Argon2id(password, salt).
    Password {
        kdf: String,
        #[serde(flatten)]
        params: KdfParams,
        salt: String,
        nonce: String,
        wrapped_key: String,
    },
}

impl Slot {
    pub fn keyring_for(vault_id: &str) -> Slot {
        Slot::Keyring {
            service: KEYRING_SERVICE.to_string(),
            user: format!("vault-{vault_id}"),
        }
    }

    /// Wraps `key` under `password`. Runs the KDF: about half a second with default parameters.
    pub fn password(
        key: &DataKey,
        vault_id: &str,
        password: &[u8],
        params: KdfParams,
    ) -> Result<Slot> {
        if !params.within_limits() {
            // A vault this version could not open again must never be written.
            return Err(VaultError::InvalidKdfParams {
                detail: format!("{params:?} is outside the accepted range"),
            });
        }
        let salt = crypto::random_bytes::<SALT_LEN>();
        let nonce = crypto::random_bytes::<NONCE_LEN>();
        let kek = params.derive(password, &salt)?;
        let mut wrapped = Zeroizing::new(key.bytes().to_vec());
        let tag = crypto::seal_in_place(&kek, &nonce, &slot_aad(vault_id), &mut wrapped);
        wrapped.extend_from_slice(&tag);
        Ok(Slot::Password {
            kdf: "argon2id".into(),
            params,
            salt: hex::encode(&salt),
            nonce: hex::encode(&nonce),
            wrapped_key: hex::encode(&wrapped),
        })
    }

    /// The KDF parameters of a password slot.
    pub fn kdf_params(&self) -> Option<KdfParams> {
        match self {
            Slot::Password { params, .. } => Some(*params),
            Slot::Keyring { .. } => None,
        }
    }

    /// Unwraps the data key with `password`; `None` when the password is wrong.
    pub fn unwrap_password(&self, vault_id: &str, password: &[u8]) -> Result<Option<DataKey>> {
        let Slot::Password {
            params,
            salt,
            nonce,
            wrapped_key,
            ..
        } = self
        else {
            return Ok(None);
        };
        // `parse` has checked these fields; a slot that fails here opens with no password.
        let (Some(salt), Some(nonce), Some(mut wrapped)) = (
            hex::decode(salt),
            hex::decode(nonce).filter(|n| n.len() == NONCE_LEN),
            hex::decode(wrapped_key).filter(|w| w.len() == KEY_LEN + TAG_LEN),
        ) else {
            return Ok(None);
        };
        let kek = params.derive(password, &salt)?;
        let (body, tag) = wrapped.split_at_mut(KEY_LEN);
        let ok = crypto::open_in_place(&kek, &nonce, &slot_aad(vault_id), body, tag);
        Ok(if ok { DataKey::from_slice(body) } else { None })
    }
}

fn slot_aad(vault_id: &str) -> Vec<u8> {
    [PASSWORD_SLOT_AAD, vault_id.as_bytes()].concat()
}

/// A header problem found while parsing, before any key is involved. Turned into
/// [`VaultError::Integrity`] with the vault's path by the caller.
#[derive(Debug)]
pub(crate) enum ParseError {
    Corrupt(&'static str),
    NewerVersion(u16),
}

/// A parsed file: the header, the bytes it authenticates, and the ciphertext.
pub(crate) struct Parsed<'a> {
    pub header: Header,
    pub aad: &'a [u8],
    pub ciphertext: &'a [u8],
}

fn checksum(prefix: &[u8], header: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prefix);
    h.update(header);
    h.finalize().into()
}

/// Splits and checks a vault file's bytes without any key.
pub(crate) fn parse(bytes: &[u8]) -> std::result::Result<Parsed<'_>, ParseError> {
    use ParseError::*;
    if bytes.len() < PREFIX_LEN || &bytes[..8] != MAGIC {
        return Err(Corrupt("not a Tweestap vault file"));
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    let header_len = u32::from_le_bytes([bytes[10], bytes[11], bytes[12], bytes[13]]) as usize;
    if header_len > MAX_HEADER_LEN || bytes.len() < PREFIX_LEN + header_len + TAG_LEN {
        return Err(Corrupt("file is truncated or its header length is damaged"));
    }
    let header_bytes = &bytes[PREFIX_LEN..PREFIX_LEN + header_len];
    if checksum(&bytes[..14], header_bytes)[..] != bytes[14..PREFIX_LEN] {
        return Err(Corrupt("header checksum mismatch"));
    }
    if version > FORMAT_VERSION {
        return Err(NewerVersion(version));
    }
    if version != FORMAT_VERSION {
        return Err(Corrupt("unknown format version"));
    }
    let header: Header =
        serde_json::from_slice(header_bytes).map_err(|_| Corrupt("header is not valid"))?;
    if !header.is_well_formed() {
        return Err(Corrupt("header fields are not valid"));
    }
    let (aad, ciphertext) = bytes.split_at(PREFIX_LEN + header_len);
    Ok(Parsed {
        header,
        aad,
        ciphertext,
    })
}

impl ParseError {
    pub fn into_error(self, path: &Path, backup: Option<std::path::PathBuf>) -> VaultError {
        match self {
            ParseError::Corrupt(reason) => VaultError::Integrity {
                path: path.to_path_buf(),
                reason,
                backup,
            },
            ParseError::NewerVersion(found) => VaultError::UnsupportedVersion {
                path: path.to_path_buf(),
                found,
                supported: FORMAT_VERSION,
            },
        }
    }
}

/// Decrypts the content; `None` when authentication fails (tampered or corrupt file).
pub(crate) fn decrypt(parsed: &Parsed<'_>, key: &DataKey) -> Option<Content> {
    let nonce = hex::decode(&parsed.header.nonce)?;
    let ct_len = parsed.ciphertext.len() - TAG_LEN;
    let mut buf = Zeroizing::new(parsed.ciphertext[..ct_len].to_vec());
    let tag = &parsed.ciphertext[ct_len..];
    if !crypto::open_in_place(key.bytes(), &nonce, parsed.aad, &mut buf, tag) {
        return None;
    }
    serde_json::from_slice(&buf).ok()
}

/// Serializes and encrypts `content` under `key` with a fresh nonce; returns the whole file.
/// The plaintext only ever lives in buffers that are wiped.
pub(crate) fn encode(header: &mut Header, content: &Content, key: &DataKey) -> Vec<u8> {
    let nonce = crypto::random_bytes::<NONCE_LEN>();
    header.nonce = hex::encode(&nonce);
    let header_json = serde_json::to_vec(header).expect("header serializes");

    let mut plain = crate::wiping::WipingBuf::with_capacity(64 * 1024);
    serde_json::to_writer(&mut plain, content).expect("records serialize");
    let plain = plain.into_inner();

    let aad_len = PREFIX_LEN + header_json.len();
    let mut out = Vec::with_capacity(aad_len + plain.len() + TAG_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(header_json.len() as u32).to_le_bytes());
    let sum = checksum(&out, &header_json);
    out.extend_from_slice(&sum);
    out.extend_from_slice(&header_json);
    out.extend_from_slice(&plain);
    drop(plain);
    let (aad, body) = out.split_at_mut(aad_len);
    let tag = crypto::seal_in_place(key.bytes(), &nonce, aad, body);
    out.extend_from_slice(&tag);
    out
}

/// A fresh random 128-bit identifier, hex (vault and account ids).
pub(crate) fn random_id() -> String {
    hex::encode(&crypto::random_bytes::<16>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Account, Secret};
    use crate::vault::record::Record;

    fn sample() -> (Header, Content, DataKey) {
        let key = DataKey::random();
        let id = random_id();
        let header = Header {
            slots: vec![Slot::keyring_for(&id)],
            vault_id: id,
            nonce: String::new(),
        };
        let content = Content {
            records: vec![Record::new(
                random_id(),
                Account::totp("BLk", "jan", Secret::new(b"supersecret".to_vec())),
                0,
                1,
            )],
        };
        (header, content, key)
    }

    #[test]
    fn round_trip_and_fresh_nonce_per_write() {
        let (mut header, content, key) = sample();
        let a = encode(&mut header, &content, &key);
        let nonce_a = header.nonce.clone();
        let b = encode(&mut header, &content, &key);
        assert_ne!(nonce_a, header.nonce);
        assert_ne!(a, b);
        let parsed = parse(&a).unwrap();
        let back = decrypt(&parsed, &key).unwrap();
        assert_eq!(
            back.records[0].to_account(),
            content.records[0].to_account()
        );
        assert!(
            !a.windows(11).any(|w| w == b"supersecret"),
            "secret in clear"
        );
    }

    #[test]
    fn wrong_key_fails_authentication() {
        let (mut header, content, key) = sample();
        let bytes = encode(&mut header, &content, &key);
        assert!(decrypt(&parse(&bytes).unwrap(), &DataKey::random()).is_none());
    }

    #[test]
    fn password_slot_wraps_and_rejects_wrong_password() {
        let key = DataKey::random();
        let slot = Slot::password(
            &key,
            "vid",
            b"correct horse",
            KdfParams::insecure_for_tests(),
        )
        .unwrap();
        let back = slot
            .unwrap_password("vid", b"correct horse")
            .unwrap()
            .unwrap();
        assert_eq!(back.bytes(), key.bytes());
        assert!(slot.unwrap_password("vid", b"wrong").unwrap().is_none());
        // Bound to its vault: a slot copied into another vault's header does not open.
        assert!(
            slot.unwrap_password("other", b"correct horse")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn newer_version_is_reported_as_such() {
        let (mut header, content, key) = sample();
        let mut bytes = encode(&mut header, &content, &key);
        bytes[8] = 2;
        let hlen = u32::from_le_bytes(bytes[10..14].try_into().unwrap()) as usize;
        let sum = checksum(&bytes[..14], &bytes[PREFIX_LEN..PREFIX_LEN + hlen]);
        bytes[14..PREFIX_LEN].copy_from_slice(&sum);
        assert!(matches!(parse(&bytes), Err(ParseError::NewerVersion(2))));
    }
}
