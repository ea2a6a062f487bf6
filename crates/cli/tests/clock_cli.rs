//! `tweestap clock` against a local HTTP server (127.0.0.1) with a skewed `Date` header.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::thread;
use std::time::{Duration, SystemTime};

use serde_json::Value;

/// A server on a free port answering every request with `Date` = now + `skew_s`.
fn skewed_server(skew_s: i64) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let now = SystemTime::now();
            let date = if skew_s >= 0 {
                now + Duration::from_secs(skew_s.unsigned_abs())
            } else {
                now - Duration::from_secs(skew_s.unsigned_abs())
            };
            let response = format!(
                "HTTP/1.1 204 No Content\r\nDate: {}\r\nConnection: close\r\n\r\n",
                httpdate::fmt_http_date(date)
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("http://127.0.0.1:{port}/")
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
