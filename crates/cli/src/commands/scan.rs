//! `tweestap scan`: QR codes from image files, the screen or a webcam.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::Serialize;
use tweestap_capture::{CaptureError, Scan, camera, clipboard, file, screen};
use tweestap_core::ErrorKind;
use tweestap_core::qr::{NO_CODE_ADVICE, not_2fa_message};

use crate::output::{CmdResult, EXIT_BAD_INPUT, EXIT_FAILURE, Output};

#[derive(Debug, clap::Args)]
#[command(
    group(clap::ArgGroup::new("input").required(true).args(["files", "screen", "camera", "clipboard"])),
    after_help = "With --json prints {\"results\":[{\"source\",\"codes\":[...],\"error\":null|{\"kind\",\"message\"}}],\"decode_ms\":t}.\nExit status: 0 when every source was read (even with no codes), 2 when an input could not be\nread (a missing or broken image file), 1 when the screen, camera or clipboard failed."
)]
pub struct Args {
    /// Image files to scan (PNG, JPEG, GIF, BMP, WebP).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Capture and scan every monitor.
    #[arg(long, conflicts_with_all = ["files", "camera", "clipboard"])]
    pub screen: bool,

    /// Scan live webcam frames until a code is found or --timeout passes.
    #[arg(long, conflicts_with_all = ["files", "clipboard"])]
    pub camera: bool,

    /// Which camera (0 is the first).
    #[arg(long, value_name = "N", default_value_t = 0, requires = "camera")]
    pub device: u32,

    /// Seconds to keep looking with --camera (default 30), or to wait for the desktop's
    /// answer with --screen on Wayland (default 120: GNOME asks the person once).
    #[arg(long, value_name = "S", conflicts_with_all = ["files", "clipboard"], value_parser = parse_seconds)]
    pub timeout: Option<f64>,

    /// With --screen: forget an earlier refusal of screenshots (GNOME's permission store),
    /// so that the desktop asks again.
    #[arg(long, requires = "screen")]
    pub ask_again: bool,

    /// Scan the image on the clipboard.
    #[arg(long, conflicts_with_all = ["files"])]
    pub clipboard: bool,
}

/// `{"results":[…],"decode_ms":t}`.
#[derive(Serialize)]
struct ScanJson<'a> {
    results: Vec<ResultJson<'a>>,
    decode_ms: f64,
}

#[derive(Serialize)]
struct ResultJson<'a> {
    source: &'a str,
    codes: &'a [String],
    error: Option<ErrorJson>,
}

#[derive(Serialize)]
struct ErrorJson {
    kind: &'static str,
    message: String,
}

/// One source's outcome.
struct Outcome {
    source: String,
    result: Result<Vec<String>, CaptureError>,
}

impl From<Scan> for Outcome {
    fn from(s: Scan) -> Self {
        Outcome {
            source: s.source,
            result: Ok(s.codes),
        }
    }
}

fn collect(args: &Args) -> Vec<Outcome> {
    let whole = |source: &str, r: Result<Scan, CaptureError>| match r {
        Ok(scan) => Outcome::from(scan),
        Err(e) => Outcome {
            source: source.to_string(),
            result: Err(e),
        },
    };
    let seconds = |default: Duration| args.timeout.map_or(default, Duration::from_secs_f64);
    if args.screen {
        if args.ask_again
            && let Err(e) = screen::ask_again()
        {
            return vec![Outcome {
                source: "screen".to_string(),
                result: Err(e),
            }];
        }
        match screen::scan_all_within(seconds(screen::PORTAL_TIMEOUT)) {
            Ok(scans) => scans.into_iter().map(Outcome::from).collect(),
            Err(e) => vec![Outcome {
                source: "screen".to_string(),
                result: Err(e),
            }],
        }
    } else if args.camera {
        let timeout = seconds(Duration::from_secs(30));
        let source = format!("camera:{}", args.device);
        vec![whole(&source, camera::scan_camera(args.device, timeout))]
    } else if args.clipboard {
        vec![whole("clipboard", clipboard::scan())]
    } else {
        args.files
            .iter()
            .map(|path| whole(&path.display().to_string(), file::scan_file(path)))
            .collect()
    }
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let t0 = Instant::now();
    let outcomes = collect(&args);
    let decode_ms = (t0.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;

    let exit = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().err())
        .map(|e| {
            if e.is_bad_input() {
                EXIT_BAD_INPUT
            } else {
                EXIT_FAILURE
            }
        })
        .max()
        .unwrap_or(0);

    if out.json {
        let results = outcomes
            .iter()
            .map(|o| match &o.result {
                Ok(codes) => ResultJson {
                    source: &o.source,
                    codes,
                    error: None,
                },
                Err(e) => ResultJson {
                    source: &o.source,
                    codes: &[],
                    error: Some(ErrorJson {
                        kind: e.kind().as_str(),
                        message: e.to_string(),
                    }),
                },
            })
            .collect();
        out.json_line(&ScanJson { results, decode_ms })?;
    } else {
        for o in &outcomes {
            match &o.result {
                Ok(codes) if codes.is_empty() => {
                    out.line(&format!("{}: {NO_CODE_ADVICE}", o.source));
                }
                Ok(codes) => {
                    for code in codes {
                        out.line(&format!("{}: {code}", o.source));
                        if let Some(note) = not_2fa_message(code) {
                            out.line(&format!("  ({note})"));
                        }
                    }
                }
                Err(e) => eprintln!("{}: error: {e}", o.source),
            }
        }
    }
    Ok(ExitCode::from(exit))
}

/// A number of seconds from 0 to a day (`nan`, `inf` and negative numbers are refused).
fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if (0.0..=86_400.0).contains(&s) => Ok(s),
        _ => Err(format!("{text} is not a number of seconds from 0 to 86400")),
    }
}
