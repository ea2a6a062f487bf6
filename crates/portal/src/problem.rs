//! Everything that can go wrong in the portal, with a stable kind (the API's `"error"` value)
//! and a helpful explanation in Dutch and English.

use std::fmt;

use serde::Serialize;

use crate::lang::Lang;

/// What went wrong. [`Problem::kind`] strings are the API contract: never rename one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    UnknownUser,
    WrongPassword,
    /// 2FA is already on: the helpdesk resets it.
    AlreadyEnabled,
    /// The user has no 2FA key (expected code asked for a user without 2FA).
    NotEnabled,
    UnknownLink,
    ExpiredLink,
    /// A newer mail (a new enable or a helpdesk reset) replaced this link.
    LinkReplaced,
    /// 2FA was already set up with this link.
    LinkUsed,
    InvalidCode,
    CodeReused,
    CodeRequired,
    /// 2FA is mandatory and this user has no confirmed key (new, or reset by the helpdesk):
    /// no login until the key in the setup mail is confirmed.
    SetupRequired,
    MalformedJson,
    InvalidRequest,
    NotFound,
    MethodNotAllowed,
    /// A request whose `Host` is not this computer (DNS rebinding protection).
    BadHost,
}

impl Problem {
    pub fn kind(self) -> &'static str {
        match self {
            Problem::UnknownUser => "unknown_user",
            Problem::WrongPassword => "wrong_password",
            Problem::AlreadyEnabled => "already_enabled",
            Problem::NotEnabled => "not_enabled",
            Problem::UnknownLink => "unknown_link",
            Problem::ExpiredLink => "expired_link",
            Problem::LinkReplaced => "link_replaced",
            Problem::LinkUsed => "link_used",
            Problem::InvalidCode => "invalid_code",
            Problem::CodeReused => "code_reused",
            Problem::CodeRequired => "code_required",
            Problem::SetupRequired => "setup_required",
            Problem::MalformedJson => "malformed_json",
            Problem::InvalidRequest => "invalid_request",
            Problem::NotFound => "not_found",
            Problem::MethodNotAllowed => "method_not_allowed",
            Problem::BadHost => "bad_host",
        }
    }
}

/// Extra help attached to a problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hint {
    /// The code is not six digits.
    Format,
    /// The code is right for a time `off_s` seconds from the portal's clock (positive: the
    /// user's clock runs ahead).
    Clock { off_s: i64 },
    /// The code belongs to a key that a 2FA reset retired.
    OldKey,
    /// The next code appears in `retry_in_s` seconds.
    Wait { retry_in_s: u64 },
    /// With `setup_required`: the helpdesk reset 2FA, so the newest mail holds a new key.
    Reset,
    /// With `setup_required`: the link in the newest mail has expired; only the helpdesk can
    /// send a new one.
    LinkExpired,
    /// Technical detail (a JSON parser's message).
    Detail(String),
}

impl Hint {
    /// The API's `"hint"` value.
    pub fn kind(&self) -> &'static str {
        match self {
            Hint::Format => "format",
            Hint::Clock { .. } => "clock",
            Hint::OldKey => "old_key",
            Hint::Wait { .. } => "wait",
            Hint::Reset => "reset",
            Hint::LinkExpired => "link_expired",
            Hint::Detail(_) => "detail",
        }
    }
}

/// A problem and its hint, explainable in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalError {
    pub problem: Problem,
    pub hint: Option<Hint>,
}

impl From<Problem> for PortalError {
    fn from(problem: Problem) -> Self {
        Self {
            problem,
            hint: None,
        }
    }
}

impl PortalError {
    pub fn with(problem: Problem, hint: Hint) -> Self {
        Self {
            problem,
            hint: Some(hint),
        }
    }

    pub fn kind(&self) -> &'static str {
        self.problem.kind()
    }

    /// The explanation a person reads, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let base = base_message(self.problem, lang);
        match &self.hint {
            None => base.to_owned(),
            Some(hint) => match (self.problem, hint) {
                // The code-reuse and detail hints complete the base sentence.
                (Problem::CodeReused, Hint::Wait { retry_in_s }) => lang.pick(
                    format!("{base} De volgende code verschijnt over {retry_in_s} seconden."),
                    format!("{base} The next code appears in {retry_in_s} seconds."),
                ),
                (_, Hint::Detail(detail)) => format!("{base} ({detail})"),
                (_, hint) => format!("{base} {}", hint_message(hint, lang)),
            },
        }
    }

    /// The API's error body: `{"error","message","message_nl","hint"?,…}`.
    pub fn body(&self) -> ErrorBody {
        let (clock_off_s, retry_in_s) = match self.hint {
            Some(Hint::Clock { off_s }) => (Some(off_s), None),
            Some(Hint::Wait { retry_in_s }) => (None, Some(retry_in_s)),
            _ => (None, None),
        };
        ErrorBody {
            error: self.kind(),
            message: self.message(Lang::En),
            message_nl: self.message(Lang::Nl),
            hint: self.hint.as_ref().map(Hint::kind),
            clock_off_s,
            retry_in_s,
        }
    }
}

