//! The portal's memory and rules: users, enrollment links and their mails, web sessions and
//! the portal clock. Everything is in memory and lost when the portal stops.
//!
//! OTP arithmetic is `tweestap-core`'s (`otp::generate`, `otp::verify`, `format_otpauth`);
//! what lives here is what a *server* adds: which key a user has, the 5-day link, refusing a
//! code that was already used, and explaining why a code failed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tweestap_core::account::DEFAULT_PERIOD;
use tweestap_core::otp::{Clock, CodeInfo};
use tweestap_core::{Account, base32, format_otpauth};

mod codes;
mod enrollment;

pub use codes::check_code;
use codes::{is_retired_code, typed_code};

use crate::config::{Config, Policy};
use crate::problem::{Hint, PortalError, Problem};

/// The issuer in every enrollment link (`otpauth://totp/BLk:<email>?…&issuer=BLk`).
pub const ISSUER: &str = "BLk";
/// Seconds per code.
pub const PERIOD: u64 = DEFAULT_PERIOD as u64;
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
        format_otpauth(&self.account).as_str().to_owned()
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

/// What a user needs to log in, under the portal's policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginNeeds {
    /// Password and a code of the confirmed key.
    Code,
    /// Nothing gets in until the key in the setup mail is confirmed (mandatory 2FA, no
    /// confirmed key); a code of that key confirms it and logs in.
    Setup,
    /// The password is enough (optional 2FA, no confirmed key); a code given is still checked.
    Password,
}

impl LoginNeeds {
    /// `code`, `setup_required` or `password`: the API's value (a contract).
    pub fn kind(self) -> &'static str {
        match self {
            LoginNeeds::Code => "code",
            LoginNeeds::Setup => "setup_required",
            LoginNeeds::Password => "password",
        }
    }
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
    policy: Policy,
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
    tweestap_core::hex::encode(&random_bytes(16))
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
            policy: config.policy,
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

    /// Sets the offset. Beyond ±[`MAX_OFFSET_S`] it is refused (`invalid_request`) and the
    /// clock stays as it was: a typing slip must not move the portal centuries silently.
    pub fn set_offset(&mut self, offset_s: i64) -> Result<(), PortalError> {
        if !(-MAX_OFFSET_S..=MAX_OFFSET_S).contains(&offset_s) {
            return Err(PortalError::with(
                Problem::InvalidRequest,
                Hint::Detail(format!(
                    "the clock offset {offset_s} s is out of range: use -{MAX_OFFSET_S} to {MAX_OFFSET_S} s (about 100 years either way)"
                )),
            ));
        }
        self.offset_s = offset_s;
        Ok(())
    }

    /// Moves the portal clock by `seconds` (fast-forward when positive), within the same
    /// bounds as [`Store::set_offset`].
    pub fn advance(&mut self, seconds: i64) -> Result<(), PortalError> {
        self.set_offset(self.offset_s.saturating_add(seconds))
    }

    // --- the 2FA policy ----------------------------------------------------------------

    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// The helpdesk's switch between mandatory 2FA (BLk since 2022) and optional 2FA.
    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
    }

    /// What `user` needs to log in now.
    pub fn login_needs(&self, user: &User) -> LoginNeeds {
        match (&user.two_factor, self.policy) {
            (TwoFactor::On { .. }, _) => LoginNeeds::Code,
            (_, Policy::Mandatory) => LoginNeeds::Setup,
            (_, Policy::Optional) => LoginNeeds::Password,
        }
    }

    /// Whether the helpdesk reset `user`'s 2FA and the new key is not confirmed yet.
    pub fn was_reset(&self, user: &User) -> bool {
        matches!(user.two_factor, TwoFactor::Pending { .. })
            && self
                .mails_for(&user.email)
                .first()
                .is_some_and(|mail| mail.reason == MailReason::Reset)
    }

    /// The `setup_required` refusal for `user`, with why: the link expired (only the helpdesk
    /// can send a new one) or the helpdesk reset the key.
    pub fn setup_required(&self, user: &User) -> PortalError {
        let expired = match &user.two_factor {
            TwoFactor::Pending { token } => self.open_link(token).is_err(),
            _ => false,
        };
        if expired {
            PortalError::with(Problem::SetupRequired, Hint::LinkExpired)
        } else if self.was_reset(user) {
            PortalError::with(Problem::SetupRequired, Hint::Reset)
        } else {
            Problem::SetupRequired.into()
        }
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

    /// Checks the password.
    pub fn check_password(&self, email: &str, password: &str) -> Result<(), PortalError> {
        let user = self.user(email)?;
        if user.password != password {
            return Err(Problem::WrongPassword.into());
        }
        Ok(())
    }

    /// The first step of a login: the password, and what the login needs next. Under
    /// mandatory 2FA a user who never set 2FA up gets the setup mail now, as "2FA inschakelen"
    /// would send it (the password was just given); a pending mail is not sent again, and an
    /// expired link stays expired (the helpdesk sends a new one, as at the real portal).
    pub fn start_login(&mut self, email: &str, password: &str) -> Result<LoginNeeds, PortalError> {
        self.check_password(email, password)?;
        let user = self.user(email)?;
        let needs = self.login_needs(user);
        if needs == LoginNeeds::Setup && matches!(user.two_factor, TwoFactor::Off) {
            self.new_enrollment(&user_key(email), MailReason::Enable);
        }
        Ok(needs)
    }

    /// Checks the code of a login whose password was right, and uses it up. `Ok(true)` when
    /// 2FA is on afterwards. A code is never ignored: with 2FA on it must be the key's next
    /// code; with a pending mail a code of the mail's key confirms it (as the QR page does)
    /// and logs in, a retired key's code gets the old-key explanation, and no code at all is
    /// `setup_required` under mandatory 2FA; without any key a code is `not_enabled`.
    pub fn check_login_code(&mut self, email: &str, code: &str) -> Result<bool, PortalError> {
        let now = self.now();
        let empty = code.trim().is_empty();
        let user = self.user(email)?;
        let needs = self.login_needs(user);
        match &user.two_factor {
            TwoFactor::On { .. } if empty => Err(Problem::CodeRequired.into()),
            TwoFactor::On { account, last_step } => {
                let step = check_code(account, *last_step, &user.retired, code, now)?;
                if let TwoFactor::On { last_step, .. } = &mut self.user_mut(email)?.two_factor {
                    *last_step = Some(step);
                }
                Ok(true)
            }
            _ if empty && needs == LoginNeeds::Password => Ok(false),
            _ if empty => Err(self.setup_required(user)),
            TwoFactor::Pending { token } if self.open_link(token).is_ok() => {
                let token = token.clone();
                self.confirm(&token, code)?;
                Ok(true)
            }
            TwoFactor::Pending { .. } => {
                // No key to confirm: still say when the code is an old key's.
                if is_retired_code(&user.retired, &typed_code(code), now) {
                    Err(PortalError::with(Problem::InvalidCode, Hint::OldKey))
                } else {
                    Err(self.setup_required(user))
                }
            }
            TwoFactor::Off if needs == LoginNeeds::Setup => Err(self.setup_required(user)),
            TwoFactor::Off => Err(Problem::NotEnabled.into()),
        }
    }

    /// A whole login: password, and the code the policy asks for. `Ok(two_factor_on)`.
    pub fn login(
        &mut self,
        email: &str,
        password: &str,
        code: Option<&str>,
    ) -> Result<bool, PortalError> {
        self.start_login(email, password)?;
        self.check_login_code(email, code.unwrap_or(""))
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

#[cfg(test)]
mod tests;
