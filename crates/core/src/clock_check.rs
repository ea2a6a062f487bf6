//! Is this computer's clock right? Measures its offset from a web server's `Date` header.
//!
//! Authenticator codes change every 30 seconds and a portal accepts only the codes of the
//! current step and its neighbours, so a computer clock that is a minute or more off makes
//! every code fail. [`measure`] asks one server for its time and reports how far this
//! computer's clock is from it:
//!
//! * `offset_s` is *server time minus local time*, rounded to whole seconds: positive when
//!   this computer's clock is **behind**, negative when it is **ahead**. That is the sign of
//!   [`crate::otp::SystemClock::offset_s`], so the number can be used as a correction as is.
//! * The local instant compared is the middle of the request (half the round trip is
//!   compensated), and half a second is added to the server time because `Date` has
//!   one-second resolution (the server's time lies in `[Date, Date + 1 s)`).
//!
//! **Privacy: the check contacts a server, so it is off unless the user agrees.** The CLI runs
//! it only when asked (`tweestap clock`); the app must ask before the first check. The server is
//! configurable; [`DEFAULT_URL`] is only a default. `http://` URLs are accepted too (tests use a
//! local server); TLS is rustls with the `ring` provider and the operating system's
//! certificate store (no OpenSSL).
//!
//! [`measure`] is blocking and must not be called from inside an async runtime (the app: use
//! [`measure_async`], or `spawn_blocking`).

use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;

use crate::error::{ErrorKind, Kind};

/// The server asked when the user gives none: a large, well-synchronised site whose `Date`
/// header follows the atomic clocks closely.
pub const DEFAULT_URL: &str = "https://www.google.com/";

/// How long one check may take, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Offsets up to this many seconds (either way) are harmless; beyond it, advise the user.
pub const ADVICE_THRESHOLD_S: i64 = 10;

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClockCheck {
    /// Server time minus this computer's time, in whole seconds (positive: this clock is
    /// behind).
    pub offset_s: i64,
    /// Round-trip time of the request, in milliseconds (the offset's uncertainty is about
    /// half of it, plus the `Date` header's one-second resolution).
    pub rtt_ms: u64,
    /// The server asked: `host` or `host:port`.
    pub server: String,
}

impl ClockCheck {
    /// Whether the offset is large enough to tell the user (more than
    /// [`ADVICE_THRESHOLD_S`] either way).
    pub fn needs_attention(&self) -> bool {
        self.offset_s.unsigned_abs() > ADVICE_THRESHOLD_S.unsigned_abs()
    }
}

/// Why a clock check failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockCheckError {
    #[error("not a usable http:// or https:// URL: {0}")]
    InvalidUrl(String),
    #[error("could not reach {server}: {reason}")]
    Network { server: String, reason: String },
    #[error("{server} sent no Date header, so its time is unknown; try another server")]
    NoDate { server: String },
    #[error("{server} sent a Date header that is not an HTTP date: {value:?}")]
    BadDate { server: String, value: String },
    #[error("cannot start the network client: {0}")]
    Client(String),
}

impl ErrorKind for ClockCheckError {
    fn kind(&self) -> Kind {
        match self {
            ClockCheckError::InvalidUrl(_) => Kind::InvalidUrl,
            ClockCheckError::Network { .. } => Kind::Network,
            ClockCheckError::NoDate { .. } => Kind::NoDateHeader,
            ClockCheckError::BadDate { .. } => Kind::InvalidDateHeader,
            ClockCheckError::Client(_) => Kind::Internal,
        }
    }

    fn is_bad_input(&self) -> bool {
        matches!(self, ClockCheckError::InvalidUrl(_))
    }
}

/// The offset in seconds (server minus local, rounded) given the server's `Date` value, the
/// local wall-clock time when the request was sent and the measured round trip.
pub fn offset_from(server_date: SystemTime, sent_at: SystemTime, rtt: Duration) -> i64 {
    let millis = |t: SystemTime| -> i128 {
        match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => d.as_millis() as i128,
            Err(e) => -(e.duration().as_millis() as i128),
        }
    };
    // `Date` is truncated to the second: the server's clock read somewhere in [date, date+1).
    let server_ms = millis(server_date) + 500;
    let local_ms = millis(sent_at) + (rtt.as_millis() as i128) / 2;
    let diff = server_ms - local_ms;
    // Round half away from zero to whole seconds.
    let rounded = if diff >= 0 {
        (diff + 500) / 1000
    } else {
        (diff - 500) / 1000
    };
    rounded.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// Checks the URL and returns it parsed, with its `host[:port]` for reports.
fn parse_url(url: &str) -> Result<(reqwest::Url, String), ClockCheckError> {
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|e| ClockCheckError::InvalidUrl(format!("{url:?} ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ClockCheckError::InvalidUrl(format!(
            "{url:?} (only http:// and https:// can be asked for the time)"
        )));
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| ClockCheckError::InvalidUrl(format!("{url:?} (no host)")))?;
    let server = match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    Ok((parsed, server))
}

