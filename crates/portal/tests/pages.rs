//! The pages of the journey, as a browser without scripts walks them: forms, redirects and
//! cookies over real HTTP, with the element ids end-to-end tests rely on.

mod support;

use std::collections::BTreeMap;

use reqwest::blocking::Response;
use support::{T0, TestPortal, code_at, portal};
use tweestap_core::parse_otpauth;

/// A cookie jar and redirect follower over the test portal's client.
struct Browser<'a> {
    portal: &'a TestPortal,
    cookies: BTreeMap<String, String>,
}

struct Page {
    status: u16,
    path: String,
    html: String,
}

impl Page {
    fn has(&self, needle: &str) -> bool {
        self.html.contains(needle)
    }

    /// The value of `attribute` on the element with `id` (a naive scan, enough here).
    fn attr(&self, id: &str, attribute: &str) -> String {
        let at = self
            .html
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no #{id} in {}", self.html));
        let tag_start = self.html[..at].rfind('<').unwrap();
        let tag_end = at + self.html[at..].find('>').unwrap();
        let tag = &self.html[tag_start..tag_end];
        let key = format!("{attribute}=\"");
        let from = tag
            .find(&key)
            .unwrap_or_else(|| panic!("no {attribute} in {tag}"))
            + key.len();
        let to = from + tag[from..].find('"').unwrap();
        tag[from..to].replace("&amp;", "&")
    }

    /// The text of the element with `id` (no nested tags).
    fn text(&self, id: &str) -> String {
        let at = self.html.find(&format!("id=\"{id}\"")).unwrap();
        let from = at + self.html[at..].find('>').unwrap() + 1;
        let to = from + self.html[from..].find('<').unwrap();
        self.html[from..to].to_owned()
    }
}

impl<'a> Browser<'a> {
    fn new(portal: &'a TestPortal) -> Self {
        Self {
            portal,
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, response: &Response) {
        for value in response.headers().get_all("set-cookie") {
            let value = value.to_str().unwrap();
            let pair = value.split(';').next().unwrap();
            let (name, v) = pair.split_once('=').unwrap();
            if value.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), v.to_owned());
            }
        }
    }

    fn follow(&mut self, mut response: Response, mut path: String) -> Page {
        for _ in 0..5 {
            self.remember(&response);
            if !response.status().is_redirection() {
                break;
            }
            path = response.headers()["location"].to_str().unwrap().to_owned();
            response = self
                .portal
                .client
                .get(self.portal.url(&path))
                .header("cookie", self.cookie_header())
                .send()
                .unwrap();
        }
        Page {
            status: response.status().as_u16(),
            path,
            html: response.text().unwrap(),
        }
    }

    fn get(&mut self, path: &str) -> Page {
        let response = self
            .portal
            .client
            .get(self.portal.url(path))
            .header("cookie", self.cookie_header())
            .send()
            .unwrap();
        self.follow(response, path.to_owned())
    }

    fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let response = self
            .portal
            .client
            .post(self.portal.url(path))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                form.iter()
                    .map(|(k, v)| format!("{k}={}", urlencode(v)))
                    .collect::<Vec<_>>()
                    .join("&"),
            )
            .send()
            .unwrap();
        self.follow(response, path.to_owned())
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn the_whole_journey_in_dutch() {
    let p = portal();
    let mut b = Browser::new(&p);

    // The login page offers the practice account and a new one.
    let page = b.get("/");
    assert_eq!((page.status, page.path.as_str()), (200, "/login"));
    assert!(page.has("<html lang=\"nl\">"));
    assert!(page.has("Inloggen"));
    let page = b.post("/demo-user", &[]);
    let email = page.attr("email", "value");
    let password = page.attr("password", "value");
    assert!(email.starts_with("oefen"), "{email}");

    let page = b.post("/login", &[("email", &email), ("password", "wrong")]);
    assert_eq!(page.status, 401);
    assert!(page.has("Het wachtwoord klopt niet."));

    // 2FA is mandatory: the password alone does not get in; the code page says to set up
    // 2FA from the mail, which the portal has just sent.
    let page = b.post("/login", &[("email", &email), ("password", &password)]);
    assert_eq!((page.status, page.path.as_str()), (200, "/login/code"));
    assert!(
        page.text("setup-required").starts_with("2FA is verplicht"),
        "{}",
        page.html
    );
    assert!(page.has("Stel tweestapsauthenticatie (2FA) in"));
    assert_eq!(page.attr("setup-inbox", "href"), "/inbox");
    assert_eq!(b.get("/home").path, "/login", "not logged in");
    let page = b.post("/login/code", &[("code", "000000")]);
    assert_eq!(page.status, 400);
    assert!(page.has("De code klopt niet."), "a code is never ignored");
    assert!(page.has("id=\"setup-required\""));

    // The inbox has the mail; its link opens the QR page.
    let page = b.get("/inbox");
    assert!(page.has("Stichting Beter Leven keurmerk - Stel tweestapsauthenticatie (2FA) in"));
    let mail_path = {
        let at = page.html.find("href=\"/inbox/").unwrap() + 6;
        page.html[at..at + page.html[at..].find('"').unwrap()].to_owned()
    };
    let page = b.get(&mail_path);
    assert!(page.has("5 dagen geldig"));
    let setup = page.attr("qr-link", "href");
    let page = b.get(&setup);
    assert_eq!(page.status, 200);
    let qr_src = page.attr("qr", "src");
    let uri = page.attr("otpauth-link", "value");
    let account = parse_otpauth(&uri).unwrap();
    let (scanned, _) = p.scan(&p.url(&qr_src));
    assert_eq!(scanned, uri);
    assert!(!page.text("secret").is_empty());
    assert!(page.has("id=\"link-valid\""));

    // A code from a clock 3 minutes behind: explained. Then the right one.
    let page = b.post(&setup, &[("code", &code_at(&account, T0 - 180))]);
    assert_eq!(page.status, 400);
    assert!(
        page.has("controleer of de klok van uw computer goed staat"),
        "{}",
        page.html
    );
    assert!(page.has("id=\"qr\""), "the QR code stays on the page");
    let page = b.post(&setup, &[("code", &code_at(&account, T0))]);
    assert_eq!(page.status, 200);
    assert!(page.has("id=\"confirmed\""));
    assert!(page.has("href=\"/login\""), "on to log in");

    // Now the login asks for a code, and a used code is refused.
    let page = b.post("/login", &[("email", &email), ("password", &password)]);
    assert_eq!(page.path, "/login/code");
    assert!(page.has("id=\"code\""));
    assert_eq!(
        b.get("/home").path,
        "/login",
        "not logged in without the code"
    );
    let page = b.post("/login/code", &[("code", &code_at(&account, T0))]);
    assert_eq!(page.status, 400);
    assert!(page.has("Wacht op de volgende code"), "{}", page.html);
    let page = b.post("/login/code", &[("code", &code_at(&account, T0 + 30))]);
    assert_eq!((page.status, page.path.as_str()), (200, "/home"));
    assert_eq!(b.get("/profile").text("twofa-status"), "Aan");
}

