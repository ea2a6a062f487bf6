//! The vault, one test binary (so a test run links core once for all of them): its
//! operations, key slots and error kinds (`ops`), a damaged or tampered file (`tamper`),
//! writers killed mid-write and two processes at once (`crash`), a full disk and a read-only
//! folder (`fs_errors`), the real OS keyring (`keyring`), and what a window shows for a vault
//! that is not open (`status`).

#[path = "../mount_support/mod.rs"]
mod mount_support;
#[path = "../vault_support/mod.rs"]
mod vault_support;

mod crash;
mod fs_errors;
mod keyring;
mod ops;
mod status;
mod tamper;