impl fmt::Display for PortalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for PortalError {}

/// The JSON body of every API error.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorBody {
    pub error: &'static str,
    /// English explanation.
    pub message: String,
    /// The same in Dutch.
    pub message_nl: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<&'static str>,
    /// With `"hint":"clock"`: how far the code's time is from the portal's clock, in seconds
    /// (positive: the user's clock runs ahead).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock_off_s: Option<i64>,
    /// With `"error":"code_reused"`: seconds until the next code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_s: Option<u64>,
}

fn base_message(problem: Problem, lang: Lang) -> &'static str {
    let (nl, en) = match problem {
        Problem::UnknownUser => (
            "Er is geen account met dit e-mailadres. Controleer het adres, of maak een oefenaccount aan.",
            "There is no account with this e-mail address. Check the address, or create a practice account.",
        ),
        Problem::WrongPassword => ("Het wachtwoord klopt niet.", "The password is not correct."),
        Problem::AlreadyEnabled => (
            "2FA staat al aan voor dit account. Moet het opnieuw ingesteld worden (bijvoorbeeld op een nieuwe computer)? Vraag de helpdesk om 2FA te resetten.",
            "2FA is already on for this account. To set it up again (on a new computer, say), ask the helpdesk to reset 2FA.",
        ),
        Problem::NotEnabled => (
            "Voor dit account is geen 2FA ingesteld, dus er is geen code om te controleren. Log in zonder code, of stel eerst 2FA in.",
            "This account has no 2FA set up, so there is no code to check. Log in without a code, or set up 2FA first.",
        ),
        Problem::UnknownLink => (
            "Deze link kennen we niet. Gebruik de link uit de nieuwste mail.",
            "This link is not known. Use the link in the newest mail.",
        ),
        Problem::ExpiredLink => (
            "Deze link is verlopen: om veiligheidsredenen is een link 5 dagen geldig. Neem contact op met de helpdesk; u krijgt dan een nieuwe mail.",
            "This link has expired: for safety a link is valid for 5 days. Contact the helpdesk to get a new mail.",
        ),
        Problem::LinkReplaced => (
            "Er is een nieuwere mail verstuurd, daarom werkt deze link niet meer. Gebruik de link uit de nieuwste mail.",
            "A newer mail has been sent, so this link no longer works. Use the link in the newest mail.",
        ),
        Problem::LinkUsed => (
            "2FA is met deze link al ingesteld. U kunt nu inloggen met een code.",
            "2FA has already been set up with this link. You can now log in with a code.",
        ),
        Problem::InvalidCode => ("De code klopt niet.", "The code is not correct."),
        Problem::CodeReused => (
            "Deze code is al gebruikt; een code werkt maar één keer. Wacht op de volgende code.",
            "This code has already been used; a code works only once. Wait for the next code.",
        ),
        Problem::CodeRequired => (
            "Vul de code van 6 cijfers in die Tweestap (of uw authenticator-app) nu toont.",
            "Enter the 6-digit code that Tweestap (or your authenticator app) shows now.",
        ),
        Problem::SetupRequired => (
            "2FA is verplicht: u kunt pas inloggen als de tweestapsverificatie is ingesteld. Open in de oefen-inbox de mail “Stichting Beter Leven keurmerk - Stel tweestapsauthenticatie (2FA) in”, scan de QR-code met Tweestap en vul de code in die Tweestap toont.",
            "2FA is mandatory: you can log in once two-step verification is set up. Open the mail “Stichting Beter Leven keurmerk - Stel tweestapsauthenticatie (2FA) in” in the practice inbox, scan the QR code with Tweestap and enter the code Tweestap shows.",
        ),
        Problem::MalformedJson => (
            "Het verzoek is geen geldige JSON.",
            "The request body is not valid JSON.",
        ),
        Problem::InvalidRequest => (
            "Het verzoek mist een veld of een veld heeft het verkeerde type.",
            "The request lacks a field, or a field has the wrong type.",
        ),
        Problem::NotFound => (
            "Deze pagina of dit adres bestaat niet.",
            "There is no such page or endpoint.",
        ),
        Problem::MethodNotAllowed => (
            "Deze methode (GET/POST) past niet bij dit adres.",
            "This method (GET/POST) is not allowed here.",
        ),
        Problem::BadHost => (
            "Het oefenportaal antwoordt alleen op 127.0.0.1 of localhost.",
            "The practice portal answers only on 127.0.0.1 or localhost.",
        ),
    };
    lang.pick(nl, en)
}

