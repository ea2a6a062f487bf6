//! Google Authenticator exports: the protobuf payload decoder on raw bytes, and the
//! `otpauth-migration://` link parser on text. Every decoded account must hold the URI rules,
//! and an export that can be written again (`encode_migration`) must read back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tweestap_core::MigrationBatch;
use tweestap_core::migration::{
    decode_migration_payload, encode_migration, parse_migration, parse_migration_labeled,
};
use tweestap_fuzz::{check_account, check_error};

fn check_batch(batch: &MigrationBatch) {
    let mut accounts = Vec::new();
    for entry in &batch.entries {
        match entry {
            Ok(account) => {
                check_account(account);
                accounts.push(account.clone());
            }
            Err(error) => check_error(error),
        }
    }
    if accounts.len() == batch.entries.len()
        && let Ok(link) = encode_migration(&accounts, &batch.batch)
    {
        let back = parse_migration(&link).expect("a written export reads back");
        assert_eq!(&back, batch);
    }
}

fuzz_target!(|data: &[u8]| {
    match decode_migration_payload(data) {
        Ok(batch) => check_batch(&batch),
        Err(error) => check_error(&error),
    }
    let text = String::from_utf8_lossy(data);
    match parse_migration_labeled(&text) {
        Ok((batch, labels)) => {
            assert_eq!(labels.len(), batch.entries.len());
            check_batch(&batch);
        }
        Err(error) => check_error(&error),
    }
});
