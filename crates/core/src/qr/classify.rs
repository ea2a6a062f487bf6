//! What a decoded QR text is, so a door can say "this is not a 2FA code" in plain words.

/// The kind of content in a decoded QR code. Only the scheme is looked at; parsing the URI is
/// `crate::uri` / `crate::migration`'s job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum QrContent {
    /// `otpauth://…`: one account to add.
    Otpauth,
    /// `otpauth-migration://…`: a Google Authenticator export (one or more accounts).
    OtpauthMigration,
    /// `http://` or `https://` (or `www.`): a web link.
    WebLink,
    /// `WIFI:…`: Wi-Fi network credentials.
    Wifi,
    /// `mailto:`, `tel:`, `sms:`, `BEGIN:VCARD`, `MECARD:`, `geo:`: contact data and the like.
    Contact,
    /// Bytes that are not text (not UTF-8, nor an `otpauth` link in another character set):
    /// the decoder hands them on with U+FFFD where the bytes were not UTF-8.
    Binary,
    /// Any other text.
    Other,
}

impl QrContent {
    /// True for the two kinds Tweestap can add accounts from.
    pub fn is_2fa(self) -> bool {
        matches!(self, QrContent::Otpauth | QrContent::OtpauthMigration)
    }

    /// A stable machine-readable name (`otpauth`, `otpauth_migration`, `web_link`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            QrContent::Otpauth => "otpauth",
            QrContent::OtpauthMigration => "otpauth_migration",
            QrContent::WebLink => "web_link",
            QrContent::Wifi => "wifi",
            QrContent::Contact => "contact",
            QrContent::Binary => "binary",
            QrContent::Other => "other",
        }
    }
}

fn has_scheme(text: &str, scheme: &str) -> bool {
    text.len() >= scheme.len()
        && text.is_char_boundary(scheme.len())
        && text[..scheme.len()].eq_ignore_ascii_case(scheme)
}

/// Classifies a decoded QR text by its scheme (case-insensitive, leading whitespace ignored).
pub fn classify(text: &str) -> QrContent {
    let t = text.trim_start();
    if has_scheme(t, "otpauth://") {
        QrContent::Otpauth
    } else if has_scheme(t, "otpauth-migration://") {
        QrContent::OtpauthMigration
    } else if has_scheme(t, "http://") || has_scheme(t, "https://") || has_scheme(t, "www.") {
        QrContent::WebLink
    } else if has_scheme(t, "WIFI:") {
        QrContent::Wifi
    } else if [
        "mailto:",
        "tel:",
        "sms:",
        "smsto:",
        "BEGIN:VCARD",
        "MECARD:",
        "geo:",
    ]
    .iter()
    .any(|s| has_scheme(t, s))
    {
        QrContent::Contact
    } else if t.contains(char::REPLACEMENT_CHARACTER) {
        QrContent::Binary
    } else {
        QrContent::Other
    }
}

/// Shortens `text` to at most `max` characters for display, adding "…" when cut.
fn excerpt(text: &str, max: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut s: String = one_line.chars().take(max).collect();
        s.push('…');
        s
    }
}

/// For a decoded text that is not a 2FA code, an explanation for a person; `None` for
/// `otpauth://` and `otpauth-migration://` texts.
///
/// Wi-Fi texts are not quoted, since they carry a network password.
pub fn not_2fa_message(text: &str) -> Option<String> {
    let msg = match classify(text) {
        QrContent::Otpauth | QrContent::OtpauthMigration => return None,
        QrContent::WebLink => format!(
            "this QR code is not a 2FA code: it contains a web link ({}). A 2FA setup code starts with otpauth://; look for it on the service's security settings page",
            excerpt(text.trim(), 80)
        ),
        QrContent::Wifi => {
            "this QR code is not a 2FA code: it contains Wi-Fi network settings".to_string()
        }
        QrContent::Contact => format!(
            "this QR code is not a 2FA code: it contains contact details ({})",
            excerpt(text.trim(), 60)
        ),
        QrContent::Binary => "this QR code is not a 2FA code: it holds data that is not text (its bytes are not UTF-8). A 2FA setup code is text starting with otpauth://".to_string(),
        QrContent::Other => format!(
            "this QR code is not a 2FA code: it contains the text \"{}\". A 2FA setup code starts with otpauth://",
            excerpt(text.trim(), 60)
        ),
    };
    Some(msg)
}

/// Advice when an image held no QR code at all.
pub const NO_CODE_ADVICE: &str = "no QR code was found. Make sure the whole code is visible and not covered; zoom the page in so the code is larger, try the webcam, or paste the otpauth:// link or the secret key instead";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_scheme() {
        assert_eq!(
            classify("otpauth://totp/A?secret=JBSWY3DP"),
            QrContent::Otpauth
        );
        assert_eq!(classify("OTPAUTH://TOTP/A"), QrContent::Otpauth);
        assert_eq!(
            classify("otpauth-migration://offline?data=AA"),
            QrContent::OtpauthMigration
        );
        assert_eq!(classify("https://example.com/x"), QrContent::WebLink);
        assert_eq!(classify("WIFI:S:net;T:WPA;P:pw;;"), QrContent::Wifi);
        assert_eq!(classify("mailto:a@b.c"), QrContent::Contact);
        assert_eq!(classify("hello"), QrContent::Other);
        assert_eq!(classify(""), QrContent::Other);
        assert_eq!(classify("otpauth:"), QrContent::Other);
        assert_eq!(classify("é"), QrContent::Other);
    }

    #[test]
    fn messages() {
        assert!(not_2fa_message("otpauth://totp/x?secret=AA").is_none());
        let m = not_2fa_message("https://example.com/login").unwrap();
        assert!(
            m.contains("not a 2FA code") && m.contains("web link") && m.contains("example.com")
        );
        let m = not_2fa_message("WIFI:S:x;P:secretpw;;").unwrap();
        assert!(!m.contains("secretpw"));
        let long = "x".repeat(500);
        assert!(not_2fa_message(&long).unwrap().chars().count() < 200);
    }
}
