//! `tweestap code`: the current code of a link or of a key given with flags.

use std::process::ExitCode;

use clap::ArgGroup;
use tweestap_core::otp;
use tweestap_core::parse_otpauth;
use tweestap_core::uri::{OtpParams, OtpType, build_account};

use crate::output::{CmdResult, Output};

#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("source").required(true).args(["uri", "secret"])),
    after_help = "Examples:\n  tweestap code 'otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP'\n  tweestap code --secret JBSWY3DPEHPK3PXP --at 1700000000\n  tweestap code --hotp --counter 5 --secret JBSWY3DPEHPK3PXP --json"
)]
pub struct Args {
    /// An otpauth:// link (quote it: it contains ? and &).
    pub uri: Option<String>,

    /// The key in base32 instead of a link (spaces, lower case and padding are fine).
    #[arg(long, value_name = "BASE32")]
    pub secret: Option<String>,

    /// Hash algorithm for --secret, any letter case [default: SHA1].
    #[arg(long, requires = "secret", value_name = "SHA1|SHA256|SHA512")]
    pub algorithm: Option<String>,

    /// Code length for --secret: 6, 7 or 8 [default: 6].
    #[arg(long, requires = "secret", value_name = "N")]
    pub digits: Option<String>,

    /// Time step in seconds for --secret [default: 30].
    #[arg(long, requires = "secret", conflicts_with = "hotp", value_name = "S")]
    pub period: Option<String>,

    /// Counter-based (HOTP) code for --secret; needs --counter.
    #[arg(long, requires = "secret")]
    pub hotp: bool,

    /// HOTP counter value (with --hotp).
    #[arg(long, requires = "hotp", value_name = "C")]
    pub counter: Option<String>,

    /// Unix time to compute the code for [default: now]. Ignored for HOTP.
    #[arg(long, value_name = "UNIX")]
    pub at: Option<u64>,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let account = match (&args.uri, &args.secret) {
        (Some(uri), _) => parse_otpauth(uri)?,
        (None, secret) => {
            let otp_type = if args.hotp {
                OtpType::Hotp
            } else {
                OtpType::Totp
            };
            let params = OtpParams {
                secret: secret.as_deref(),
                issuer: None,
                algorithm: args.algorithm.as_deref(),
                digits: args.digits.as_deref(),
                period: args.period.as_deref(),
                counter: args.counter.as_deref(),
            };
            build_account(otp_type, "", &params)?
        }
    };
    let info = otp::generate(&account, super::time_or_now(args.at));
    if out.json {
        out.json_line(&info)?;
    } else {
        out.line(&info.code);
    }
    Ok(ExitCode::SUCCESS)
}