/// Optional 2FA (before 2022), switched on the helpdesk page: the password is enough, and
/// 2FA is set up from Mijn Profiel.
#[test]
fn the_optional_era_sets_up_2fa_from_the_profile() {
    let p = portal();
    let mut b = Browser::new(&p);
    let page = b.post("/helpdesk/policy", &[("two_factor", "optional")]);
    assert!(page.has("id=\"helpdesk-done\""));
    assert_eq!(page.attr("policy-state", "data-policy"), "optional");
    let page = b.post("/helpdesk/policy", &[("two_factor", "often")]);
    assert!(page.has("id=\"error\""), "{}", page.html);
    assert_eq!(page.attr("policy-state", "data-policy"), "optional");

    let (email, password) = p.demo_user();
    let page = b.post("/login", &[("email", &email), ("password", &password)]);
    assert_eq!((page.status, page.path.as_str()), (200, "/home"));
    assert!(page.has("Mijn account") && page.has("id=\"menu-profile\""));
    let page = b.get("/profile");
    assert!(page.has("Tweestapsverificatie"));
    assert_eq!(page.text("twofa-status"), "Uit");
    assert_eq!(page.attr("enable-2fa", "href"), "/profile/2fa");
    let page = b.get("/profile/2fa");
    assert!(page.has("Vul ter bevestiging uw wachtwoord in."));
    let page = b.post("/profile/2fa", &[("password", "wrong")]);
    assert_eq!(page.status, 401);
    let page = b.post("/profile/2fa", &[("password", &password)]);
    assert_eq!(page.status, 200);
    assert!(page.has("id=\"mail-sent\""));
    assert!(
        b.get("/profile")
            .text("twofa-status")
            .starts_with("Wacht op bevestiging")
    );
}

