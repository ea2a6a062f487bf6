//! `tweestap verify`: is a code valid for a link at a given time?

use std::process::ExitCode;

use serde::Serialize;
use tweestap_core::otp::{self, MAX_VERIFY_WINDOW};
use tweestap_core::parse_otpauth;

use crate::output::{CmdResult, EXIT_FAILURE, Output};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 when the code is valid, 1 when it is not, 2 for a bad link or argument.\n\nFor TOTP, --window N accepts the codes of the N time steps before and after the current one.\nFor HOTP, it accepts counters counter..counter+N (look-ahead only), and the offset printed is\nhow far past the link's counter the code was."
)]
pub struct Args {
    /// An otpauth:// link (quote it: it contains ? and &).
    pub uri: String,

    /// The code to check (spaces are ignored).
    pub code: String,

    /// Unix time to check at [default: now]. Ignored for HOTP.
    #[arg(long, value_name = "UNIX")]
    pub at: Option<u64>,

    /// Steps of tolerance (TOTP: ±N steps; HOTP: counters counter..counter+N).
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_VERIFY_WINDOW)))]
    pub window: u32,
}

#[derive(Serialize)]
struct VerifyView {
    valid: bool,
    offset: Option<i64>,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let account = parse_otpauth(&args.uri)?;
    let offset = otp::verify(
        &account,
        &args.code,
        super::time_or_now(args.at),
        args.window,
    );
    if out.json {
        out.json_line(&VerifyView {
            valid: offset.is_some(),
            offset,
        })?;
    } else {
        match offset {
            Some(offset) => out.line(&format!("valid (step offset {offset})")),
            None => out.line("invalid"),
        }
    }
    Ok(match offset {
        Some(_) => ExitCode::SUCCESS,
        None => ExitCode::from(EXIT_FAILURE),
    })
}
