//! How a portal is set up.

use std::sync::Arc;

use tweestap_core::otp::{Clock, SystemClock};

/// The account that exists from the start (shown on the login page).
pub const DEMO_EMAIL: &str = "demo@example.nl";
pub const DEMO_PASSWORD: &str = "oefenen";
/// An enrollment link is valid this long (the real portal: 5 days).
pub const LINK_VALID_S: u64 = 5 * 24 * 3600;

/// Portal settings. `Config::default()` is what `tweestap practice-portal` serves.
#[derive(Clone)]
pub struct Config {
    /// The base clock; the helpdesk's offset is added to it. Tests may pass their own.
    pub clock: Arc<dyn Clock + Send + Sync>,
    /// How long an enrollment link is valid, in seconds.
    pub link_valid_s: u64,
    /// An account created at start, `(email, password)`.
    pub demo_account: Option<(String, String)>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock::default()),
            link_valid_s: LINK_VALID_S,
            demo_account: Some((DEMO_EMAIL.to_owned(), DEMO_PASSWORD.to_owned())),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("now", &self.clock.now_unix())
            .field("link_valid_s", &self.link_valid_s)
            .field("demo_account", &self.demo_account.as_ref().map(|(e, _)| e))
            .finish()
    }
}
