//! How a portal is set up.

use std::sync::Arc;

use tweestap_core::otp::{Clock, SystemClock};

/// The account that exists from the start (shown on the login page).
pub const DEMO_EMAIL: &str = "demo@example.nl";
pub const DEMO_PASSWORD: &str = "oefenen";
/// An enrollment link is valid this long (the real portal: 5 days).
pub const LINK_VALID_S: u64 = 5 * 24 * 3600;

/// Whether a login needs 2FA. The helpdesk switches it on the helpdesk page
/// (`/api/helpdesk/policy`); `Config::policy` is where a portal starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Policy {
    /// The BLk portal since 1-1-2022: nobody logs in without a confirmed 2FA key. A user
    /// without one (new, or reset by the helpdesk) is sent to the setup mail.
    #[default]
    Mandatory,
    /// The BLk portal from March 2021 to 2022: 2FA is a choice, so the password alone is
    /// enough until a key is confirmed (also right after a reset). For demonstrations.
    Optional,
}

impl Policy {
    /// `mandatory` or `optional`: the API's value (a contract).
    pub fn kind(self) -> &'static str {
        match self {
            Policy::Mandatory => "mandatory",
            Policy::Optional => "optional",
        }
    }

    /// `mandatory`/`optional` (any case, spaces around ignored); anything else is `None`.
    pub fn parse(text: &str) -> Option<Policy> {
        match text.trim().to_ascii_lowercase().as_str() {
            "mandatory" => Some(Policy::Mandatory),
            "optional" => Some(Policy::Optional),
            _ => None,
        }
    }
}

/// Portal settings. `Config::default()` is what `tweestap practice-portal` serves.
#[derive(Clone)]
pub struct Config {
    /// The base clock; the helpdesk's offset is added to it. Tests may pass their own.
    pub clock: Arc<dyn Clock + Send + Sync>,
    /// How long an enrollment link is valid, in seconds.
    pub link_valid_s: u64,
    /// An account created at start, `(email, password)`.
    pub demo_account: Option<(String, String)>,
    /// Whether logins need 2FA at the start (the helpdesk can switch it).
    pub policy: Policy,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock::default()),
            link_valid_s: LINK_VALID_S,
            demo_account: Some((DEMO_EMAIL.to_owned(), DEMO_PASSWORD.to_owned())),
            policy: Policy::default(),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("now", &self.clock.now_unix())
            .field("link_valid_s", &self.link_valid_s)
            .field("demo_account", &self.demo_account.as_ref().map(|(e, _)| e))
            .field("policy", &self.policy)
            .finish()
    }
}