/// Issue 20 on the pages: after a helpdesk reset (mandatory 2FA) the helpdesk page says the
/// user is blocked, the login says why, the old key's code is explained, and only the new
/// key's code gets in.
#[test]
fn after_a_reset_the_pages_block_until_the_new_key_is_confirmed() {
    let p = portal();
    let (email, password, old) = p.enrolled_user();
    let key = email.to_lowercase();
    let mut b = Browser::new(&p);
    let page = b.get("/helpdesk");
    assert_eq!(page.attr("policy-state", "data-policy"), "mandatory");
    assert_eq!(page.text(&format!("login-{key}")), "wachtwoord en code");
    let page = b.post("/helpdesk/reset", &[("email", &email)]);
    assert!(page.has("id=\"helpdesk-done\""));
    assert_eq!(
        page.text(&format!("login-{key}")),
        "geblokkeerd tot de nieuwe sleutel is bevestigd"
    );
    assert!(page.text(&format!("state-{key}")).starts_with("gereset"));
    let token = p.running.portal().store().mails_for(&email)[0]
        .token
        .clone();
    let (_, new) = p.scan(&p.url(&format!("/2fa/qr/{token}.png")));

    p.set_time(T0 + 30);
    let page = b.post("/login", &[("email", &email), ("password", &password)]);
    assert_eq!(page.path, "/login/code");
    let setup = page.text("setup-required");
    assert!(
        setup.contains("De helpdesk heeft uw 2FA gereset"),
        "{setup}"
    );
    assert_eq!(
        b.get("/home").path,
        "/login",
        "not in with the password alone"
    );
    let page = b.post("/login/code", &[("code", &code_at(&old, T0 + 30))]);
    assert_eq!(page.status, 400);
    assert!(
        page.text("error")
            .contains("vervang het oude BLk-account in Tweestap"),
        "{}",
        page.html
    );
    assert_eq!(b.get("/home").path, "/login");

    // The same in English.
    let page = b.get("/login/code?lang=en");
    assert!(page.text("setup-required").starts_with("2FA is mandatory"));
    let page = b.post("/login/code?lang=en", &[("code", &code_at(&old, T0 + 30))]);
    assert!(
        page.text("error")
            .contains("replace the old BLk account in Tweestap")
    );

    // The new key's code confirms it and logs in.
    let page = b.post("/login/code", &[("code", &code_at(&new, T0 + 30))]);
    assert_eq!((page.status, page.path.as_str()), (200, "/home"));
    assert_eq!(b.get("/profile").text("twofa-status"), "Aan");
    assert_eq!(
        b.get("/helpdesk").text(&format!("login-{key}")),
        "wachtwoord en code"
    );
}

#[test]
fn helpdesk_clock_form_refuses_values_out_of_range() {
    let p = portal();
    let mut b = Browser::new(&p);
    let page = b.post("/helpdesk/clock", &[("offset_s", "-120")]);
    assert_eq!(page.text("clock-offset"), "-120 s");
    for bad in ["4294967295000", "9223372036854775807", "soon", ""] {
        let page = b.post("/helpdesk/clock", &[("offset_s", bad)]);
        assert!(
            page.text("error").contains("3153600000"),
            "{bad}: {}",
            page.html
        );
        assert_eq!(page.text("clock-offset"), "-120 s", "{bad}: unchanged");
    }
    let page = b.post("/helpdesk/clock", &[("advance_s", "3153600121")]);
    assert!(page.has("id=\"error\""));
    assert_eq!(page.text("clock-offset"), "-120 s");
}

#[test]
fn english_switch_and_helpdesk_pages() {
    let p = portal();
    let (email, _, _) = p.enrolled_user();
    let mut b = Browser::new(&p);

    let page = b.get("/lang/en?back=/helpdesk");
    assert_eq!(page.path, "/helpdesk");
    assert!(page.has("<html lang=\"en\">"));
    assert!(page.has("Portal clock"));
    let key = email.to_lowercase();
    let expected = page.text(&format!("expected-{key}"));
    let api = support::json_ok(p.get(&format!("/api/helpdesk/expected-code?email={email}")));
    assert_eq!(expected, api["code"].as_str().unwrap());
    // Another site cannot be the way back.
    assert_eq!(b.get("/lang/en?back=//evil.example/").path, "/login");

    // Clock buttons and a reset, as the helpdesk clicks them.
    let page = b.post("/helpdesk/clock", &[("offset_s", "-120")]);
    assert_eq!(page.text("clock-offset"), "-120 s");
    let page = b.post("/helpdesk/clock", &[("advance_s", "60")]);
    assert_eq!(page.text("clock-offset"), "-60 s");
    let page = b.post("/helpdesk/reset", &[("email", &email)]);
    assert!(page.has("id=\"helpdesk-done\""));
    assert!(page.has("awaiting confirmation"));
    let page = b.post("/helpdesk/reset", &[("email", "nobody@example.nl")]);
    assert!(page.has("There is no account with this e-mail address."));

    // The mail says why it came; the Dutch switch comes back.
    let inbox = support::json_ok(p.get(&format!("/api/inbox?email={email}")));
    let page = b.get(
        inbox[0]["mail_url"]
            .as_str()
            .unwrap()
            .trim_start_matches(&p.running.url()),
    );
    assert!(page.has("The helpdesk has reset your two-step authentication"));
    let page = b.get("/login?lang=en");
    assert!(page.has("<html lang=\"en\">"));
    assert_eq!(
        page.attr("lang-switch", "href"),
        "/lang/nl?back=/login",
        "the way back drops lang="
    );
    let page = b.get("/lang/nl?back=/login");
    assert!(page.has("<html lang=\"nl\">"));

    // Old and unknown links explain themselves.
    let old = inbox[1]["page_url"]
        .as_str()
        .unwrap()
        .trim_start_matches(&p.running.url())
        .to_owned();
    let page = b.get(&old);
    assert_eq!(page.status, 410);
    assert!(
        page.has("2FA is met deze link al ingesteld."),
        "{}",
        page.html
    );
    assert_eq!(b.get("/2fa/setup/nope").status, 404);
    assert_eq!(b.get("/no/such/page").status, 404);
    let css = p.get("/style.css");
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
}
