//! Hostile input, one test binary: the bad-input matrix (`bad_input`) and what the fuzz
//! targets found (`fuzz_regressions`).

#[path = "../import_support/mod.rs"]
mod import_support;
#[path = "../mount_support/mod.rs"]
mod mount_support;
#[path = "../png_support/mod.rs"]
mod png_support;
#[path = "../support/mod.rs"]
mod support;
#[path = "../vault_support/mod.rs"]
mod vault_support;

mod bad_input;
mod fuzz_regressions;
