//! The portal's memory and rules: users, enrollment links and their mails, web sessions and
//! the portal clock. Everything is in memory and lost when the portal stops.
//!
//! OTP arithmetic is `tweestap-core`'s (`otp::generate`, `otp::verify`, `format_otpauth`);
//! what lives here is what a *server* adds: which key a user has, the 5-day link, refusing a
//! code that was already used, and explaining why a code failed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tweestap_core::otp::{self, Clock, CodeInfo, MAX_VERIFY_WINDOW};
use tweestap_core::{Account, Secret, base32, format_otpauth};

use crate::config::Config;
use crate::problem::{Hint, PortalError, Problem};

/// The issuer in every enrollment link (`otpauth://totp/BLk:<email>?…&issuer=BLk`).
pub const ISSUER: &str = "BLk";
/// Seconds per code.
pub const PERIOD: u64 = 30;
/// Codes of this many steps before and after the current one are accepted.
pub const WINDOW: u32 = 1;
/// Key length in bytes (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// The subject of the enrollment mail, as the real portal sends it.
pub const MAIL_SUBJECT: &str =
    "Stichting Beter Leven keurmerk - Stel tweestapsauthenticatie (2FA) in";
/// Largest clock offset the helpdesk can set (about 100 years either way).
pub const MAX_OFFSET_S: i64 = 100 * 365 * 86_400;

/// Where a user stands with 2FA.
#[derive(Clone, Debug)]
pub enum TwoFactor {
    Off,
    /// A mail with a QR link was sent; 2FA is on once the link's code is confirmed.
    Pending {
        token: String,
    },
    /// 2FA is on: logins need a code of `account`. `last_step` is the time step of the last
    /// accepted code (no code of that step or earlier is accepted again).
    On {
        account: Account,
        last_step: Option<u64>,
    },
}

impl TwoFactor {
    /// `off`, `pending` or `on`.
    pub fn state(&self) -> &'static str {
        match self {
            TwoFactor::Off => "off",
            TwoFactor::Pending { .. } => "pending",
            TwoFactor::On { .. } => "on",
        }
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub email: String,
    pub name: String,
    password: String,
    pub two_factor: TwoFactor,
    /// Keys retired by a reset (or a newer mail), to recognise their codes and explain.
    retired: Vec<Account>,
}

/// What became of an enrollment link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    Open,
    Used,
    Replaced,
}

/// The link in an enrollment mail: a new key, waiting for its first code.
#[derive(Clone, Debug)]
pub struct Link {
    pub token: String,
    /// The user's key (lowercase e-mail address).
    pub user: String,
    pub account: Account,
    pub created_at: u64,
    pub expires_at: u64,
    pub state: LinkState,
}

impl Link {
    /// The `otpauth://` link the QR code holds.
    pub fn uri(&self) -> String {
        format_otpauth(&self.account)
    }

    /// The key in base32, in groups of four for typing.
    pub fn secret_text(&self) -> String {
        let plain = base32::encode(self.account.secret.expose());
        let plain = plain.trim_end_matches('=');
        plain
            .as_bytes()
            .chunks(4)
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Why a mail was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailReason {
    Enable,
    Reset,
}

/// A mail in the practice inbox.
#[derive(Clone, Debug)]
pub struct Mail {
    pub id: u64,
    /// The recipient's key (lowercase e-mail address).
    pub to: String,
    pub subject: &'static str,
    pub sent_at: u64,
    pub token: String,
    pub reason: MailReason,
}

/// A new enrollment: what enable and reset return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrollment {
    pub token: String,
    pub expires_at: u64,
    pub mail_id: u64,
}

/// The code the portal expects from a user right now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    pub email: String,
    /// `pending` (the key in the newest mail) or `on`.
    pub state: &'static str,
    pub info: CodeInfo,
    pub now: u64,
}

/// How far a web login got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Password right, code still needed.
    NeedsCode,
    LoggedIn,
}

#[derive(Clone, Debug)]
pub struct Session {
    /// The user's key (lowercase e-mail address).
    pub user: String,
    pub stage: Stage,
}

/// The whole portal state.
pub struct Store {
    clock: Arc<dyn Clock + Send + Sync>,
    offset_s: i64,
    link_valid_s: u64,
    users: BTreeMap<String, User>,
    links: HashMap<String, Link>,
    mails: Vec<Mail>,
    sessions: HashMap<String, Session>,
    demo_count: u64,
}

