//! One module per subcommand, each with an `Args` (clap) struct and a `run` function that
//! parses, calls core and prints. Logic lives in `tweestap-core`, not here.

pub mod code;
pub mod inspect;
pub mod scan;
pub mod verify;

use tweestap_core::otp::{Clock, SystemClock};

/// `--at` when given, else the system clock.
pub fn time_or_now(at: Option<u64>) -> u64 {
    at.unwrap_or_else(|| SystemClock::default().now_unix())
}
