//! Image bytes through the scan pipeline, as an image file or paste reaches it: format
//! sniffing, the size checks made before decoding (`MAX_FILE_BYTES`, `MAX_PIXELS`,
//! `MAX_SIDE`), decoding, the QR passes, and reading the texts found as accounts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tweestap_core::qr::{accounts_in, decode_bytes};
use tweestap_fuzz::{check_account, check_error};

fuzz_target!(|data: &[u8]| {
    match decode_bytes(data) {
        Ok(texts) => {
            let found = accounts_in(&texts);
            for account in &found.accounts {
                check_account(account);
            }
        }
        Err(error) => check_error(&error),
    }
});
