//! The cryptography, in one place: AES-256-GCM (the vault's records and key slots, the foreign
//! formats' payloads, Tweestap's encrypted exports), random bytes, and the key derivations with
//! the bounds on what a file may ask of them (`argon2id` for Tweestap's own vault and backups,
//! `kdf` for scrypt, PBKDF2 and SHA-256 of the formats it imports). Every key and plaintext
//! lives in buffers that are wiped when dropped.

mod argon2id;
mod kdf;

pub(crate) use argon2id::InvalidKdf;
pub use argon2id::KdfParams;
pub use kdf::ScryptCost;
pub(crate) use kdf::{
    MAX_PBKDF2_ITERATIONS, MAX_SCRYPT_WORK_PER_IMPORT, pbkdf2_sha1, pbkdf2_sha256, sha256,
};

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{AeadInPlace, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce, Tag};
use zeroize::Zeroizing;

pub(crate) const KEY_LEN: usize = 32;
pub(crate) const NONCE_LEN: usize = 12;
pub(crate) const TAG_LEN: usize = 16;

pub(crate) type Key32 = Zeroizing<[u8; KEY_LEN]>;

/// Random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    OsRng.fill_bytes(&mut b);
    b
}

fn cipher(key: &[u8; KEY_LEN]) -> Aes256Gcm {
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key))
}

/// AES-256-GCM decryption with no associated data; `None` when the nonce or tag has the
/// wrong length or authentication fails.
pub(crate) fn open(
    key: &[u8; KEY_LEN],
    nonce: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    if nonce.len() != NONCE_LEN || tag.len() != TAG_LEN {
        return None;
    }
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    cipher(key)
        .decrypt_in_place_detached(
            Nonce::from_slice(nonce),
            b"",
            &mut buf,
            Tag::from_slice(tag),
        )
        .ok()?;
    Some(buf)
}

/// As [`open`], for a ciphertext with its 16-byte tag appended (Java's layout).
pub(crate) fn open_appended(
    key: &[u8; KEY_LEN],
    nonce: &[u8],
    ciphertext_and_tag: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let split = ciphertext_and_tag.len().checked_sub(TAG_LEN)?;
    let (ciphertext, tag) = ciphertext_and_tag.split_at(split);
    open(key, nonce, ciphertext, tag)
}

/// AES-256-GCM encryption with a fresh random nonce and no associated data:
/// `(nonce, ciphertext, tag)`.
pub(crate) fn seal(
    key: &[u8; KEY_LEN],
    plaintext: &[u8],
) -> ([u8; NONCE_LEN], Vec<u8>, [u8; TAG_LEN]) {
    let nonce = random_bytes::<NONCE_LEN>();
    let mut buf = plaintext.to_vec();
    let tag = cipher(key)
        .encrypt_in_place_detached(Nonce::from_slice(&nonce), b"", &mut buf)
        .expect("AES-GCM encryption cannot fail below 64 GiB");
    (nonce, buf, tag.into())
}

/// A fresh random 256-bit key.
pub(crate) fn random_key() -> Key32 {
    let mut k = Zeroizing::new([0u8; KEY_LEN]);
    OsRng.fill_bytes(k.as_mut());
    k
}

/// AES-256-GCM encryption of `buf` in place under `nonce`, authenticating `aad` too; returns
/// the tag.
pub(crate) fn seal_in_place(
    key: &[u8; KEY_LEN],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
) -> [u8; TAG_LEN] {
    cipher(key)
        .encrypt_in_place_detached(Nonce::from_slice(nonce), aad, buf)
        .expect("AES-GCM encryption cannot fail below 64 GiB")
        .into()
}

/// AES-256-GCM decryption of `buf` in place, checking `aad` too; false (and `buf` not to be
/// used) when the nonce or tag has the wrong length or authentication fails.
pub(crate) fn open_in_place(
    key: &[u8; KEY_LEN],
    nonce: &[u8],
    aad: &[u8],
    buf: &mut [u8],
    tag: &[u8],
) -> bool {
    nonce.len() == NONCE_LEN
        && tag.len() == TAG_LEN
        && cipher(key)
            .decrypt_in_place_detached(Nonce::from_slice(nonce), aad, buf, Tag::from_slice(tag))
            .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_then_open() {
        let key = [7u8; KEY_LEN];
        let (nonce, ct, tag) = seal(&key, b"hello");
        assert_eq!(open(&key, &nonce, &ct, &tag).unwrap().as_slice(), b"hello");
        let mut appended = ct.clone();
        appended.extend_from_slice(&tag);
        assert_eq!(
            open_appended(&key, &nonce, &appended).unwrap().as_slice(),
            b"hello"
        );
        assert!(open(&[8u8; KEY_LEN], &nonce, &ct, &tag).is_none());
        assert!(open(&key, &nonce[..11], &ct, &tag).is_none());
        assert!(open_appended(&key, &nonce, &[1, 2]).is_none());
    }

    #[test]
    fn in_place_checks_the_associated_data() {
        let key = random_key();
        let nonce = random_bytes::<NONCE_LEN>();
        let mut buf = *b"records";
        let tag = seal_in_place(&key, &nonce, b"header", &mut buf);
        let sealed = buf;
        assert!(!open_in_place(&key, &nonce, b"HEADER", &mut buf, &tag));
        buf = sealed;
        assert!(open_in_place(&key, &nonce, b"header", &mut buf, &tag));
        assert_eq!(&buf, b"records");
        assert!(!open_in_place(
            &key,
            &nonce[..8],
            b"header",
            &mut sealed.clone(),
            &tag
        ));
    }
}