fn hint_message(hint: &Hint, lang: Lang) -> String {
    match hint {
        Hint::Format => lang
            .pick("Een code bestaat uit 6 cijfers.", "A code is 6 digits.")
            .to_owned(),
        Hint::Clock { off_s } => {
            let (amount_nl, amount_en) = amount(off_s.unsigned_abs());
            let (dir_nl, dir_en) = if *off_s > 0 {
                ("voor", "ahead of")
            } else {
                ("achter", "behind")
            };
            lang.pick(
                format!(
                    "Het lijkt erop dat de klok van uw computer ongeveer {amount_nl} {dir_nl} loopt: \
                     controleer of de klok van uw computer goed staat (zet 'tijd automatisch \
                     instellen' aan, en kijk of de tijdzone klopt)."
                ),
                format!(
                    "Your computer's clock seems to be about {amount_en} {dir_en} the right time: \
                     check that your computer's clock is right (turn on 'set time \
                     automatically', and check the time zone)."
                ),
            )
        }
        Hint::OldKey => lang
            .pick(
                "Deze code hoort bij uw oude 2FA-sleutel. Na een reset werkt de oude sleutel niet \
                 meer: scan de QR-code uit de nieuwste mail en vervang het oude BLk-account in \
                 Tweestap.",
                "This code belongs to your old 2FA key. After a reset the old key stops working: \
                 scan the QR code in the newest mail and replace the old BLk account in Tweestap.",
            )
            .to_owned(),
        Hint::Reset => lang
            .pick(
                "De helpdesk heeft uw 2FA gereset: de oude sleutel werkt niet meer. De nieuwste \
                 mail bevat de nieuwe QR-code; Tweestap vraagt dan of het oude BLk-account \
                 vervangen moet worden: kies vervangen.",
                "The helpdesk reset your 2FA: the old key no longer works. The newest mail holds \
                 the new QR code; Tweestap then asks whether to replace the old BLk account: \
                 choose replace.",
            )
            .to_owned(),
        Hint::LinkExpired => lang
            .pick(
                "De link in de mail is verlopen (een link is 5 dagen geldig). Neem contact op \
                 met de helpdesk; u krijgt dan een nieuwe mail.",
                "The link in the mail has expired (a link is valid for 5 days). Contact the \
                 helpdesk to get a new mail.",
            )
            .to_owned(),
        Hint::Wait { retry_in_s } => lang.pick(
            format!("Wacht op de volgende code (over {retry_in_s} seconden)."),
            format!("Wait for the next code (in {retry_in_s} seconds)."),
        ),
        Hint::Detail(detail) => detail.clone(),
    }
}

/// A duration in words, roughly: (Dutch, English).
fn amount(seconds: u64) -> (String, String) {
    if seconds < 120 {
        (format!("{seconds} seconden"), format!("{seconds} seconds"))
    } else if seconds < 2 * 3600 {
        let m = (seconds + 30) / 60;
        (format!("{m} minuten"), format!("{m} minutes"))
    } else {
        let h = (seconds + 1800) / 3600;
        (format!("{h} uur"), format!("{h} hours"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_hint_explains_in_both_languages() {
        let error = PortalError::with(Problem::InvalidCode, Hint::Clock { off_s: -120 });
        let nl = error.message(Lang::Nl);
        assert!(nl.starts_with("De code klopt niet."), "{nl}");
        assert!(nl.contains("ongeveer 2 minuten achter"), "{nl}");
        assert!(nl.contains("controleer of de klok van uw computer goed staat"));
        let en = error.message(Lang::En);
        assert!(en.contains("about 2 minutes behind"), "{en}");
        assert!(en.contains("check that your computer's clock is right"));
        let body = error.body();
        assert_eq!(
            (body.error, body.hint, body.clock_off_s),
            ("invalid_code", Some("clock"), Some(-120))
        );
    }

    #[test]
    fn reuse_says_wait_for_the_next_code() {
        let error = PortalError::with(Problem::CodeReused, Hint::Wait { retry_in_s: 7 });
        assert!(
            error
                .message(Lang::Nl)
                .contains("wacht op de volgende code")
                || error
                    .message(Lang::Nl)
                    .contains("Wacht op de volgende code")
        );
        assert!(
            error
                .message(Lang::En)
                .ends_with("The next code appears in 7 seconds.")
        );
        assert_eq!(error.body().retry_in_s, Some(7));
    }

    #[test]
    fn amounts() {
        assert_eq!(amount(30).1, "30 seconds");
        assert_eq!(amount(150).0, "3 minuten");
        assert_eq!(amount(3 * 3600).1, "3 hours");
    }
}
