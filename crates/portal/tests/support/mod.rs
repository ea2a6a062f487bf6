//! A practice portal on 127.0.0.1 (a free port) with a clock the test moves, and a small
//! HTTP client around it.

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::blocking::{Client, Response};
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use tweestap_core::otp::{self, Clock};
use tweestap_core::{Account, parse_otpauth};
use tweestap_portal::{Config, Portal, RunningPortal};

/// 10 s into a 30 s step, so a test has 20 s before the code changes by itself.
pub const T0: u64 = 1_700_000_020;

/// The base clock of a test portal (the user's "real" time).
#[derive(Default)]
pub struct TestClock(AtomicU64);

impl Clock for TestClock {
    fn now_unix(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct TestPortal {
    pub running: RunningPortal,
    pub clock: Arc<TestClock>,
    pub client: Client,
}

pub fn portal() -> TestPortal {
    // Another test may have installed it already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let clock = Arc::new(TestClock(AtomicU64::new(T0)));
    let config = Config {
        clock: clock.clone(),
        ..Config::default()
    };
    let running = tweestap_portal::start(0, Portal::new(config)).expect("start the portal");
    let client = Client::builder()
        .redirect(Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    TestPortal {
        running,
        clock,
        client,
    }
}

impl TestPortal {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.url())
    }

    /// The user's time.
    pub fn now(&self) -> u64 {
        self.clock.now_unix()
    }

    pub fn set_time(&self, unix: u64) {
        self.clock.0.store(unix, Ordering::SeqCst);
    }

    pub fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().expect("GET")
    }

    pub fn post(&self, path: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .send()
            .expect("POST")
    }

    pub fn post_raw(&self, path: &str, body: &'static str) -> Response {
        self.client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .expect("POST")
    }

    /// `POST /api/demo-user` → (email, password).
    pub fn demo_user(&self) -> (String, String) {
        let body = json_ok(self.post("/api/demo-user", json!({})));
        (
            body["email"].as_str().unwrap().to_owned(),
            body["password"].as_str().unwrap().to_owned(),
        )
    }

    /// `POST /api/2fa/enable` → its JSON.
    pub fn enable(&self, email: &str, password: &str) -> Value {
        json_ok(self.post(
            "/api/2fa/enable",
            json!({ "email": email, "password": password }),
        ))
    }

    /// The account in the enrollment QR code at `qr_url`, as a scanner reads it.
    pub fn scan(&self, qr_url: &str) -> (String, Account) {
        let response = self.client.get(qr_url).send().unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "image/png");
        let png = response.bytes().unwrap();
        let texts = tweestap_core::qr::decode_bytes(&png).expect("a readable QR code");
        assert_eq!(texts.len(), 1);
        let account = parse_otpauth(&texts[0]).expect("an otpauth link");
        (texts[0].clone(), account)
    }

    pub fn confirm(&self, token: &str, code: &str) -> Response {
        self.post("/api/2fa/confirm", json!({ "token": token, "code": code }))
    }

    pub fn login(&self, email: &str, password: &str, code: Option<&str>) -> Response {
        self.post(
            "/api/login",
            json!({ "email": email, "password": password, "code": code }),
        )
    }

    /// The row of `email` in `GET /api/helpdesk/users`.
    pub fn helpdesk_user(&self, email: &str) -> Value {
        let users = json_ok(self.get("/api/helpdesk/users"));
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .unwrap_or_else(|| panic!("{email} not in {users}"))
            .clone()
    }

    /// A user enrolled with 2FA on: (email, password, account), confirmed at the user's
    /// current time.
    pub fn enrolled_user(&self) -> (String, String, Account) {
        let (email, password) = self.demo_user();
        let enrollment = self.enable(&email, &password);
        let (_, account) = self.scan(enrollment["qr_url"].as_str().unwrap());
        let code = code_at(&account, self.now());
        json_ok(self.confirm(enrollment["token"].as_str().unwrap(), &code));
        (email, password, account)
    }
}

pub fn code_at(account: &Account, unix: u64) -> String {
    otp::generate(account, unix).code
}

/// Asserts 200 and returns the JSON body.
pub fn json_ok(response: Response) -> Value {
    let status = response.status();
    let text = response.text().unwrap();
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Asserts `status` and the error kind, and returns the JSON body.
pub fn json_error(response: Response, status: u16, kind: &str) -> Value {
    let actual = response.status();
    let text = response.text().unwrap();
    assert_eq!(actual.as_u16(), status, "{text}");
    let body: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    assert_eq!(body["error"], kind, "{text}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{text}"
    );
    assert!(
        body["message_nl"].as_str().is_some_and(|m| !m.is_empty()),
        "{text}"
    );
    body
}

pub fn user_json(email: &str, password: &str) -> Value {
    json!({ "email": email, "password": password })
}
