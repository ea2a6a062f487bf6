//! How every subcommand reports: one error type carrying a stable kind, a one-line message
//! and an exit code, and the printing rules shared by all commands.
//!
//! Exit codes: 0 success, 1 anything else (including "code not valid"), 2 bad input (a bad
//! link, key or argument). With `--json`, errors are `{"error":{"kind","message"}}` on
//! stdout; without it, one `error: …` line on stderr.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use tweestap_core::ErrorKind;
use tweestap_core::view::ErrorView;

pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;

/// What a command returns: the exit code of a completed run, or the error that stopped it.
pub type CmdResult = Result<ExitCode, CliError>;

/// An error on its way to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// Stable category, e.g. `invalid_secret`, `usage`.
    pub kind: String,
    pub message: String,
    pub exit: u8,
}

impl CliError {
    /// The user's input is wrong (exit 2).
    pub fn bad_input(kind: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            message: message.into(),
            exit: EXIT_BAD_INPUT,
        }
    }

    /// The environment or the program failed (exit 1).
    pub fn failure(kind: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            message: message.into(),
            exit: EXIT_FAILURE,
        }
    }
}

/// Every core error converts, keeping its kind and its bad-input verdict.
impl<E: ErrorKind> From<E> for CliError {
    fn from(error: E) -> Self {
        let exit = if error.is_bad_input() {
            EXIT_BAD_INPUT
        } else {
            EXIT_FAILURE
        };
        Self {
            kind: error.kind().into(),
            message: error.to_string(),
            exit,
        }
    }
}

/// Where and how results go.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub json: bool,
}

impl Output {
    /// One line of text on stdout. A closed pipe (`| head`) is not an error worth a panic.
    pub fn line(&self, text: &str) {
        let _ = writeln!(std::io::stdout().lock(), "{text}");
    }

    /// A value as one line of JSON on stdout.
    pub fn json_line(&self, value: &impl Serialize) -> Result<(), CliError> {
        let text = serde_json::to_string(value)
            .map_err(|e| CliError::failure("internal", format!("cannot write JSON: {e}")))?;
        self.line(&text);
        Ok(())
    }

    /// Reports `error` and returns its exit code.
    pub fn fail(&self, error: &CliError) -> ExitCode {
        let message = one_line(&error.message);
        if self.json {
            let view = ErrorView::new(error.kind.clone(), message);
            if let Ok(text) = serde_json::to_string(&view) {
                self.line(&text);
            }
        } else {
            let _ = writeln!(std::io::stderr().lock(), "error: {message}");
        }
        ExitCode::from(error.exit)
    }
}

/// Collapses a possibly multi-line message into one line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A command-line usage error from clap, as one line (exit 2). `--help` and `--version` are
/// printed in full and exit 0.
pub fn usage_error(error: &clap::Error, json: bool) -> ExitCode {
    use clap::error::ErrorKind as Clap;
    if matches!(error.kind(), Clap::DisplayHelp | Clap::DisplayVersion) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    // clap's first paragraph is the reason (it may list missing arguments on further lines);
    // the usage and tips after the blank line are left to --help.
    let rendered = error.render().to_string();
    let paragraph: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty())
        .take_while(|line| !line.is_empty())
        .collect();
    let reason = paragraph.join(" ");
    let reason = reason.trim_start_matches("error:").trim();
    let reason = if matches!(
        error.kind(),
        Clap::DisplayHelpOnMissingArgumentOrSubcommand | Clap::MissingSubcommand
    ) {
        "no command given"
    } else {
        reason
    };
    Output { json }.fail(&CliError::bad_input(
        "usage",
        format!("{reason} (see tweestap --help)"),
    ))
}

/// Replaces Rust's multi-line panic report with one line. Panics are bugs; this keeps even
/// a bug from printing a backtrace at a user.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr().lock(),
            "error: internal error (a bug in tweestap): {}",
            one_line(&payload)
        );
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_kind_and_exit() {
        let error = CliError::from(tweestap_core::UriError::InvalidSecret);
        assert_eq!(
            (error.kind.as_str(), error.exit),
            ("invalid_secret", EXIT_BAD_INPUT)
        );
    }

    #[test]
    fn messages_become_one_line() {
        assert_eq!(one_line(" a\n  b\tc \n"), "a b c");
    }
}
