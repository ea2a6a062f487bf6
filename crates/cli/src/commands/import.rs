//! `tweestap import`: accounts from another authenticator's export (or a Tweestap backup)
//! into the vault, previewed first, stored in one write.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use tweestap_core::ErrorKind;
use tweestap_core::import::{
    self, Format, ImportError, ImportOptions, ImportOutcome, ImportPreview, PlanStatus, Resolution,
    Skipped, SkippedRow, Source,
};
use tweestap_core::view::AccountView;

use super::vault_opts::{FileVaultOpts, read_password_file};
use crate::output::{CliError, CmdResult, EXIT_FAILURE, Output};

pub const FORMATS: [&str; 11] = [
    "auto",
    "google",
    "aegis",
    "2fas",
    "andotp",
    "bitwarden",
    "duo",
    "freeotp-plus",
    "steam",
    "uris",
    "backup",
];

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Formats (detected from the content unless --format names one):
  google     Google Authenticator export links (otpauth-migration://), as text or QR images;
             give every QR code of an export at once (several files are fine)
  aegis      Aegis vault export (.json), plain or encrypted
  2fas       2FAS backup (.2fas), plain or encrypted
  andotp     andOTP backup (.json, or encrypted .json.aes; the oldest encrypted layout
             needs --format andotp)
  bitwarden  Bitwarden JSON export (unencrypted), items with a TOTP key
  duo        Duo Mobile accounts file (accounts.json from the app's data)
  freeotp-plus
             FreeOTP+ JSON export
  steam      Steam Desktop Authenticator .maFile (unencrypted), a Steam Guard account
  uris       otpauth:// links, one per line (FreeOTP, Ente, ...), or QR images of them
  backup     Tweestap backup (tweestap export --format backup)

Passwords: --password-file is the password of the IMPORT FILE (an encrypted export or a
backup). The vault opens with its keyring key, or with --vault-password-file.

An account already in the vault with the same key is left alone. One whose issuer and
account name are in the vault with ANOTHER key (you re-enrolled) needs a choice: --replace
gives the existing account the new key, --keep-both stores both; without either, nothing is
imported and the accounts are listed. Any failure leaves the vault unchanged.

With --json: {\"format\",\"accounts\":[{\"type\",\"issuer\",\"account\",\"algorithm\",\"digits\",
\"period\",\"counter\"[,\"secret_hex\"]}],\"skipped\":[{\"reason\",\"issuer\",\"account\"}]};
after a real import each account also has \"id\" and \"status\" (added, unchanged, replaced,
kept_both). Errors: {\"error\":{\"kind\",\"message\"}} with exit status 2 (wrong_password,
integrity_error, unknown_format, password_required, ...).

Examples:
  tweestap import aegis-export.json --password-file pw.txt --dry-run
  tweestap import qr-1.png qr-2.png
  tweestap import backup.tweestap --password-file backup-pw.txt --vault-password-file vault-pw.txt")]
pub struct Args {
    /// Files to import: an export, a backup, text files of links, QR images.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// The format of the files.
    #[arg(long, value_name = "FORMAT", default_value = "auto", value_parser = FORMATS)]
    pub format: String,

    /// Read the IMPORT FILE's password (encrypted export or backup) from the first line of FILE.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// Only show what the files hold; change nothing (no vault needed).
    #[arg(long)]
    pub dry_run: bool,

    /// Also show the keys (secret_hex in JSON, base32 in text).
    #[arg(long)]
    pub show_secret: bool,

    /// Give an account that is in the vault with another key the imported key.
    #[arg(long, conflicts_with = "keep_both")]
    pub replace: bool,

    /// Store an imported account beside one in the vault with another key.
    #[arg(long)]
    pub keep_both: bool,

    #[command(flatten)]
    pub vault: FileVaultOpts,
}

/// `{"format","accounts":[…],"skipped":[…]}`.
#[derive(Serialize)]
struct Report {
    format: Format,
    accounts: Vec<AccountJson>,
    skipped: Vec<SkippedRow>,
}

#[derive(Serialize)]
struct AccountJson {
    #[serde(flatten)]
    view: AccountView,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let sources = args
        .files
        .iter()
        .map(|p| Source::read(p).map_err(CliError::from))
        .collect::<Result<Vec<_>, _>>()?;
    let password = args
        .password_file
        .as_deref()
        .map(read_password_file)
        .transpose()?;
    let options = ImportOptions {
        format: Format::parse(&args.format),
        password: password.as_ref().map(|p| p.as_str()),
    };
    let preview = import::preview(&sources, options).map_err(|e| {
        let mut error = CliError::from(e);
        if error.kind == "password_required" {
            error.message.push_str(" (pass --password-file FILE)");
        }
        error
    })?;
    drop(sources);
    report_progress(&preview);

    if args.dry_run {
        let accounts = preview
            .accounts
            .iter()
            .map(|a| AccountJson {
                view: AccountView::new(&a.account, args.show_secret),
                id: None,
                status: None,
            })
            .collect();
        print_report(out, &preview, accounts, args.show_secret)?;
        return Ok(ExitCode::SUCCESS);
    }

    if preview.accounts.is_empty() {
        return Err(CliError::bad_input(
            "no_accounts",
            format!(
                "the file holds no account that can be imported{}; run with --dry-run to see why",
                skipped_summary(&preview.skipped)
            ),
        ));
    }
    if !preview.is_complete() {
        return Err(ImportError::IncompleteExport {
            exports: preview.exports.clone(),
        }
        .into());
    }
    let mut vault = args.vault.open()?;
    let plan = import::plan(&preview, &vault);
    let conflicts: Vec<String> = plan
        .iter()
        .zip(&preview.accounts)
        .filter(|(status, _)| {
            matches!(
                status,
                PlanStatus::Conflict { .. }
                    | PlanStatus::Repeated {
                        identical: false,
                        ..
                    }
            )
        })
        .map(|(_, a)| a.account.label())
        .collect();
    if !conflicts.is_empty() && !args.replace && !args.keep_both {
        return Err(conflict_error(&conflicts));
    }
    let resolution = if args.replace {
        Resolution::Replace
    } else if args.keep_both {
        Resolution::KeepBoth
    } else {
        // A conflict that appeared since the plan (another process): stop, write nothing.
        Resolution::Cancel
    };
    let outcomes =
        import::commit(&mut vault, &preview, &plan, |_, _, _| resolution).map_err(|e| {
            if e.kind() == "cancelled" {
                conflict_error(&[])
            } else {
                CliError::from(e)
            }
        })?;
    let accounts = preview
        .accounts
        .iter()
        .zip(outcomes)
        .map(|(a, outcome)| {
            let (id, status) = match outcome {
                ImportOutcome::Added { id } => (id, "added"),
                ImportOutcome::Unchanged { id } => (id, "unchanged"),
                ImportOutcome::Replaced { id } => (id, "replaced"),
                ImportOutcome::KeptBoth { id, .. } => (id, "kept_both"),
                ImportOutcome::Skipped { existing } => (existing, "skipped"),
            };
            AccountJson {
                view: AccountView::new(&a.account, args.show_secret),
                id: Some(id),
                status: Some(status),
            }
        })
        .collect();
    print_report(out, &preview, accounts, args.show_secret)?;
    Ok(ExitCode::SUCCESS)
}

fn conflict_error(labels: &[String]) -> CliError {
    let which = match labels {
        [] => "an account is".to_string(),
        [one] => format!("{one} is"),
        more => format!("{} are", more.join(", ")),
    };
    CliError {
        kind: "account_exists".into(),
        message: format!(
            "{which} already in the vault (or earlier in the files) with another key; nothing was imported. If you re-enrolled, pass --replace to give the existing account the new key, or --keep-both to keep both"
        ),
        exit: EXIT_FAILURE,
    }
}

fn skipped_summary(skipped: &[Skipped]) -> String {
    if skipped.is_empty() {
        return String::new();
    }
    let mut reasons: Vec<&str> = skipped.iter().map(|s| s.reason.as_str()).collect();
    reasons.sort_unstable();
    reasons.dedup();
    format!(" ({} skipped: {})", skipped.len(), reasons.join(", "))
}

/// On stderr: how far a Google export in several QR codes has come.
fn report_progress(preview: &ImportPreview) {
    for p in preview.exports.iter().filter(|p| !p.is_complete()) {
        let missing: Vec<String> = p.missing.iter().map(|n| n.to_string()).collect();
        eprintln!(
            "note: Google Authenticator export: {p} QR codes given (missing: number {}); add the missing codes to import it",
            missing.join(", ")
        );
    }
}

fn print_report(
    out: &Output,
    preview: &ImportPreview,
    accounts: Vec<AccountJson>,
    show_secret: bool,
) -> Result<(), CliError> {
    if out.json {
        return out.json_line(&Report {
            format: preview.format,
            accounts,
            skipped: preview.skipped.iter().map(SkippedRow::from).collect(),
        });
    }
    out.line(&format!(
        "{}: {} account{}, {} skipped",
        preview.format.describe(),
        accounts.len(),
        if accounts.len() == 1 { "" } else { "s" },
        preview.skipped.len()
    ));
    for (a, new) in accounts.iter().zip(&preview.accounts) {
        let v = &a.view;
        let what = match (v.period, v.counter) {
            (Some(p), _) => format!("{} {} {} digits {p} s", v.kind, v.algorithm, v.digits),
            (None, Some(c)) => {
                format!("{} {} {} digits counter {c}", v.kind, v.algorithm, v.digits)
            }
            _ => v.kind.to_string(),
        };
        let status = a.status.map(|s| format!("{s}: ")).unwrap_or_default();
        let group = new
            .group
            .as_deref()
            .map(|g| format!(" [{g}]"))
            .unwrap_or_default();
        out.line(&format!(
            "  {status}{} — {what}{group}",
            new.account.label()
        ));
        if show_secret {
            out.line(&format!(
                "    key: {}",
                zeroize::Zeroizing::new(tweestap_core::base32::encode(new.account.secret.expose()))
                    .as_str()
            ));
        }
    }
    for s in &preview.skipped {
        let name = match (s.issuer.is_empty(), s.account.is_empty()) {
            (true, true) => "an entry".to_string(),
            (false, false) => format!("{} ({})", s.issuer, s.account),
            (false, true) => s.issuer.clone(),
            (true, false) => s.account.clone(),
        };
        out.line(&format!("  skipped {name}: {} ({})", s.message, s.reason));
    }
    Ok(())
}
