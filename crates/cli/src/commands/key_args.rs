//! A key given with flags instead of a link (`--secret` and friends), shared by `code` and
//! `add`.

use tweestap_core::Account;
use tweestap_core::uri::{ManualEntry, OtpType, UriError, manual_account};

#[derive(Debug, Clone, clap::Args)]
pub struct KeyArgs {
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
}

impl KeyArgs {
    /// The account these flags describe, named `issuer` / `account`. `None` without
    /// `--secret`.
    pub fn account(&self, issuer: &str, account: &str) -> Option<Result<Account, UriError>> {
        let entry = ManualEntry {
            otp_type: if self.hotp {
                OtpType::Hotp
            } else {
                OtpType::Totp
            },
            issuer,
            account,
            secret: self.secret.as_deref()?,
            algorithm: self.algorithm.as_deref(),
            digits: self.digits.as_deref(),
            period: self.period.as_deref(),
            counter: self.counter.as_deref(),
        };
        Some(manual_account(&entry))
    }
}
