//! `tweestap clock` against a local HTTP server (127.0.0.1) with a skewed `Date` header.

#[path = "../../core/tests/clock_support/mod.rs"]
mod clock_support;

use std::net::TcpListener;
use std::process::Command;

use clock_support::{DateHeader, server};
use serde_json::Value;

fn skewed_server(skew_s: i64) -> String {
    server(DateHeader::Skewed(skew_s))
}

fn tweestap(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tweestap"))
        .args(args)
        .output()
        .expect("run tweestap");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn json_reports_offset_rtt_and_server() {
    let url = skewed_server(30);
    let (code, stdout, stderr) = tweestap(&["clock", "--url", &url, "--json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let value: Value = serde_json::from_str(&stdout).expect("JSON");
    let object = value.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["offset_s", "rtt_ms", "server"]);
    let offset = value["offset_s"].as_i64().unwrap();
    assert!((29..=31).contains(&offset), "{stdout}");
    assert!(value["rtt_ms"].as_u64().is_some());
    assert_eq!(
        value["server"],
        url.trim_start_matches("http://").trim_end_matches('/')
    );
}

#[test]
fn text_gives_advice_when_the_clock_is_ahead() {
    let (code, stdout, stderr) = tweestap(&["clock", "--url", &skewed_server(-120)]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("clock is 2 minutes ahead of 127.0.0.1:"),
        "{stdout}"
    );
    assert!(stdout.contains("Set time automatically"), "{stdout}");
}

#[test]
fn text_says_fine_when_the_clock_is_right() {
    let (code, stdout, _) = tweestap(&["clock", "--url", &skewed_server(0)]);
    assert_eq!(code, 0);
    assert!(stdout.contains("That is fine"), "{stdout}");
}

#[test]
fn bad_url_and_unreachable_server() {
    let (code, stdout, _) = tweestap(&["clock", "--url", "ftp://127.0.0.1/", "--json"]);
    assert_eq!(code, 2);
    let value: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["error"]["kind"], "invalid_url");

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let (code, _, stderr) = tweestap(&["clock", "--url", &url, "--timeout", "5"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("error: could not reach 127.0.0.1:"),
        "{stderr}"
    );
}
