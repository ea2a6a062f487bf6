//! `tweestap inspect`: what an otpauth:// or otpauth-migration:// link contains.

use std::process::ExitCode;

use tweestap_core::account::{Account, OtpKind};
use tweestap_core::view::LinkView;
use tweestap_core::{ErrorKind, Link, base32, parse_link};

use crate::output::{CmdResult, Output};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "With --json prints {\"accounts\":[...],\"batch\":{...}|null}; an entry of a Google export that\ncannot be imported appears as {\"error\":\"<kind>\",\"index\":i}."
)]
pub struct Args {
    /// An otpauth:// or otpauth-migration:// link (quote it: it contains ? and &).
    pub uri: String,

    /// Include the secret key (JSON: secret_hex; text: base32). Keep the output private.
    #[arg(long)]
    pub show_secret: bool,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let link = parse_link(&args.uri)?;
    if out.json {
        out.json_line(&LinkView::new(&link, args.show_secret))?;
    } else {
        for line in summary(&link, args.show_secret) {
            out.line(&line);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A readable description, one entry per numbered line (plus the key when asked).
fn summary(link: &Link, show_secret: bool) -> Vec<String> {
    let entries = link.entries();
    let count = match entries.len() {
        1 => "1 account".to_owned(),
        n => format!("{n} accounts"),
    };
    let mut lines = vec![match link.batch() {
        None => format!("otpauth link: {count}"),
        Some(b) => format!(
            "Google Authenticator export, part {} of {} (batch id {}, version {}): {count}",
            i64::from(b.batch_index) + 1,
            b.batch_size,
            b.batch_id,
            b.version
        ),
    }];
    for (index, entry) in entries.into_iter().enumerate() {
        match entry {
            Ok(account) => {
                lines.push(format!("{}. {}", index + 1, describe(account)));
                if show_secret {
                    lines.push(format!(
                        "   key: {}",
                        base32::encode(account.secret.expose())
                    ));
                }
            }
            Err(error) => lines.push(format!(
                "{}. not importable ({}): {error}",
                index + 1,
                error.kind()
            )),
        }
    }
    if !show_secret && link.entries().iter().any(Result::is_ok) {
        lines.push("(keys hidden; add --show-secret to print them)".to_owned());
    }
    lines
}

fn describe(account: &Account) -> String {
    let name = match account.label() {
        label if label.is_empty() => "(no name)".to_owned(),
        label => label,
    };
    let how = match account.kind {
        OtpKind::Totp { period } => format!(
            "TOTP, {}, {} digits, every {period} s",
            account.algorithm, account.digits
        ),
        OtpKind::Hotp { counter } => format!(
            "HOTP, {}, {} digits, counter {counter}",
            account.algorithm, account.digits
        ),
        OtpKind::Steam => "Steam Guard, 5 characters, every 30 s".to_owned(),
    };
    format!("{name}: {how}")
}
