//! `tweestap`: OTP codes, link inspection and verification for testers, the helpdesk and
//! scripts, the encrypted vault from the command line, a clock check, and the practice portal
//! (`tweestap-portal`). A thin door into `tweestap-core`.
//!
//! Adding a subcommand: write `commands/<name>.rs` with `pub struct Args` (`clap::Args`) and
//! `pub fn run(args: Args, out: &Output) -> CmdResult`, declare it in `commands/mod.rs`, and
//! add one variant to [`Command`] plus its arm in [`Command::run`]. Errors convert from any
//! core error (`?`), keeping its kind and exit code; see `output.rs`.

mod commands;
mod logging;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use output::{CmdResult, Output};

#[derive(Debug, Parser)]
#[command(
    name = "tweestap",
    version,
    about = "Tweestap: two-step login codes (TOTP/HOTP) from the command line",
    after_help = "Exit status: 0 on success, 2 for bad input (link, key or arguments), 1 otherwise."
)]
struct Cli {
    /// Print JSON instead of text (errors too: {"error":{"kind","message"}} on stdout).
    #[arg(long, global = true)]
    json: bool,

    /// Log what happens on stderr: -v info, -vv debug, -vvv trace (also TWEESTAP_LOG=LEVEL).
    /// Logs name files, ids and counts, never keys, codes, passwords or account names.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the code of an otpauth:// link or of a key.
    Code(commands::code::Args),
    /// Show what an otpauth:// or otpauth-migration:// link contains.
    Inspect(commands::inspect::Args),
    /// Check a code against an otpauth:// link.
    Verify(commands::verify::Args),
    /// Read QR codes from image files, the screen or a webcam.
    Scan(commands::scan::Args),
    /// Create an empty vault (key in the OS keyring and/or a password).
    Init(commands::init::Args),
    /// Add an account to the vault.
    Add(commands::add::Args),
    /// List the accounts in the vault (never their keys).
    List(commands::list::Args),
    /// Rename an account in the vault.
    Rename(commands::rename::Args),
    /// Remove an account from the vault (recoverable for 30 days).
    Remove(commands::remove::Args),
    /// Bring back a removed account, or the vault from its backup.
    Restore(commands::restore::Args),
    /// Set, change or remove the vault password; add or remove the keyring key.
    Passwd(commands::passwd::Args),
    /// Check this computer's clock against a web server's time (contacts that server).
    Clock(commands::clock::Args),
    /// Serve the practice BLk portal on 127.0.0.1 (helpdesk demos, tests).
    PracticePortal(commands::practice_portal::Args),
    /// Import accounts from Google Authenticator, Aegis, 2FAS, andOTP, Bitwarden, Duo Mobile,
    /// FreeOTP+, Steam Desktop Authenticator, otpauth:// links or a Tweestap backup.
    Import(commands::import::Args),
    /// Export the vault: encrypted backup, Aegis JSON, otpauth:// links or Google QR codes.
    Export(commands::export::Args),
}

impl Command {
    /// The subcommand's name, for the log (never its arguments: they can hold a key).
    fn name(&self) -> &'static str {
        match self {
            Command::Code(_) => "code",
            Command::Inspect(_) => "inspect",
            Command::Verify(_) => "verify",
            Command::Scan(_) => "scan",
            Command::Init(_) => "init",
            Command::Add(_) => "add",
            Command::List(_) => "list",
            Command::Rename(_) => "rename",
            Command::Remove(_) => "remove",
            Command::Restore(_) => "restore",
            Command::Passwd(_) => "passwd",
            Command::Clock(_) => "clock",
            Command::PracticePortal(_) => "practice-portal",
            Command::Import(_) => "import",
            Command::Export(_) => "export",
        }
    }

    fn run(self, out: &Output) -> CmdResult {
        match self {
            Command::Code(args) => commands::code::run(args, out),
            Command::Inspect(args) => commands::inspect::run(args, out),
            Command::Verify(args) => commands::verify::run(args, out),
            Command::Scan(args) => commands::scan::run(args, out),
            Command::Init(args) => commands::init::run(args, out),
            Command::Add(args) => commands::add::run(args, out),
            Command::List(args) => commands::list::run(args, out),
            Command::Rename(args) => commands::rename::run(args, out),
            Command::Remove(args) => commands::remove::run(args, out),
            Command::Restore(args) => commands::restore::run(args, out),
            Command::Passwd(args) => commands::passwd::run(args, out),
            Command::Clock(args) => commands::clock::run(args, out),
            Command::PracticePortal(args) => commands::practice_portal::run(args, out),
            Command::Import(args) => commands::import::run(args, out),
            Command::Export(args) => commands::export::run(args, out),
        }
    }
}

fn main() -> ExitCode {
    output::install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let json = std::env::args_os().any(|arg| arg == "--json");
            return output::usage_error(&error, json);
        }
    };
    logging::init(cli.verbose);
    let out = Output { json: cli.json };
    let name = cli.command.name();
    log::debug!("{name}: started (tweestap {})", env!("CARGO_PKG_VERSION"));
    match std::panic::catch_unwind(|| cli.command.run(&out)) {
        Ok(Ok(code)) => {
            log::debug!("{name}: done");
            code
        }
        Ok(Err(error)) => {
            log::debug!("{name}: failed: {} (exit {})", error.kind, error.exit);
            out.fail(&error)
        }
        Err(_) => ExitCode::from(output::EXIT_FAILURE),
    }
}
