use std::sync::Mutex;

use tweestap_core::Account;
use tweestap_core::otp::SystemClock;

/// Accounts the user added in this session, with a session-unique id each.
/// (Persistence arrives with the vault; until then accounts live in memory.)
pub struct AppState {
    pub accounts: Mutex<Vec<(u64, Account)>>,
    pub next_id: Mutex<u64>,
    /// The one place time enters the app; a clock-skew correction is its offset.
    pub clock: SystemClock,
}

impl AppState {
    pub fn new() -> Self {
        Self {
            accounts: Mutex::new(Vec::new()),
            next_id: Mutex::new(1),
            clock: SystemClock::default(),
        }
    }
}
