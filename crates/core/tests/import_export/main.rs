//! Import and export, one test binary: round trips through every format, the plan and the
//! one-write commit, the import session and the export's rules (`round_trips`); every import
//! fixture (`formats`); property tests of links (`links`); every shared OTP, otpauth and
//! migration fixture (`fixtures`).

#[path = "../import_support/mod.rs"]
mod import_support;
#[path = "../support/mod.rs"]
mod support;
#[path = "../vault_support/mod.rs"]
mod vault_support;

mod fixtures;
mod formats;
mod links;
mod round_trips;
