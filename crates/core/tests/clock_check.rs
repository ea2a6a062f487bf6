//! `clock_check::measure` against tiny local HTTP servers (127.0.0.1, never the internet)
//! whose `Date` headers are deliberately skewed, missing or garbled.

mod clock_support;

use std::net::TcpListener;
use std::time::Duration;

use clock_support::{DateHeader, server};
use tweestap_core::ErrorKind;
use tweestap_core::clock_check::{self, ClockCheckError};

fn measure(url: &str) -> Result<clock_check::ClockCheck, ClockCheckError> {
    clock_check::measure(url, Duration::from_secs(5))
}

#[test]
fn server_ahead_by_30_s_means_this_clock_is_behind() {
    let url = server(DateHeader::Skewed(30));
    let check = measure(&url).expect("measure");
    assert!((29..=31).contains(&check.offset_s), "{check:?}");
    assert!(check.needs_attention());
    assert!(check.rtt_ms < 5_000);
    assert_eq!(
        check.server,
        url.trim_start_matches("http://").trim_end_matches('/')
    );
}

#[test]
fn server_behind_by_120_s_means_this_clock_is_ahead() {
    let check = measure(&server(DateHeader::Skewed(-120))).expect("measure");
    assert!((-121..=-119).contains(&check.offset_s), "{check:?}");
    assert!(check.needs_attention());
}

#[test]
fn a_right_clock_is_left_alone() {
    let check = measure(&server(DateHeader::Skewed(0))).expect("measure");
    assert!((-1..=1).contains(&check.offset_s), "{check:?}");
    assert!(!check.needs_attention());
}

#[test]
fn async_version_from_inside_a_runtime() {
    let url = server(DateHeader::Skewed(30));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let check = runtime
        .block_on(clock_check::measure_async(&url, Duration::from_secs(5)))
        .expect("measure");
    assert!((29..=31).contains(&check.offset_s), "{check:?}");
}

#[test]
fn missing_or_garbled_date_headers_are_named() {
    let error = measure(&server(DateHeader::Missing)).unwrap_err();
    assert_eq!(error.kind(), "no_date_header", "{error}");
    let error = measure(&server(DateHeader::Raw("yesterday, around noon"))).unwrap_err();
    assert_eq!(error.kind(), "invalid_date_header", "{error}");
    assert!(error.to_string().contains("yesterday"), "{error}");
}

#[test]
fn unreachable_servers_and_bad_urls() {
    // A port that was free a moment ago: connection refused, quickly.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = measure(&format!("http://127.0.0.1:{port}/")).unwrap_err();
    assert_eq!(error.kind(), "network", "{error}");
    assert!(!error.is_bad_input());
    assert!(
        error.to_string().contains(&format!("127.0.0.1:{port}")),
        "{error}"
    );

    let error = measure("ftp://127.0.0.1/").unwrap_err();
    assert_eq!(error.kind(), "invalid_url");
    assert!(error.is_bad_input());
}
