//! Tiny local HTTP servers (127.0.0.1, never the internet) whose `Date` headers are skewed,
//! missing or garbled, for clock-check tests here and in the CLI
//! (`#[path = "../../core/tests/clock_support/mod.rs"]`).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, SystemTime};

/// What the server puts in its `Date` header.
#[derive(Clone)]
pub enum DateHeader {
    Skewed(i64),
    Missing,
    Raw(&'static str),
}

/// Serves every connection on a free port with a `200 OK` carrying `date`, until the test
/// process ends. Returns the URL.
pub fn server(date: DateHeader) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let date = date.clone();
            thread::spawn(move || answer(stream, &date));
        }
    });
    format!("http://127.0.0.1:{port}/")
}

fn answer(mut stream: TcpStream, date: &DateHeader) {
    // Read the request head (up to the blank line).
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
        if line == "\r\n" {
            break;
        }
        line.clear();
    }
    let header = match date {
        DateHeader::Skewed(skew) => {
            let now = SystemTime::now();
            let then = if *skew >= 0 {
                now + Duration::from_secs(skew.unsigned_abs())
            } else {
                now - Duration::from_secs(skew.unsigned_abs())
            };
            format!("Date: {}\r\n", httpdate::fmt_http_date(then))
        }
        DateHeader::Missing => String::new(),
        DateHeader::Raw(text) => format!("Date: {text}\r\n"),
    };
    let response =
        format!("HTTP/1.1 200 OK\r\n{header}Content-Length: 0\r\nConnection: close\r\n\r\n");
    let _ = stream.write_all(response.as_bytes());
}
