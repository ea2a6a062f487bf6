//! Turning two-factor login on and the helpdesk's reset: a new key, the setup mail and its
//! link, the first code that confirms it, and what the QR page shows.

use tweestap_core::otp;
use tweestap_core::{Account, Secret};

use super::{
    Enrollment, Expected, ISSUER, Link, LinkState, MAIL_SUBJECT, Mail, MailReason, SECRET_BYTES,
    Store, TwoFactor, check_code, random_bytes, random_token, user_key,
};
use crate::problem::{PortalError, Problem};

impl Store {
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

    pub(super) fn new_enrollment(&mut self, key: &str, reason: MailReason) -> Enrollment {
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
}
