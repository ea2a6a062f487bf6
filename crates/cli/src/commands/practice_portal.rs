//! `tweestap practice-portal`: serve the practice BLk portal (the `tweestap-portal` crate) on
//! 127.0.0.1 until the process is stopped.
//!
//! The first stdout line is a contract for scripts and tests: `listening on http://127.0.0.1:PORT`
//! (flushed before anything is served).

use std::io::Write;
use std::process::ExitCode;

use serde_json::json;
use tweestap_portal::{DEMO_EMAIL, DEMO_PASSWORD, Portal};

use crate::output::{CliError, CmdResult, Output};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
The first line on stdout is `listening on http://127.0.0.1:PORT`. The portal runs until the\n\
process is stopped (Ctrl+C); everything it holds is in memory and gone afterwards.\n\
Pages: /login, /helpdesk, /inbox. JSON API: see docs/PRACTICE_PORTAL.md.")]
pub struct Args {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub port: u16,

    /// Open the portal in the default web browser.
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let listener = tweestap_portal::bind(args.port).map_err(|e| {
        CliError::failure(
            "port_unavailable",
            format!(
                "cannot listen on 127.0.0.1:{}: {e} (try another --port, or 0 for a free one)",
                args.port
            ),
        )
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::failure("io", format!("cannot read the listening address: {e}")))?;
    let url = format!("http://{addr}");

    out.line(&format!("listening on {url}"));
    if out.json {
        out.json_line(&json!({
            "url": url,
            "login_url": format!("{url}/login"),
            "helpdesk_url": format!("{url}/helpdesk"),
            "demo_email": DEMO_EMAIL,
            "demo_password": DEMO_PASSWORD,
        }))?;
    } else {
        out.line(&format!("practice account: {DEMO_EMAIL} / {DEMO_PASSWORD}"));
        out.line(&format!("helpdesk: {url}/helpdesk"));
        out.line("stop with Ctrl+C");
    }
    let _ = std::io::stdout().flush();

    if args.open {
        let login = format!("{url}/login");
        // A browser may take its time to start, or block until closed: not on this thread.
        std::thread::spawn(move || {
            if let Err(e) = open::that(&login) {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "warning: could not open a web browser ({e}); open {login} yourself"
                );
            }
        });
    }

    tweestap_portal::serve_blocking(listener, Portal::default())
        .map_err(|e| CliError::failure("io", format!("the practice portal stopped: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
