//! Any file imported as a list of otpauth:// links (`--format uris`).
//! Without a password and with one (see `tweestap_fuzz::kdf_is_cheap`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tweestap_fuzz::import(data, Some(tweestap_core::import::Format::Uris));
});
