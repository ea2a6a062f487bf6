//! Opening a vault file. Input starting with the `TWEESTAP` magic is a whole file (its header
//! checksum repaired, so mutations reach the header parser); anything else is the plaintext
//! inside a vault, sealed under a known key into a real vault file, so mutations reach the
//! record parser. Each file is opened from disk with its header only, its password and its
//! keyring key, read in full when it opens, and imported as a Tweestap backup.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tweestap_fuzz::{VaultHarness, repair_checksum};

fuzz_target!(|data: &[u8]| {
    let harness = VaultHarness::get();
    if data.starts_with(b"TWEESTAP") {
        let mut file = data.to_vec();
        repair_checksum(&mut file);
        harness.open(&file);
    } else {
        harness.open(&harness.seal(data));
    }
});
