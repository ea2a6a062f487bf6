//! Page frame and HTML helpers. Pages are plain server-rendered HTML with one stylesheet
//! (`/style.css`): no scripts, no inline styles, no external assets.
//!
//! Stable element ids for end-to-end tests are listed in `docs/PRACTICE_PORTAL.md`.

use std::fmt::Write;

use crate::lang::Lang;

/// Escapes text for use in HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

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
pub fn notice(kind: &str, id: &str, text: &str) -> String {
    format!(
        "<p class=\"notice {kind}\" id=\"{id}\" role=\"{role}\">{}</p>",
        esc(text),
        role = if kind == "error" { "alert" } else { "status" }
    )
}

/// The whole page around `body`.
pub fn page(viewer: &Viewer<'_>, title: &str, body: &str) -> String {
    let lang = viewer.lang;
    let other = lang.other();
    let switch = format!(
        "<a id=\"lang-switch\" href=\"/lang/{}?back={}\" lang=\"{}\">{}</a>",
        other.code(),
        query_value(viewer.path),
        other.code(),
        lang.pick("English", "Nederlands")
    );
    let account_menu = match viewer.user {
        Some(email) => format!(
            "<details class=\"menu\" id=\"account-menu\"><summary>{mijn}</summary>\
             <div class=\"menu-items\"><span class=\"who\">{email}</span>\
             <a id=\"menu-home\" href=\"/home\">{home}</a>\
             <a id=\"menu-profile\" href=\"/profile\">{profile}</a>\
             <form method=\"post\" action=\"/logout\"><button id=\"logout\" type=\"submit\">{logout}</button></form>\
             </div></details>",
            mijn = lang.pick("Mijn account", "My account"),
            email = esc(email),
            home = lang.pick("Overzicht", "Overview"),
            profile = lang.pick("Mijn Profiel", "My Profile"),
            logout = lang.pick("Uitloggen", "Log out"),
        ),
        None => format!(
            "<a id=\"menu-login\" href=\"/login\">{}</a>",
            lang.pick("Inloggen", "Log in")
        ),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} – {brand}</title><link rel=\"stylesheet\" href=\"/style.css\"></head>\
         <body><header><a class=\"brand\" href=\"/\">{brand}</a>\
         <span class=\"practice\">{practice}</span><nav>{account_menu}\
         <a id=\"menu-inbox\" href=\"/inbox\">{inbox}</a>\
         <a id=\"menu-helpdesk\" href=\"/helpdesk\">{helpdesk}</a>{switch}</nav></header>\
         <main><h1>{title}</h1>{body}</main>\
         <footer>{footer}</footer></body></html>\n",
        code = lang.code(),
        title = esc(title),
        brand = lang.pick("BLkportaal", "BLk portal"),
        practice = lang.pick("oefenomgeving", "practice"),
        inbox = lang.pick("Oefen-inbox", "Practice inbox"),
        helpdesk = "Helpdesk",
        footer = lang.pick(
            "Dit is een oefenportaal van Tweestap op uw eigen computer. Het lijkt op het \
             BLkportaal, maar er worden geen echte gegevens gebruikt of verstuurd.",
            "This is Tweestap's practice portal on your own computer. It looks like the BLk \
             portal, but no real data is used or sent anywhere."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            query_value("/inbox?email=a b&c"),
            "/inbox%3Femail%3Da%20b%26c"
        );
    }
}