/// Lookup key of an e-mail address.
pub fn user_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// `n` random bytes from the operating system.
fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    bytes
}

/// A random token of 32 hex digits (128 bits).
pub fn random_token() -> String {
    random_bytes(16)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    pub fn new(config: &Config) -> Self {
        let mut store = Self {
            clock: config.clock.clone(),
            offset_s: 0,
            link_valid_s: config.link_valid_s,
            users: BTreeMap::new(),
            links: HashMap::new(),
            mails: Vec::new(),
            sessions: HashMap::new(),
            demo_count: 0,
        };
        if let Some((email, password)) = &config.demo_account {
            store.add_user(email, password, "Demo Gebruiker");
        }
        store
    }

    // --- the portal clock --------------------------------------------------------------

    /// The portal's time: the base clock plus the helpdesk's offset.
    pub fn now(&self) -> u64 {
        self.clock.now_unix().saturating_add_signed(self.offset_s)
    }

    pub fn offset_s(&self) -> i64 {
        self.offset_s
    }

    /// Sets the offset (clamped to ±[`MAX_OFFSET_S`]).
    pub fn set_offset(&mut self, offset_s: i64) {
        self.offset_s = offset_s.clamp(-MAX_OFFSET_S, MAX_OFFSET_S);
    }

    /// Moves the portal clock by `seconds` (fast-forward when positive).
    pub fn advance(&mut self, seconds: i64) {
        self.set_offset(self.offset_s.saturating_add(seconds));
    }

    // --- users -------------------------------------------------------------------------

    pub fn add_user(&mut self, email: &str, password: &str, name: &str) {
        self.users.insert(
            user_key(email),
            User {
                email: email.trim().to_owned(),
                name: name.to_owned(),
                password: password.to_owned(),
                two_factor: TwoFactor::Off,
                retired: Vec::new(),
            },
        );
    }

    /// A fresh practice account: `(email, password)`.
    pub fn create_demo_user(&mut self) -> (String, String) {
        loop {
            self.demo_count += 1;
            let email = format!("oefen{}@example.nl", self.demo_count);
            if self.users.contains_key(&email) {
                continue;
            }
            let password = format!("oefen-{}", &random_token()[..8]);
            let name = format!("Oefenaccount {}", self.demo_count);
            self.add_user(&email, &password, &name);
            return (email, password);
        }
    }

    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.values()
    }

    pub fn user(&self, email: &str) -> Result<&User, PortalError> {
        self.users
            .get(&user_key(email))
            .ok_or_else(|| Problem::UnknownUser.into())
    }

    fn user_mut(&mut self, email: &str) -> Result<&mut User, PortalError> {
        self.users
            .get_mut(&user_key(email))
            .ok_or_else(|| Problem::UnknownUser.into())
    }

    /// Checks the password; `Ok(true)` when the login still needs a code.
    pub fn check_password(&self, email: &str, password: &str) -> Result<bool, PortalError> {
        let user = self.user(email)?;
        if user.password != password {
            return Err(Problem::WrongPassword.into());
        }
        Ok(matches!(user.two_factor, TwoFactor::On { .. }))
    }

    /// Checks the code of a login whose password was right, and uses it up.
    pub fn check_login_code(&mut self, email: &str, code: &str) -> Result<(), PortalError> {
        let now = self.now();
        let user = self.user_mut(email)?;
        let TwoFactor::On { account, last_step } = &user.two_factor else {
            return Ok(());
        };
        if code.trim().is_empty() {
            return Err(Problem::CodeRequired.into());
        }
        let step = check_code(account, *last_step, &user.retired, code, now)?;
        if let TwoFactor::On { last_step, .. } = &mut user.two_factor {
            *last_step = Some(step);
        }
        Ok(())
    }

    /// A whole login: password, and the code when 2FA is on. `Ok(two_factor_on)`.
    pub fn login(
        &mut self,
        email: &str,
        password: &str,
        code: Option<&str>,
    ) -> Result<bool, PortalError> {
        let needs_code = self.check_password(email, password)?;
        if needs_code {
            self.check_login_code(email, code.unwrap_or(""))?;
        }
        Ok(needs_code)
    }

    // --- enrollment --------------------------------------------------------------------

    /// "2FA inschakelen" with the password confirmed: a new key and a mail with its link.
    /// While a mail is pending, a new one replaces it.
    pub fn enable(&mut self, email: &str, password: &str) -> Result<Enrollment, PortalError> {
        self.check_password(email, password)?;
        if matches!(self.user(email)?.two_factor, TwoFactor::On { .. }) {
            return Err(Problem::AlreadyEnabled.into());
        }
        Ok(self.new_enrollment(&user_key(email), MailReason::Enable))
    }

    /// The helpdesk's reset: whatever the state, the old key stops working and a new mail
    /// with a new key is sent.
    pub fn reset(&mut self, email: &str) -> Result<Enrollment, PortalError> {
        self.user(email)?;
        Ok(self.new_enrollment(&user_key(email), MailReason::Reset))
    }

    fn new_enrollment(&mut self, key: &str, reason: MailReason) -> Enrollment {
        let now = self.now();
        let user = self.users.get_mut(key).expect("checked by the caller");
        // Retire the current key or the pending link.
        match std::mem::replace(&mut user.two_factor, TwoFactor::Off) {
            TwoFactor::Off => {}
            TwoFactor::On { account, .. } => user.retired.push(account),
            TwoFactor::Pending { token } => {
                if let Some(link) = self.links.get_mut(&token) {
                    link.state = LinkState::Replaced;
                    user.retired.push(link.account.clone());
                }
            }
        }
        let account = Account::totp(
            ISSUER,
            user.email.clone(),
            Secret::new(random_bytes(SECRET_BYTES)),
        );
        let token = random_token();
        user.two_factor = TwoFactor::Pending {
            token: token.clone(),
        };
        let expires_at = now.saturating_add(self.link_valid_s);
        self.links.insert(
            token.clone(),
            Link {
                token: token.clone(),
                user: key.to_owned(),
                account,
                created_at: now,
                expires_at,
                state: LinkState::Open,
            },
        );
        let mail_id = self.mails.len() as u64 + 1;
        self.mails.push(Mail {
            id: mail_id,
            to: key.to_owned(),
            subject: MAIL_SUBJECT,
            sent_at: now,
            token: token.clone(),
            reason,
        });
        Enrollment {
            token,
            expires_at,
            mail_id,
        }
    }

    /// The link behind `token`, whatever its state (for pages that explain the state).
    pub fn find_link(&self, token: &str) -> Result<&Link, PortalError> {
        self.links
            .get(token)
            .ok_or_else(|| Problem::UnknownLink.into())
    }

    /// The link behind `token` if it can still be used: not replaced, not used, not expired.
    pub fn open_link(&self, token: &str) -> Result<&Link, PortalError> {
        let link = self.find_link(token)?;
        match link.state {
            LinkState::Used => Err(Problem::LinkUsed.into()),
            LinkState::Replaced => Err(Problem::LinkReplaced.into()),
            LinkState::Open if self.now() >= link.expires_at => Err(Problem::ExpiredLink.into()),
            LinkState::Open => Ok(link),
        }
    }

    /// The code typed on the QR page: when it is right, 2FA is on with the link's key.
    pub fn confirm(&mut self, token: &str, code: &str) -> Result<(), PortalError> {
        let now = self.now();
        let link = self.open_link(token)?;
        let user = self.users.get(&link.user).expect("links belong to users");
        if code.trim().is_empty() {
            return Err(Problem::CodeRequired.into());
        }
        let step = check_code(&link.account, None, &user.retired, code, now)?;
        let account = link.account.clone();
        let key = link.user.clone();
        if let Some(link) = self.links.get_mut(token) {
            link.state = LinkState::Used;
        }
        if let Some(user) = self.users.get_mut(&key) {
            user.two_factor = TwoFactor::On {
                account,
                last_step: Some(step),
            };
        }
        Ok(())
    }

    /// What the portal expects from `email` now (helpdesk and testers).
    pub fn expected(&self, email: &str) -> Result<Expected, PortalError> {
        let now = self.now();
        let user = self.user(email)?;
        let (state, account) = match &user.two_factor {
            TwoFactor::Off => return Err(Problem::NotEnabled.into()),
            TwoFactor::Pending { token } => ("pending", &self.find_link(token)?.account),
            TwoFactor::On { account, .. } => ("on", account),
        };
        Ok(Expected {
            email: user.email.clone(),
            state,
            info: otp::generate(account, now),
            now,
        })
    }

    // --- mail --------------------------------------------------------------------------

    /// The mails sent to `email`, newest first.
    pub fn mails_for(&self, email: &str) -> Vec<&Mail> {
        let key = user_key(email);
        self.mails.iter().rev().filter(|m| m.to == key).collect()
    }

    pub fn mail(&self, id: u64) -> Option<&Mail> {
        self.mails.iter().find(|m| m.id == id)
    }

    // --- web sessions ------------------------------------------------------------------

    pub fn new_session(&mut self, email: &str, stage: Stage) -> String {
        let id = random_token();
        self.sessions.insert(
            id.clone(),
            Session {
                user: user_key(email),
                stage,
            },
        );
        id
    }

    pub fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.get(id)
    }

    pub fn set_stage(&mut self, id: &str, stage: Stage) {
        if let Some(session) = self.sessions.get_mut(id) {
            session.stage = stage;
        }
    }

    pub fn end_session(&mut self, id: &str) {
        self.sessions.remove(id);
    }
}

