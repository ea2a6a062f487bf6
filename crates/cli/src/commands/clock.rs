//! `tweestap clock`: is this computer's clock right? Asks one web server for its time (the
//! `Date` header) and prints the offset, with advice when codes would suffer.

use std::process::ExitCode;
use std::time::Duration;

use tweestap_core::clock_check::{self, ADVICE_THRESHOLD_S, ClockCheck, DEFAULT_URL};

use crate::output::{CmdResult, Output};

#[derive(Debug, clap::Args)]
#[command(after_help = format!(
    "Contacts the server given by --url (default {DEFAULT_URL}) once; nothing else is sent.\n\
     offset_s is the server's time minus this computer's: positive when this clock is behind.\n\
     Exit status: 0 when the time was measured (whatever the offset), 1 when it could not be,\n\
     2 for a bad URL."
))]
pub struct Args {
    /// The http:// or https:// server whose Date header is the reference.
    #[arg(long, value_name = "URL", default_value = DEFAULT_URL)]
    pub url: String,

    /// Give up after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=120))]
    pub timeout: u64,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let check = clock_check::measure(&args.url, Duration::from_secs(args.timeout))?;
    if out.json {
        out.json_line(&check)?;
    } else {
        out.line(&summary(&check));
        out.line(&advice(&check));
    }
    Ok(ExitCode::SUCCESS)
}

/// "2 minutes", "45 seconds", "3 hours".
fn amount(seconds: u64) -> String {
    let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match seconds {
        s if s < 120 => plural(s, "second"),
        s if s < 2 * 3600 => plural((s + 30) / 60, "minute"),
        s => plural((s + 1800) / 3600, "hour"),
    }
}

fn summary(check: &ClockCheck) -> String {
    let how = match check.offset_s {
        0 => "matches".to_owned(),
        s if s > 0 => format!("is {} behind", amount(s.unsigned_abs())),
        s => format!("is {} ahead of", amount(s.unsigned_abs())),
    };
    format!(
        "This computer's clock {how} {} (offset {:+} s, round trip {} ms).",
        check.server, check.offset_s, check.rtt_ms
    )
}

/// What to do: nothing within [`ADVICE_THRESHOLD_S`] seconds either way, else plain-language
/// steps to set the clock right.
fn advice(check: &ClockCheck) -> String {
    if !check.needs_attention() {
        return format!("That is fine for login codes (within {ADVICE_THRESHOLD_S} seconds).");
    }
    let direction = if check.offset_s > 0 {
        "behind"
    } else {
        "ahead"
    };
    format!(
        "Your clock is {} {direction}. Login codes depend on the time, so the portal may refuse \
         them. Turn on setting the time automatically: Windows: Settings > Time & language > \
         Date & time > Set time automatically; macOS: System Settings > General > Date & Time; \
         Linux: `timedatectl set-ntp true` (or your desktop's date and time settings). Also check \
         the time zone.",
        amount(check.offset_s.unsigned_abs())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(offset_s: i64) -> ClockCheck {
        ClockCheck {
            offset_s,
            rtt_ms: 42,
            server: "time.example".into(),
        }
    }

    #[test]
    fn wording() {
        assert_eq!(
            summary(&check(-120)),
            "This computer's clock is 2 minutes ahead of time.example (offset -120 s, round trip 42 ms)."
        );
        assert!(summary(&check(30)).contains("is 30 seconds behind time.example"));
        assert!(summary(&check(0)).contains("clock matches time.example"));
        assert!(advice(&check(3)).starts_with("That is fine"));
        let text = advice(&check(-7200));
        assert!(text.starts_with("Your clock is 2 hours ahead."), "{text}");
        assert!(text.contains("time zone"));
        assert_eq!(amount(1), "1 second");
    }
}
