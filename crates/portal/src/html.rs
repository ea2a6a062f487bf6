//! Page frame and HTML helpers. Pages are plain server-rendered HTML with one stylesheet
//! (`/style.css`): no scripts, no inline styles, no external assets. They are `maud`
//! templates, so every value spliced into them is escaped.
//!
//! Stable element ids for end-to-end tests are listed in `docs/PRACTICE_PORTAL.md`.

use std::fmt::Write;

use maud::{DOCTYPE, Markup, html};

use crate::lang::Lang;

/// Percent-encodes a query value.
pub fn query_value(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'@' | b'/') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Who is looking at a page.
pub struct Viewer<'a> {
    pub lang: Lang,
    /// The logged-in user's e-mail address, if any.
    pub user: Option<&'a str>,
    /// The page's own path and query (for the language switch to come back to).
    pub path: &'a str,
}

/// A message box: `kind` is `error`, `ok` or `info`; the box gets `id`.
pub fn notice(kind: &str, id: &str, text: &str) -> Markup {
    let role = if kind == "error" { "alert" } else { "status" };
    html! {
        p class={ "notice " (kind) } id=(id) role=(role) { (text) }
    }
}

/// The field a code is typed into (the login's code page and the setup page);
/// `autofocus` where it is the page's one field.
pub fn code_field(lang: Lang, autofocus: bool) -> Markup {
    html! {
        label for="code" { (lang.pick("Code (6 cijfers)", "Code (6 digits)")) }
        input id="code" name="code" inputmode="numeric" autocomplete="one-time-code"
            maxlength="10" required autofocus[autofocus];
    }
}

/// An error notice if there is a message, nothing otherwise.
pub fn error_notice(message: Option<&str>) -> Markup {
    html! {
        @if let Some(message) = message {
            (notice("error", "error", message))
        }
    }
}

/// The whole page around `body`.
pub fn page(viewer: &Viewer<'_>, title: &str, body: Markup) -> Markup {
    let lang = viewer.lang;
    let other = lang.other();
    let brand = lang.pick("BLkportaal", "BLk portal");
    html! {
        (DOCTYPE) "\n"
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – " (brand) }
                link rel="stylesheet" href="/style.css";
            }
            body {
                header {
                    a class="brand" href="/" { (brand) }
                    span class="practice" { (lang.pick("oefenomgeving", "practice")) }
                    nav {
                        @match viewer.user {
                            Some(email) => (account_menu(lang, email)),
                            None => a id="menu-login" href="/login" {
                                (lang.pick("Inloggen", "Log in"))
                            },
                        }
                        a id="menu-inbox" href="/inbox" {
                            (lang.pick("Oefen-inbox", "Practice inbox"))
                        }
                        a id="menu-helpdesk" href="/helpdesk" { "Helpdesk" }
                        a id="lang-switch"
                            href={ "/lang/" (other.code()) "?back=" (query_value(viewer.path)) }
                            lang=(other.code()) {
                            (lang.pick("English", "Nederlands"))
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
                footer {
                    (lang.pick(
                        "Dit is een oefenportaal van Tweestap op uw eigen computer. Het lijkt op het \
                         BLkportaal, maar er worden geen echte gegevens gebruikt of verstuurd.",
                        "This is Tweestap's practice portal on your own computer. It looks like the BLk \
                         portal, but no real data is used or sent anywhere."
                    ))
                }
            }
        }
        "\n"
    }
}

/// The "Mijn account" menu of a logged-in user.
fn account_menu(lang: Lang, email: &str) -> Markup {
    html! {
        details class="menu" id="account-menu" {
            summary { (lang.pick("Mijn account", "My account")) }
            div class="menu-items" {
                span class="who" { (email) }
                a id="menu-home" href="/home" { (lang.pick("Overzicht", "Overview")) }
                a id="menu-profile" href="/profile" { (lang.pick("Mijn Profiel", "My Profile")) }
                form method="post" action="/logout" {
                    button id="logout" type="submit" { (lang.pick("Uitloggen", "Log out")) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        let hostile = "<a href=\"x\">'&'</a>";
        // maud leaves `'` as it is: every attribute value is in double quotes.
        let escaped = "&lt;a href=&quot;x&quot;&gt;'&amp;'&lt;/a&gt;";
        assert_eq!(
            notice("ok", hostile, hostile).into_string(),
            format!("<p class=\"notice ok\" id=\"{escaped}\" role=\"status\">{escaped}</p>")
        );
        let viewer = Viewer {
            lang: Lang::En,
            user: Some(hostile),
            path: "/inbox?email=<x>",
        };
        let page = page(&viewer, hostile, html! { (hostile) }).into_string();
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\"><head>"));
        assert!(page.contains(&format!("<title>{escaped} – BLk portal</title>")));
        assert!(page.contains(&format!("<h1>{escaped}</h1>{escaped}</main>")));
        assert!(page.contains(&format!("<span class=\"who\">{escaped}</span>")));
        assert!(page.contains("href=\"/lang/nl?back=/inbox%3Femail%3D%3Cx%3E\""));
        assert!(!page.contains(hostile));
        assert_eq!(
            query_value("/inbox?email=a b&c"),
            "/inbox%3Femail%3Da%20b%26c"
        );
    }
}