/// Checks a typed code against `account` at portal time `now` and returns its time step, or
/// explains the failure: not six digits; already used (its step is at or before
/// `last_step`); a retired key's code; a code that fits a clock some minutes or hours off;
/// or simply wrong.
pub fn check_code(
    account: &Account,
    last_step: Option<u64>,
    retired: &[Account],
    code: &str,
    now: u64,
) -> Result<u64, PortalError> {
    let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != usize::from(account.digits) || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PortalError::with(Problem::InvalidCode, Hint::Format));
    }
    let current = now / PERIOD;
    if let Some(offset) = otp::verify(account, &typed, now, WINDOW) {
        let step = current.saturating_add_signed(offset);
        if last_step.is_some_and(|last| step <= last) {
            let retry_in_s = PERIOD - now % PERIOD;
            return Err(PortalError::with(
                Problem::CodeReused,
                Hint::Wait { retry_in_s },
            ));
        }
        return Ok(step);
    }
    if retired
        .iter()
        .any(|old| otp::verify(old, &typed, now, WINDOW).is_some())
    {
        return Err(PortalError::with(Problem::InvalidCode, Hint::OldKey));
    }
    if let Some(offset) = otp::verify(account, &typed, now, MAX_VERIFY_WINDOW) {
        let off_s = offset.saturating_mul(PERIOD as i64);
        return Err(PortalError::with(
            Problem::InvalidCode,
            Hint::Clock { off_s },
        ));
    }
    Err(Problem::InvalidCode.into())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    /// A clock the test moves.
    #[derive(Default)]
    struct TestClock(AtomicU64);

    impl Clock for TestClock {
        fn now_unix(&self) -> u64 {
            self.0.load(Ordering::SeqCst)
        }
    }

    const T0: u64 = 1_700_000_020; // 10 s into a 30 s step

    fn store() -> (Store, Arc<TestClock>) {
        let clock = Arc::new(TestClock(AtomicU64::new(T0)));
        let config = Config {
            clock: clock.clone(),
            ..Config::default()
        };
        (Store::new(&config), clock)
    }

    fn code_at(account: &Account, t: u64) -> String {
        otp::generate(account, t).code
    }

    fn err(result: Result<impl std::fmt::Debug, PortalError>) -> (&'static str, Option<Hint>) {
        let e = result.unwrap_err();
        (e.kind(), e.hint)
    }

    #[test]
    fn journey_enable_confirm_login() {
        let (mut store, _) = store();
        let (email, password) = store.create_demo_user();
        assert_eq!(err(store.enable(&email, "nope")).0, "wrong_password");
        let enrollment = store.enable(&email, &password).unwrap();
        assert_eq!(enrollment.expires_at, T0 + 5 * 86_400);
        let link = store.open_link(&enrollment.token).unwrap().clone();
        assert!(
            link.uri()
                .starts_with(&format!("otpauth://totp/BLk:{email}?secret="))
        );
        assert!(link.uri().contains("&issuer=BLk"));
        assert_eq!(store.mails_for(&email).len(), 1);
        // Pending 2FA is not yet asked at login.
        assert_eq!(store.login(&email, &password, None), Ok(false));

        let code = code_at(&link.account, T0);
        store.confirm(&enrollment.token, &code).unwrap();
        assert_eq!(err(store.confirm(&enrollment.token, &code)).0, "link_used");
        assert_eq!(err(store.enable(&email, &password)).0, "already_enabled");

        // Every later login asks for the code; the confirmation code cannot be reused.
        assert_eq!(err(store.login(&email, &password, None)).0, "code_required");
        let (kind, hint) = err(store.login(&email, &password, Some(&code)));
        assert_eq!(kind, "code_reused");
        assert_eq!(hint, Some(Hint::Wait { retry_in_s: 20 }));
        let next = code_at(&link.account, T0 + 30);
        assert_eq!(store.login(&email, &password, Some(&next)), Ok(true));
        assert_eq!(
            err(store.login(&email, &password, Some(&next))).0,
            "code_reused"
        );
    }

    #[test]
    fn window_and_clock_hints() {
        let (mut store, clock) = store();
        let (email, password) = store.create_demo_user();
        let token = store.enable(&email, &password).unwrap().token;
        let account = store.open_link(&token).unwrap().account.clone();
        // Two minutes behind: the user's app shows the code of T0 - 120.
        let (kind, hint) = err(store.confirm(&token, &code_at(&account, T0 - 120)));
        assert_eq!(
            (kind, hint),
            ("invalid_code", Some(Hint::Clock { off_s: -120 }))
        );
        let (_, hint) = err(store.confirm(&token, "12345"));
        assert_eq!(hint, Some(Hint::Format));
        // One step either way is accepted.
        store.confirm(&token, &code_at(&account, T0 + 30)).unwrap();
        let (kind, _) = err(store.login(&email, &password, Some(&code_at(&account, T0))));
        assert_eq!(
            kind, "code_reused",
            "a step before the last used one is refused"
        );
        clock.0.store(T0 + 60, Ordering::SeqCst);
        assert_eq!(
            store.login(&email, &password, Some(&code_at(&account, T0 + 90))),
            Ok(true)
        );
    }

    #[test]
    fn links_expire_after_five_days_and_reset_retires_the_old_key() {
        let (mut store, _) = store();
        let (email, password) = store.create_demo_user();
        let first = store.enable(&email, &password).unwrap().token;
        let old = store.open_link(&first).unwrap().account.clone();
        store.confirm(&first, &code_at(&old, T0)).unwrap();

        let second = store.reset(&email).unwrap().token;
        assert_eq!(store.mails_for(&email).len(), 2);
        assert_eq!(store.mails_for(&email)[0].reason, MailReason::Reset);
        // The old key's codes are recognised and explained, not accepted.
        let (kind, hint) = err(store.confirm(&second, &code_at(&old, T0 + 30)));
        assert_eq!((kind, hint), ("invalid_code", Some(Hint::OldKey)));
        // Fast-forward past 5 days: the new link has expired.
        store.advance(5 * 86_400);
        assert_eq!(err(store.open_link(&second)).0, "expired_link");
        // The helpdesk sends another; the previous one is replaced, not merely expired.
        let third = store.reset(&email).unwrap().token;
        assert_eq!(err(store.open_link(&second)).0, "link_replaced");
        let new = store.open_link(&third).unwrap().account.clone();
        let now = store.now();
        store.confirm(&third, &code_at(&new, now)).unwrap();
        let (kind, hint) = err(store.login(&email, &password, Some(&code_at(&old, now + 30))));
        assert_eq!((kind, hint), ("invalid_code", Some(Hint::OldKey)));
        assert_eq!(err(store.find_link("nope")).0, "unknown_link");
        assert_eq!(err(store.reset("nobody@example.nl")).0, "unknown_user");
    }

    #[test]
    fn expected_code_follows_the_portal_clock() {
        let (mut store, _) = store();
        let (email, password) = store.create_demo_user();
        assert_eq!(err(store.expected(&email)).0, "not_enabled");
        let token = store.enable(&email, &password).unwrap().token;
        let account = store.open_link(&token).unwrap().account.clone();
        let expected = store.expected(&email.to_uppercase()).unwrap();
        assert_eq!(expected.state, "pending");
        assert_eq!(expected.info.code, code_at(&account, T0));
        store.set_offset(-120);
        assert_eq!(
            store.expected(&email).unwrap().info.code,
            code_at(&account, T0 - 120)
        );
        store.set_offset(i64::MAX);
        assert_eq!(store.offset_s(), MAX_OFFSET_S);
    }

    #[test]
    fn secret_text_groups_of_four() {
        let link = Link {
            token: String::new(),
            user: String::new(),
            account: Account::totp(ISSUER, "a", Secret::new(b"12345678901234567890".to_vec())),
            created_at: 0,
            expires_at: 0,
            state: LinkState::Open,
        };
        assert_eq!(
            link.secret_text(),
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
    }
}