/// rustls with the `ring` provider and the platform's certificate verifier.
fn tls_config() -> Result<rustls::ClientConfig, ClockCheckError> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClockCheckError::Client(e.to_string()))?
        .with_platform_verifier()
        .map_err(|e| ClockCheckError::Client(e.to_string()))?
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn client(timeout: Duration) -> Result<reqwest::Client, ClockCheckError> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config()?)
        // One round trip: a redirect's own Date header is as good as the final page's.
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .user_agent(concat!(
            "tweestap/",
            env!("CARGO_PKG_VERSION"),
            " (clock check)"
        ))
        .build()
        .map_err(|e| ClockCheckError::Client(e.to_string()))
}

/// Describes a request error by its innermost cause (reqwest's own text is generic).
fn network_error(server: &str, error: &reqwest::Error) -> ClockCheckError {
    let reason = if error.is_timeout() {
        "no answer in time".to_owned()
    } else {
        let mut source: &dyn std::error::Error = error;
        while let Some(next) = source.source() {
            source = next;
        }
        source.to_string()
    };
    ClockCheckError::Network {
        server: server.to_owned(),
        reason,
    }
}

/// Measures this computer's clock offset from `url`'s `Date` header (async version).
pub async fn measure_async(url: &str, timeout: Duration) -> Result<ClockCheck, ClockCheckError> {
    let (parsed, server) = parse_url(url)?;
    let client = client(timeout)?;
    let sent_at = SystemTime::now();
    let started = Instant::now();
    let response = client
        .head(parsed)
        .send()
        .await
        .map_err(|e| network_error(&server, &e))?;
    let rtt = started.elapsed();
    let value = response
        .headers()
        .get(reqwest::header::DATE)
        .ok_or_else(|| ClockCheckError::NoDate {
            server: server.clone(),
        })?;
    let text = value.to_str().unwrap_or_default();
    let date = httpdate::parse_http_date(text).map_err(|_| ClockCheckError::BadDate {
        server: server.clone(),
        value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
    })?;
    Ok(ClockCheck {
        offset_s: offset_from(date, sent_at, rtt),
        rtt_ms: u64::try_from(rtt.as_millis()).unwrap_or(u64::MAX),
        server,
    })
}

/// Measures this computer's clock offset from `url`'s `Date` header. Blocking: runs its own
/// small runtime, so call it outside any async runtime.
pub fn measure(url: &str, timeout: Duration) -> Result<ClockCheck, ClockCheckError> {
    // A bad URL is reported before anything is started.
    parse_url(url)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ClockCheckError::Client(e.to_string()))?;
    log::debug!("clock check: asking {url} (timeout {timeout:?})");
    let result = runtime.block_on(measure_async(url, timeout));
    match &result {
        Ok(check) => log::info!(
            "clock check: {url} says this clock is {} s off (round trip {} ms)",
            check.offset_s,
            check.rtt_ms
        ),
        Err(e) => log::warn!("clock check: {url}: {}", e.kind()),
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(unix_ms: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(unix_ms)
    }

    #[test]
    fn offset_compensates_half_the_round_trip_and_date_resolution() {
        // Sent at 1000.0 s, answered 200 ms later: the local midpoint is 1000.1 s. The server
        // said "1030" (its clock read 1030.0..1031.0, taken as 1030.5): 30.4 s, so 30.
        assert_eq!(
            offset_from(at(1_030_000), at(1_000_000), Duration::from_millis(200)),
            30
        );
        // Sent at 1000.9 s: the server's "1030" now means 29.6 s, so 30 again.
        assert_eq!(
            offset_from(at(1_030_000), at(1_000_900), Duration::from_millis(0)),
            30
        );
        // Behind the server means a negative offset the other way.
        assert_eq!(
            offset_from(at(880_000), at(1_000_300), Duration::from_millis(100)),
            -120
        );
        assert_eq!(offset_from(at(1_000_000), at(1_000_400), Duration::ZERO), 0);
        // Before 1970 (a dead clock battery can do odd things) still works.
        assert_eq!(
            offset_from(at(10_000), before_epoch(5_000), Duration::ZERO),
            16
        );
    }

    fn before_epoch(ms: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH - Duration::from_millis(ms)
    }

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("http://127.0.0.1:8080/x").unwrap().1,
            "127.0.0.1:8080"
        );
        assert_eq!(parse_url(DEFAULT_URL).unwrap().1, "www.google.com");
        for bad in [
            "",
            "www.example.com",
            "ftp://example.com/",
            "file:///etc/passwd",
        ] {
            assert_eq!(parse_url(bad).unwrap_err().kind(), "invalid_url", "{bad}");
        }
    }

    #[test]
    fn attention_threshold() {
        let check = |offset_s| ClockCheck {
            offset_s,
            rtt_ms: 1,
            server: String::new(),
        };
        assert!(!check(10).needs_attention());
        assert!(!check(-10).needs_attention());
        assert!(check(11).needs_attention());
        assert!(check(-120).needs_attention());
    }
}
