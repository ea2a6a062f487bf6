//! `tweestap practice-portal`: the first stdout line names the URL, the portal answers there
//! on 127.0.0.1, and a taken port is a one-line error.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// Kills the portal when the test ends, whatever happens.
struct Portal(Child);

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the portal and returns it with its first stdout line.
fn start(args: &[&str]) -> (Portal, String, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tweestap"))
        .arg("practice-portal")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run tweestap");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    (Portal(child), first, stdout)
}

/// A minimal HTTP/1.1 request; returns (status, body).
fn request(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

#[test]
fn first_line_names_the_url_and_the_api_answers_there() {
    let (_portal, first, mut rest) = start(&["--port", "0"]);
    let url = first
        .strip_suffix('\n')
        .and_then(|line| line.strip_prefix("listening on http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("first line: {first:?}"));
    let port: u16 = url.parse().expect("a port number");
    assert_ne!(port, 0);
    let mut second = String::new();
    rest.read_line(&mut second).unwrap();
    assert_eq!(second, "practice account: demo@example.nl / oefenen\n");

    let (status, body) = request(port, "POST", "/api/demo-user", "{}");
    assert_eq!(status, 200, "{body}");
    let user: Value = serde_json::from_str(&body).unwrap();
    assert!(user["email"].as_str().unwrap().contains('@'));
    let (status, body) = request(port, "POST", "/api/login", "{\"email\":");
    assert_eq!(status, 400);
    assert!(body.contains("malformed_json"), "{body}");
    let (status, body) = request(port, "GET", "/login", "");
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"nl\">"));
}

#[test]
fn json_mode_keeps_the_first_line_and_adds_details() {
    let (_portal, first, mut rest) = start(&["--json"]);
    assert!(
        first.starts_with("listening on http://127.0.0.1:"),
        "{first:?}"
    );
    let mut second = String::new();
    rest.read_line(&mut second).unwrap();
    let details: Value = serde_json::from_str(&second).unwrap();
    assert_eq!(
        details["url"].as_str().unwrap(),
        first.trim_end().trim_start_matches("listening on ")
    );
    assert_eq!(details["demo_email"], "demo@example.nl");
}

#[test]
fn a_taken_port_is_a_one_line_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_tweestap"))
        .args(["practice-portal", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}:")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
}
