//! One module per subcommand, each with an `Args` (clap) struct and a `run` function that
//! parses, calls core and prints. Logic lives in `tweestap-core`, not here.

pub mod add;
pub mod clock;
pub mod code;
pub mod export;
pub mod import;
pub mod init;
pub mod inspect;
pub mod key_args;
pub mod list;
pub mod passwd;
pub mod practice_portal;
pub mod remove;
pub mod rename;
pub mod restore;
pub mod scan;
pub mod vault_opts;
pub mod verify;

use tweestap_core::otp::{Clock, SystemClock};

/// `--at` when given, else the system clock.
pub fn time_or_now(at: Option<u64>) -> u64 {
    at.unwrap_or_else(|| SystemClock::default().now_unix())
}
