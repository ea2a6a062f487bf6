//! Diagnostics on stderr: `-v` warnings and info, `-vv` debug, `-vvv` trace, or
//! `TWEESTAP_LOG=off|error|warn|info|debug|trace` (the more verbose of the two wins). By
//! default only errors, so a command's own output (one `error:` line, or JSON on stdout with
//! nothing on stderr) stays exactly its contract; the core logs a failure as a warning beside
//! the error the command reports.
//!
//! Only Tweestap's own crates log here. Dependencies are left out at every level: their trace
//! output (the HTTP client, the Secret Service connection) could carry what Tweestap keeps
//! out of its own, such as the D-Bus message that stores the vault's key. Tweestap's log lines
//! name files, ids, counts and error kinds; never a key, a code, a password or an account
//! name (`crates/cli/tests/secret_leaks.rs` checks it at the most verbose level).

use std::io::Write;

use log::{LevelFilter, Log, Metadata, Record};

/// The environment variable that sets the level.
pub const LOG_ENV: &str = "TWEESTAP_LOG";

struct StderrLogger;

static LOGGER: StderrLogger = StderrLogger;

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("tweestap") && metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            let level = record.level().as_str().to_ascii_lowercase();
            let _ = writeln!(
                std::io::stderr().lock(),
                "tweestap: {level}: {} [{}]",
                record.args(),
                record.target()
            );
        }
    }

    fn flush(&self) {}
}

/// The level `-v` given `verbose` times asks for.
fn from_flags(verbose: u8) -> LevelFilter {
    match verbose {
        0 => LevelFilter::Error,
        1 => LevelFilter::Info,
        2 => LevelFilter::Debug,
        _ => LevelFilter::Trace,
    }
}

/// Installs the logger at the level of the flags and [`LOG_ENV`]. An unknown value of the
/// variable is reported (once, on stderr) and ignored.
pub fn init(verbose: u8) {
    let mut level = from_flags(verbose);
    if let Some(value) = std::env::var_os(LOG_ENV) {
        match value
            .to_str()
            .and_then(|v| v.trim().parse::<LevelFilter>().ok())
        {
            Some(from_env) => level = level.max(from_env),
            None => eprintln!(
                "tweestap: warning: {LOG_ENV}={} is not a level (off, error, warn, info, debug, trace); ignored",
                value.to_string_lossy()
            ),
        }
    }
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_raise_the_level() {
        assert_eq!(from_flags(0), LevelFilter::Error);
        assert_eq!(from_flags(2), LevelFilter::Debug);
        assert_eq!(from_flags(9), LevelFilter::Trace);
        assert_eq!(
            "TRACE".parse::<LevelFilter>().ok(),
            Some(LevelFilter::Trace)
        );
    }
}
