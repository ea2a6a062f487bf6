//! Any file through `import::preview` with format detection (images are scanned for QR codes).
//! Without a password and with one (see `tweestap_fuzz::kdf_is_cheap`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tweestap_fuzz::import(data, None);
});
