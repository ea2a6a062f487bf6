//! The pages: the user's journey (login, Mijn account, Mijn Profiel, 2FA inschakelen, inbox,
//! QR page, code at login) and the helpdesk. Handlers read the request, call the store and
//! render; the rules live in `store.rs`.

use std::convert::Infallible;

use axum::Router;
use axum::extract::{Form, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::Portal;
use crate::html::{Viewer, esc, notice, page, query_value};
use crate::lang::Lang;
use crate::problem::{PortalError, Problem};
use crate::store::{LoginNeeds, MailReason, Stage, Store, TwoFactor, User, user_key};
use crate::{MAX_OFFSET_S, Policy};
use crate::{api, qr_png, time};

pub const SESSION_COOKIE: &str = "portal_session";
pub const LANG_COOKIE: &str = "portal_lang";
const STYLE: &str = include_str!("../assets/style.css");

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/", get(index))
        .route("/style.css", get(style))
        .route("/lang/{lang}", get(set_lang))
        .route("/login", get(login_page).post(login_submit))
        .route("/login/code", get(code_page).post(code_submit))
        .route("/logout", post(logout))
        .route("/demo-user", post(demo_user))
        .route("/home", get(home))
        .route("/profile", get(profile))
        .route("/profile/2fa", get(enable_page).post(enable_submit))
        .route("/inbox", get(inbox))
        .route("/inbox/{id}", get(mail_page))
        .route("/2fa/setup/{token}", get(setup_page).post(setup_submit))
        .route("/2fa/qr/{file}", get(qr_image))
        .route("/helpdesk", get(helpdesk))
        .route("/helpdesk/reset", post(helpdesk_reset))
        .route("/helpdesk/clock", post(helpdesk_clock))
        .route("/helpdesk/policy", post(helpdesk_policy))
}

// --- request context -------------------------------------------------------------------

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// Language, session and path of a page request.
pub struct Ctx {
    pub lang: Lang,
    pub session: Option<String>,
    /// Path and query, for the language switch.
    pub path: String,
}

impl FromRequestParts<Portal> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &Portal) -> Result<Self, Infallible> {
        let query_lang = parts.uri.query().and_then(|query| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("lang="))
                .and_then(Lang::parse)
        });
        let lang = query_lang
            .or_else(|| cookie(&parts.headers, LANG_COOKIE).and_then(|v| Lang::parse(&v)))
            .unwrap_or_default();
        // The way back after a language switch, without a `lang=` that would undo it.
        let rest: Vec<&str> = parts
            .uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("lang="))
            .collect();
        let path = if rest.is_empty() {
            parts.uri.path().to_owned()
        } else {
            format!("{}?{}", parts.uri.path(), rest.join("&"))
        };
        Ok(Ctx {
            lang,
            session: cookie(&parts.headers, SESSION_COOKIE),
            path,
        })
    }
}

impl Ctx {
    /// The e-mail address of the user logged in with this session (all steps done).
    fn user(&self, store: &Store) -> Option<String> {
        self.user_at(store, Stage::LoggedIn)
    }

    fn user_at(&self, store: &Store, stage: Stage) -> Option<String> {
        let session = store.session(self.session.as_deref()?)?;
        (session.stage == stage)
            .then(|| store.user(&session.user).ok())
            .flatten()
            .map(|user| user.email.clone())
    }

    fn render(&self, user: Option<&str>, title: &str, body: &str) -> Html<String> {
        let viewer = Viewer {
            lang: self.lang,
            user,
            path: &self.path,
        };
        Html(page(&viewer, title, body))
    }

    fn pick<T>(&self, nl: T, en: T) -> T {
        self.lang.pick(nl, en)
    }
}

fn session_cookie(id: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax"
    ))
    .expect("hex token")
}

fn login_redirect() -> Response {
    Redirect::to("/login").into_response()
}

// --- guards ----------------------------------------------------------------------------

/// Answers only requests addressed to this computer by name (`127.0.0.1`, `localhost`,
/// `[::1]`, any port), so a web page elsewhere cannot reach the portal through DNS tricks.
pub async fn local_hosts_only(request: Request, next: Next) -> Response {
    let allowed = match request.headers().get(header::HOST) {
        None => true,
        Some(value) => value.to_str().is_ok_and(|host| {
            let name = match host.rsplit_once(':') {
                Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
                _ => host,
            };
            matches!(
                name.to_ascii_lowercase().as_str(),
                "127.0.0.1" | "localhost" | "[::1]"
            )
        }),
    };
    if allowed {
        next.run(request).await
    } else {
        api::error_response(StatusCode::MISDIRECTED_REQUEST, &Problem::BadHost.into())
    }
}

/// Unknown paths: JSON under `/api`, a page elsewhere.
pub async fn not_found(ctx: Ctx, State(portal): State<Portal>, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        return api::error_response(StatusCode::NOT_FOUND, &Problem::NotFound.into());
    }
    let user = ctx.user(&portal.store());
    not_found_page(&ctx, user.as_deref())
}

fn not_found_page(ctx: &Ctx, user: Option<&str>) -> Response {
    let body = notice(
        "error",
        "error",
        &PortalError::from(Problem::NotFound).message(ctx.lang),
    ) + &format!(
        "<p><a href=\"/\">{}</a></p>",
        ctx.pick("Naar het begin", "Go to the start")
    );
    let title = ctx.pick("Niet gevonden", "Not found");
    (StatusCode::NOT_FOUND, ctx.render(user, title, &body)).into_response()
}

/// A known path with the wrong method.
pub async fn method_not_allowed(uri: Uri) -> Response {
    let error = PortalError::from(Problem::MethodNotAllowed);
    if uri.path().starts_with("/api/") {
        api::error_response(StatusCode::METHOD_NOT_ALLOWED, &error)
    } else {
        (StatusCode::METHOD_NOT_ALLOWED, error.message(Lang::Nl)).into_response()
    }
}

// --- small pages -----------------------------------------------------------------------

async fn index(ctx: Ctx, State(portal): State<Portal>) -> Redirect {
    if ctx.user(&portal.store()).is_some() {
        Redirect::to("/home")
    } else {
        Redirect::to("/login")
    }
}

async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BackQuery {
    back: String,
}

async fn set_lang(Path(lang): Path<String>, Query(query): Query<BackQuery>) -> Response {
    let lang = Lang::parse(&lang).unwrap_or_default();
    // Only paths of this site, never another site (`//host`).
    let back = if query.back.starts_with('/') && !query.back.starts_with("//") {
        query.back
    } else {
        "/".to_owned()
    };
    let cookie = format!("{LANG_COOKIE}={}; Path=/; SameSite=Lax", lang.code());
    (
        [(
            header::SET_COOKIE,
            HeaderValue::from_str(&cookie).expect("ascii"),
        )],
        Redirect::to(&back),
    )
        .into_response()
}

// --- login -----------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    email: String,
    password: String,
}

fn login_body(ctx: &Ctx, email: &str, password: &str, message: Option<String>) -> String {
    let mut body = message.map_or_else(String::new, |m| notice("error", "error", &m));
    body += &format!(
        "<form method=\"post\" action=\"/login\" class=\"card\">\
         <label for=\"email\">{email_label}</label>\
         <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" value=\"{email}\" required>\
         <label for=\"password\">{password_label}</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" value=\"{password}\" required>\
         <button id=\"login\" type=\"submit\">{login}</button></form>",
        email_label = ctx.pick("E-mailadres", "E-mail address"),
        password_label = ctx.pick("Wachtwoord", "Password"),
        login = ctx.pick("Inloggen", "Log in"),
        email = esc(email),
        password = esc(password),
    );
    body += &format!(
        "<section class=\"card demo\"><h2>{title}</h2><p>{text}</p>\
         <p>{account}: <code id=\"demo-email\">{demo_email}</code> / <code id=\"demo-password\">{demo_password}</code></p>\
         <form method=\"post\" action=\"/demo-user\"><button id=\"new-demo\" type=\"submit\" class=\"secondary\">{new}</button></form></section>",
        title = ctx.pick("Oefenen", "Practise"),
        text = ctx.pick(
            "Log in met het oefenaccount, of maak een nieuw oefenaccount aan (elk met een eigen inbox).",
            "Log in with the practice account, or create a new one (each has its own inbox).",
        ),
        account = ctx.pick("Oefenaccount", "Practice account"),
        demo_email = esc(if email.is_empty() { crate::DEMO_EMAIL } else { email }),
        demo_password = esc(if password.is_empty() { crate::DEMO_PASSWORD } else { password }),
        new = ctx.pick("Nieuw oefenaccount", "New practice account"),
    );
    body
}

async fn login_page(ctx: Ctx, State(portal): State<Portal>) -> Response {
    if ctx.user(&portal.store()).is_some() {
        return Redirect::to("/home").into_response();
    }
    let title = ctx.pick("Inloggen", "Log in");
    ctx.render(None, title, &login_body(&ctx, "", "", None))
        .into_response()
}

async fn demo_user(ctx: Ctx, State(portal): State<Portal>) -> Response {
    let (email, password) = portal.store().create_demo_user();
    let mut body = notice(
        "ok",
        "demo-created",
        ctx.pick(
            "Er is een nieuw oefenaccount aangemaakt. Klik op Inloggen.",
            "A new practice account was created. Click Log in.",
        ),
    );
    body += &login_body(&ctx, &email, &password, None);
    ctx.render(None, ctx.pick("Inloggen", "Log in"), &body)
        .into_response()
}

async fn login_submit(
    ctx: Ctx,
    State(portal): State<Portal>,
    Form(form): Form<LoginForm>,
) -> Response {
    let mut store = portal.store();
    match store.start_login(&form.email, &form.password) {
        Ok(needs) => {
            if let Some(old) = &ctx.session {
                store.end_session(old);
            }
            // Mandatory 2FA without a confirmed key also goes to the code page: it says that
            // setup is required, and a code of the mail's key confirms it there.
            let (stage, to) = match needs {
                LoginNeeds::Code | LoginNeeds::Setup => (Stage::NeedsCode, "/login/code"),
                LoginNeeds::Password => (Stage::LoggedIn, "/home"),
            };
            let id = store.new_session(&form.email, stage);
            (
                [(header::SET_COOKIE, session_cookie(&id))],
                Redirect::to(to),
            )
                .into_response()
        }
        Err(error) => {
            let body = login_body(&ctx, &form.email, "", Some(error.message(ctx.lang)));
            let title = ctx.pick("Inloggen", "Log in");
            (StatusCode::UNAUTHORIZED, ctx.render(None, title, &body)).into_response()
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    code: String,
}

/// The code page: `setup` is the `setup_required` explanation when the user has no confirmed
/// key yet (mandatory 2FA), shown above the field with the way to the mail.
fn code_body(ctx: &Ctx, setup: Option<&PortalError>, message: Option<String>) -> String {
    let mut body = message.map_or_else(String::new, |m| notice("error", "error", &m));
    if let Some(setup) = setup {
        body += &notice("info", "setup-required", &setup.message(ctx.lang));
        body += &format!(
            "<p><a class=\"button secondary\" id=\"setup-inbox\" href=\"/inbox\">{}</a></p>",
            ctx.pick("Naar de oefen-inbox", "Go to the practice inbox"),
        );
    }
    body += &format!(
        "<form method=\"post\" action=\"/login/code\" class=\"card\"><p>{text}</p>\
         <label for=\"code\">{label}</label>\
         <input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"10\" required autofocus>\
         <button id=\"verify\" type=\"submit\">{button}</button></form>",
        text = ctx.pick(
            "Vul hier een geldige, actuele code in die getoond wordt in Tweestap of uw authenticator-app.",
            "Enter a valid, current code as shown in Tweestap or your authenticator app.",
        ),
        label = ctx.pick("Code (6 cijfers)", "Code (6 digits)"),
        button = ctx.pick("Controleren", "Verify"),
    );
    body
}

/// The `setup_required` explanation for `email`, when its login waits for a key.
fn pending_setup(store: &Store, email: &str) -> Option<PortalError> {
    let user = store.user(email).ok()?;
    (store.login_needs(user) == LoginNeeds::Setup).then(|| store.setup_required(user))
}

async fn code_page(ctx: Ctx, State(portal): State<Portal>) -> Response {
    let store = portal.store();
    let Some(email) = ctx.user_at(&store, Stage::NeedsCode) else {
        return login_redirect();
    };
    let setup = pending_setup(&store, &email);
    let title = ctx.pick("Extra controle", "Extra check");
    ctx.render(None, title, &code_body(&ctx, setup.as_ref(), None))
        .into_response()
}

async fn code_submit(
    ctx: Ctx,
    State(portal): State<Portal>,
    Form(form): Form<CodeForm>,
) -> Response {
    let mut store = portal.store();
    let Some(email) = ctx.user_at(&store, Stage::NeedsCode) else {
        return login_redirect();
    };
    match store.check_login_code(&email, &form.code) {
        Ok(_) => {
            if let Some(id) = &ctx.session {
                store.set_stage(id, Stage::LoggedIn);
            }
            Redirect::to("/home").into_response()
        }
        Err(error) => {
            let title = ctx.pick("Extra controle", "Extra check");
            // The setup explanation stays in view; it is not repeated as the error.
            let setup = pending_setup(&store, &email);
            let message = (setup.as_ref() != Some(&error)).then(|| error.message(ctx.lang));
            let body = code_body(&ctx, setup.as_ref(), message);
            (StatusCode::BAD_REQUEST, ctx.render(None, title, &body)).into_response()
        }
    }
}

async fn logout(ctx: Ctx, State(portal): State<Portal>) -> Response {
    if let Some(id) = &ctx.session {
        portal.store().end_session(id);
    }
    let clear = format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    (
        [(
            header::SET_COOKIE,
            HeaderValue::from_str(&clear).expect("ascii"),
        )],
        Redirect::to("/login"),
    )
        .into_response()
}

// --- account and profile ---------------------------------------------------------------

fn two_factor_status(ctx: &Ctx, store: &Store, email: &str) -> String {
    let Ok(user) = store.user(email) else {
        return String::new();
    };
    match &user.two_factor {
        TwoFactor::Off => ctx.pick("Uit", "Off").to_owned(),
        TwoFactor::Pending { token } => {
            let until = store
                .find_link(token)
                .map(|link| time::readable(link.expires_at, ctx.lang))
                .unwrap_or_default();
            let reset = if store.was_reset(user) {
                ctx.pick(
                    "Gereset door de helpdesk: de oude sleutel werkt niet meer. ",
                    "Reset by the helpdesk: the old key no longer works. ",
                )
            } else {
                ""
            };
            format!(
                "{reset}{} {until}",
                ctx.pick(
                    "Wacht op bevestiging: open de mail en scan de QR-code. De link is geldig tot",
                    "Waiting for confirmation: open the mail and scan the QR code. The link is valid until",
                )
            )
        }
        TwoFactor::On { .. } => ctx.pick("Aan", "On").to_owned(),
    }
}

async fn home(ctx: Ctx, State(portal): State<Portal>) -> Response {
    let store = portal.store();
    let Some(email) = ctx.user(&store) else {
        return login_redirect();
    };
    let name = store
        .user(&email)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let body = format!(
        "<p id=\"welcome\">{welcome}, {name}.</p><p>{text}</p>\
         <p class=\"card\">{label}: <strong id=\"twofa-status\">{status}</strong></p>",
        welcome = ctx.pick("Welkom", "Welcome"),
        name = esc(&name),
        text = ctx.pick(
            "Ga via het menu “Mijn account” naar de optie “Mijn Profiel” om tweestapsverificatie (2FA) in te stellen.",
            "Open “My Profile” from the “My account” menu to set up two-step verification (2FA).",
        ),
        label = ctx.pick("Tweestapsverificatie", "Two-step verification"),
        status = esc(&two_factor_status(&ctx, &store, &email)),
    );
    ctx.render(Some(&email), ctx.pick("Overzicht", "Overview"), &body)
        .into_response()
}

async fn profile(ctx: Ctx, State(portal): State<Portal>) -> Response {
    let store = portal.store();
    let Some(email) = ctx.user(&store) else {
        return login_redirect();
    };
    let Ok(user) = store.user(&email) else {
        return login_redirect();
    };
    let action = match user.two_factor {
        TwoFactor::On { .. } => format!(
            "<p>{}</p>",
            ctx.pick(
                "2FA staat aan: bij elke inlog wordt als extra stap om een code gevraagd. Nieuwe computer of telefoon? Neem contact op met de helpdesk; die stelt 2FA opnieuw in.",
                "2FA is on: every login asks for a code as an extra step. New computer or phone? Contact the helpdesk, who will set 2FA up again.",
            )
        ),
        _ => format!(
            "<p>{}</p><p><a class=\"button\" id=\"enable-2fa\" href=\"/profile/2fa\">{}</a></p>",
            ctx.pick(
                "Met 2FA vraagt het portaal bij het inloggen naast uw wachtwoord om een code uit een authenticator-app, zoals Tweestap op deze computer.",
                "With 2FA the portal asks, besides your password, for a code from an authenticator app, such as Tweestap on this computer.",
            ),
            ctx.pick("2FA inschakelen", "Enable 2FA"),
        ),
    };
    let body = format!(
        "<section class=\"card\"><h2>{details}</h2><dl>\
         <dt>{name_label}</dt><dd id=\"profile-name\">{name}</dd>\
         <dt>{email_label}</dt><dd id=\"profile-email\">{email}</dd></dl></section>\
         <section class=\"card\" id=\"twofa-box\"><h2>{box_title}</h2>\
         <p>{label}: <strong id=\"twofa-status\">{status}</strong></p>{action}</section>",
        details = ctx.pick("Gegevens", "Details"),
        name_label = ctx.pick("Naam", "Name"),
        name = esc(&user.name),
        email_label = ctx.pick("E-mailadres", "E-mail address"),
        email = esc(&user.email),
        box_title = ctx.pick("Tweestapsverificatie", "Two-step verification"),
        label = ctx.pick("Status", "Status"),
        status = esc(&two_factor_status(&ctx, &store, &email)),
    );
    ctx.render(Some(&email), ctx.pick("Mijn Profiel", "My Profile"), &body)
        .into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    password: String,
}

fn enable_body(ctx: &Ctx, message: Option<String>) -> String {
    let mut body = message.map_or_else(String::new, |m| notice("error", "error", &m));
    body += &format!(
        "<form method=\"post\" action=\"/profile/2fa\" class=\"card dialog\" id=\"confirm-password\">\
         <p>{text}</p><label for=\"password\">{label}</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required autofocus>\
         <div class=\"actions\"><button id=\"enable\" type=\"submit\">{button}</button>\
         <a class=\"button secondary\" href=\"/profile\">{cancel}</a></div></form>",
        text = ctx.pick(
            "Vul ter bevestiging uw wachtwoord in.",
            "Enter your password to confirm.",
        ),
        label = ctx.pick("Wachtwoord", "Password"),
        button = ctx.pick("Inschakelen", "Enable"),
        cancel = ctx.pick("Annuleren", "Cancel"),
    );
    body
}

async fn enable_page(ctx: Ctx, State(portal): State<Portal>) -> Response {
    let Some(email) = ctx.user(&portal.store()) else {
        return login_redirect();
    };
    ctx.render(
        Some(&email),
        ctx.pick("2FA inschakelen", "Enable 2FA"),
        &enable_body(&ctx, None),
    )
    .into_response()
}

async fn enable_submit(
    ctx: Ctx,
    State(portal): State<Portal>,
    Form(form): Form<PasswordForm>,
) -> Response {
    let mut store = portal.store();
    let Some(email) = ctx.user(&store) else {
        return login_redirect();
    };
    let title = ctx.pick("2FA inschakelen", "Enable 2FA");
    match store.enable(&email, &form.password) {
        Ok(_) => {
            let body = notice(
                "ok",
                "mail-sent",
                ctx.pick(
                    "Het eerste deel is gereed. U ontvangt nu een mail met een link naar een QR-code.",
                    "The first part is done. You will now receive a mail with a link to a QR code.",
                ),
            ) + &format!(
                "<p>{text}</p><p><a class=\"button\" id=\"open-inbox\" href=\"/inbox\">{button}</a></p>",
                text = ctx.pick(
                    "Open de mail met het onderwerp “Stichting Beter Leven keurmerk - Stel tweestapsauthenticatie (2FA) in”.",
                    "Open the mail with the subject “Stichting Beter Leven keurmerk - Stel tweestapsauthenticatie (2FA) in”.",
                ),
                button = ctx.pick("Open de oefen-inbox", "Open the practice inbox"),
            );
            ctx.render(Some(&email), title, &body).into_response()
        }
        Err(error) => {
            let status = if error.problem == Problem::AlreadyEnabled {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNAUTHORIZED
            };
            let body = enable_body(&ctx, Some(error.message(ctx.lang)));
            (status, ctx.render(Some(&email), title, &body)).into_response()
        }
    }
}

// --- inbox -----------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
struct InboxQuery {
    email: String,
}

async fn inbox(
    ctx: Ctx,
    State(portal): State<Portal>,
    Query(query): Query<InboxQuery>,
) -> Response {
    let store = portal.store();
    let user = ctx.user(&store);
    let mailbox = if query.email.trim().is_empty() {
        user.clone()
            .or_else(|| ctx.user_at(&store, Stage::NeedsCode))
    } else {
        Some(query.email.trim().to_owned())
    };
    let title = ctx.pick("Oefen-inbox", "Practice inbox");
    let chooser = format!(
        "<form method=\"get\" action=\"/inbox\" class=\"inline\"><label for=\"inbox-email\">{label}</label>\
         <input id=\"inbox-email\" name=\"email\" type=\"email\" value=\"{value}\">\
         <button type=\"submit\" class=\"secondary\">{button}</button></form>",
        label = ctx.pick("Mailbox van", "Mailbox of"),
        value = esc(mailbox.as_deref().unwrap_or("")),
        button = ctx.pick("Openen", "Open"),
    );
    let Some(mailbox) = mailbox else {
        return ctx.render(None, title, &chooser).into_response();
    };
    let mails = store.mails_for(&mailbox);
    let mut body = chooser;
    if mails.is_empty() {
        body += &format!(
            "<p id=\"inbox-empty\">{}</p>",
            ctx.pick("Er zijn (nog) geen mails.", "There are no mails (yet).")
        );
    } else {
        body += "<ul class=\"inbox\" id=\"inbox\">";
        for mail in mails {
            body += &format!(
                "<li><a class=\"mail-link\" href=\"/inbox/{id}\"><span class=\"from\">Stichting Beter Leven keurmerk</span>\
                 <span class=\"subject\">{subject}</span><span class=\"date\">{date}</span></a></li>",
                id = mail.id,
                subject = esc(mail.subject),
                date = time::readable(mail.sent_at, ctx.lang),
            );
        }
        body += "</ul>";
    }
    ctx.render(user.as_deref(), title, &body).into_response()
}

async fn mail_page(ctx: Ctx, State(portal): State<Portal>, Path(id): Path<String>) -> Response {
    let store = portal.store();
    let user = ctx.user(&store);
    let Some(mail) = id.parse().ok().and_then(|id| store.mail(id)) else {
        return not_found_page(&ctx, user.as_deref());
    };
    let (name, email) = store
        .user(&mail.to)
        .map(|u| (u.name.clone(), u.email.clone()))
        .unwrap_or_default();
    let expires = store
        .find_link(&mail.token)
        .map(|link| time::readable(link.expires_at, ctx.lang))
        .unwrap_or_default();
    let intro = match mail.reason {
        MailReason::Enable => ctx.pick(
            "U heeft in het BLkportaal gekozen om tweestapsauthenticatie (2FA) in te stellen.",
            "You chose to set up two-step authentication (2FA) in the BLk portal.",
        ),
        MailReason::Reset => ctx.pick(
            "De helpdesk heeft uw tweestapsauthenticatie (2FA) opnieuw ingesteld. Uw oude instelling vervalt: codes van de oude sleutel werken niet meer.",
            "The helpdesk has reset your two-step authentication (2FA). Your old setting lapses: codes from the old key no longer work.",
        ),
    };
    let body = format!(
        "<article class=\"mail card\" id=\"mail\"><dl class=\"headers\">\
         <dt>{from_l}</dt><dd>Stichting Beter Leven keurmerk &lt;noreply@example.nl&gt;</dd>\
         <dt>{to_l}</dt><dd>{email}</dd><dt>{date_l}</dt><dd>{date}</dd>\
         <dt>{subject_l}</dt><dd id=\"mail-subject\">{subject}</dd></dl>\
         <p>{dear} {name},</p><p>{intro}</p><p>{how}</p>\
         <p><a id=\"qr-link\" class=\"button\" href=\"/2fa/setup/{token}\">QR code</a></p>\
         <p>{note}</p><p>{regards}<br>Stichting Beter Leven keurmerk</p></article>",
        from_l = ctx.pick("Van", "From"),
        to_l = ctx.pick("Aan", "To"),
        date_l = ctx.pick("Datum", "Date"),
        subject_l = ctx.pick("Onderwerp", "Subject"),
        email = esc(&email),
        date = time::readable(mail.sent_at, ctx.lang),
        subject = esc(mail.subject),
        dear = ctx.pick("Beste", "Dear"),
        name = esc(&name),
        how = ctx.pick(
            "Klik op de link voor de “QR code” om uw persoonlijke code in te stellen in een authenticator-app, zoals Google Authenticator op uw telefoon of Tweestap op uw computer.",
            "Click the “QR code” link to set up your personal code in an authenticator app, such as Google Authenticator on your phone or Tweestap on your computer.",
        ),
        token = esc(&mail.token),
        note = esc(&format!(
            "{} {expires}. {}",
            ctx.pick(
                "LET OP: om veiligheidsredenen is deze link 5 dagen geldig, tot",
                "NOTE: for safety this link is valid for 5 days, until",
            ),
            ctx.pick(
                "Hebt u 2FA niet binnen 5 dagen geactiveerd, neem dan contact op met de helpdesk.",
                "If you have not activated 2FA within 5 days, contact the helpdesk.",
            )
        )),
        regards = ctx.pick("Met vriendelijke groet,", "Kind regards,"),
    );
    let title = ctx.pick("Oefen-inbox", "Practice inbox");
    ctx.render(user.as_deref(), title, &body).into_response()
}

// --- the QR page -----------------------------------------------------------------------

/// Status for a link that cannot be used (or does not exist).
fn link_status(error: &PortalError) -> StatusCode {
    match error.problem {
        Problem::UnknownLink => StatusCode::NOT_FOUND,
        _ => StatusCode::GONE,
    }
}

fn setup_body(ctx: &Ctx, store: &Store, token: &str, message: Option<String>) -> String {
    let Ok(link) = store.open_link(token) else {
        return String::new();
    };
    let mut body = message.map_or_else(String::new, |m| notice("error", "error", &m));
    body += &format!(
        "<p>{account_l}: <strong id=\"setup-account\">BLk ({email})</strong></p>\
         <section class=\"card step\"><h2>{step1}</h2><p>{scan}</p>\
         <img id=\"qr\" class=\"qr\" src=\"/2fa/qr/{token}.png\" alt=\"{alt}\">\
         <details id=\"manual\"><summary>{manual}</summary>\
         <p>{key_l}: <code id=\"secret\">{secret}</code></p><p>{kind}</p>\
         <label for=\"otpauth-link\">{link_l}</label>\
         <input id=\"otpauth-link\" readonly value=\"{uri}\"></details></section>\
         <section class=\"card step\"><h2>{step2}</h2>\
         <form method=\"post\" action=\"/2fa/setup/{token}\"><p>{enter}</p>\
         <label for=\"code\">{code_l}</label>\
         <input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"10\" required>\
         <button id=\"confirm\" type=\"submit\">{confirm}</button></form></section>\
         <p class=\"muted\" id=\"link-valid\">{valid} {until}.</p>",
        account_l = ctx.pick("Account", "Account"),
        email = esc(&link.account.account),
        step1 = ctx.pick("Stap 1: scan de QR-code", "Step 1: scan the QR code"),
        scan = ctx.pick(
            "Open Tweestap op deze computer en kies “Scherm scannen”: Tweestap leest de QR-code van uw scherm. Met een telefoon-app (Google Authenticator, Authy, SecurEnvoy) kiest u “QR-code scannen” en richt u de camera op de code.",
            "Open Tweestap on this computer and choose “Scan screen”: Tweestap reads the QR code from your screen. With a phone app (Google Authenticator, Authy, SecurEnvoy) choose “Scan a QR code” and point the camera at the code.",
        ),
        token = esc(token),
        alt = esc(&format!("{} BLk ({})", ctx.pick("QR-code voor", "QR code for"), link.account.account)),
        manual = ctx.pick("Scannen lukt niet? Vul de sleutel met de hand in", "Cannot scan? Enter the key by hand"),
        key_l = ctx.pick("Sleutel", "Key"),
        secret = esc(&link.secret_text()),
        kind = ctx.pick(
            "In Tweestap: “Sleutel invoeren”, dienst BLk, accountnaam uw e-mailadres. Soort: op tijd gebaseerd (TOTP), 6 cijfers, elke 30 seconden een nieuwe code.",
            "In Tweestap: “Enter key”, service BLk, account name your e-mail address. Type: time-based (TOTP), 6 digits, a new code every 30 seconds.",
        ),
        link_l = ctx.pick("Of plak deze link in Tweestap (“Link plakken”)", "Or paste this link into Tweestap (“Paste link”)"),
        uri = esc(&link.uri()),
        step2 = ctx.pick("Stap 2: vul de code in", "Step 2: enter the code"),
        enter = ctx.pick(
            "Vul de code in die Tweestap nu toont bij BLk. De code wisselt elke 30 seconden; vul een geldige, actuele code in.",
            "Enter the code Tweestap now shows for BLk. The code changes every 30 seconds; enter a valid, current code.",
        ),
        code_l = ctx.pick("Code (6 cijfers)", "Code (6 digits)"),
        confirm = ctx.pick("Bevestigen", "Confirm"),
        valid = ctx.pick("Deze link is geldig tot", "This link is valid until"),
        until = time::readable(link.expires_at, ctx.lang),
    );
    body
}

fn link_error_page(ctx: &Ctx, user: Option<&str>, error: &PortalError) -> Response {
    let title = ctx.pick(
        "Tweestapsverificatie instellen",
        "Set up two-step verification",
    );
    let body = notice("error", "error", &error.message(ctx.lang));
    (link_status(error), ctx.render(user, title, &body)).into_response()
}

async fn setup_page(ctx: Ctx, State(portal): State<Portal>, Path(token): Path<String>) -> Response {
    let store = portal.store();
    let user = ctx.user(&store);
    if let Err(error) = store.open_link(&token) {
        return link_error_page(&ctx, user.as_deref(), &error);
    }
    let title = ctx.pick(
        "Tweestapsverificatie instellen",
        "Set up two-step verification",
    );
    ctx.render(
        user.as_deref(),
        title,
        &setup_body(&ctx, &store, &token, None),
    )
    .into_response()
}

async fn setup_submit(
    ctx: Ctx,
    State(portal): State<Portal>,
    Path(token): Path<String>,
    Form(form): Form<CodeForm>,
) -> Response {
    let mut store = portal.store();
    let user = ctx.user(&store);
    let title = ctx.pick(
        "Tweestapsverificatie instellen",
        "Set up two-step verification",
    );
    match store.confirm(&token, &form.code) {
        Ok(()) => {
            let next = if user.is_some() {
                format!(
                    "<a class=\"button\" href=\"/profile\">{}</a>",
                    ctx.pick("Naar Mijn Profiel", "Go to My Profile")
                )
            } else {
                format!(
                    "<a class=\"button\" href=\"/login\">{}</a>",
                    ctx.pick("Naar inloggen", "Go to log in")
                )
            };
            let body = notice(
                "ok",
                "confirmed",
                ctx.pick(
                    "2FA is ingesteld. Hiermee is de instelling voltooid: bij elke inlog wordt nu als extra stap om een code gevraagd.",
                    "2FA is set up. That completes the setup: every login now asks for a code as an extra step.",
                ),
            ) + &format!("<p>{next}</p>");
            ctx.render(user.as_deref(), title, &body).into_response()
        }
        Err(error) => match store.open_link(&token) {
            Ok(_) => {
                let body = setup_body(&ctx, &store, &token, Some(error.message(ctx.lang)));
                (
                    StatusCode::BAD_REQUEST,
                    ctx.render(user.as_deref(), title, &body),
                )
                    .into_response()
            }
            Err(link_error) => link_error_page(&ctx, user.as_deref(), &link_error),
        },
    }
}

async fn qr_image(State(portal): State<Portal>, Path(file): Path<String>) -> Response {
    let token = file.strip_suffix(".png").unwrap_or(&file);
    let uri = match portal.store().open_link(token) {
        Ok(link) => link.uri(),
        Err(error) => return api::error_response(link_status(&error), &error),
    };
    match qr_png::png(&uri) {
        Ok(png) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            png,
        )
            .into_response(),
        Err(message) => (StatusCode::INTERNAL_SERVER_ERROR, message).into_response(),
    }
}

// --- helpdesk --------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
struct HelpdeskQuery {
    done: String,
    email: String,
}

async fn helpdesk(
    ctx: Ctx,
    State(portal): State<Portal>,
    Query(query): Query<HelpdeskQuery>,
) -> Response {
    let store = portal.store();
    let user = ctx.user(&store);
    let mut body = match query.done.as_str() {
        "reset" => notice(
            "ok",
            "helpdesk-done",
            &format!(
                "{} {}.",
                ctx.pick(
                    "2FA gereset; een nieuwe mail is verstuurd naar",
                    "2FA reset; a new mail was sent to"
                ),
                query.email
            ),
        ),
        "clock" => notice(
            "ok",
            "helpdesk-done",
            ctx.pick(
                "De klok van het portaal is aangepast.",
                "The portal clock was changed.",
            ),
        ),
        "policy" => notice(
            "ok",
            "helpdesk-done",
            ctx.pick(
                "Het 2FA-beleid van het portaal is aangepast.",
                "The portal's 2FA policy was changed.",
            ),
        ),
        "unknown" => notice(
            "error",
            "error",
            &PortalError::from(Problem::UnknownUser).message(ctx.lang),
        ),
        "bad-policy" => notice(
            "error",
            "error",
            ctx.pick(
                "Het 2FA-beleid is niet aangepast: kies Verplicht of Optioneel.",
                "The 2FA policy was not changed: choose Mandatory or Optional.",
            ),
        ),
        "bad-clock" => notice(
            "error",
            "error",
            &ctx.pick(
                format!(
                    "De klok is niet verzet: vul een heel aantal seconden in, van -{MAX_OFFSET_S} tot {MAX_OFFSET_S} (ongeveer 100 jaar terug of verder)."
                ),
                format!(
                    "The clock was not changed: enter a whole number of seconds from -{MAX_OFFSET_S} to {MAX_OFFSET_S} (about 100 years either way)."
                ),
            ),
        ),
        _ => String::new(),
    };
    body += &format!(
        "<p>{}</p>",
        ctx.pick(
            "Hier reset de helpdesk 2FA (de oude sleutel werkt dan niet meer en er komt een nieuwe mail), ziet welke code het portaal nu verwacht, en verzet de klok van het portaal om te laten zien wat een verkeerd lopende klok doet.",
            "Here the helpdesk resets 2FA (the old key stops working and a new mail arrives), sees which code the portal expects now, and moves the portal clock to show what a wrong clock does.",
        )
    );

    // Policy.
    let policy = store.policy();
    body += &format!(
        "<section class=\"card\" id=\"policy\"><h2>{title}</h2>\
         <p>{now_l}: <strong id=\"policy-state\" data-policy=\"{kind}\">{state}</strong></p><p>{explain}</p>\
         <form method=\"post\" action=\"/helpdesk/policy\" class=\"inline\">\
         <button name=\"two_factor\" value=\"mandatory\" class=\"{mandatory_class}\" id=\"policy-mandatory\">{mandatory}</button>\
         <button name=\"two_factor\" value=\"optional\" class=\"{optional_class}\" id=\"policy-optional\">{optional}</button></form></section>",
        title = ctx.pick("2FA-beleid", "2FA policy"),
        now_l = ctx.pick("Nu", "Now"),
        kind = policy.kind(),
        state = policy_text(&ctx, policy),
        explain = ctx.pick(
            "Verplicht (zoals het BLk-portaal sinds 1-1-2022): zonder bevestigde 2FA-sleutel kan niemand inloggen, ook niet na een reset; het portaal verwijst naar de mail met de QR-code. Optioneel (maart 2021 tot 2022, voor demonstraties): zonder bevestigde sleutel is het wachtwoord genoeg.",
            "Mandatory (as the BLk portal since 1-1-2022): nobody logs in without a confirmed 2FA key, also not after a reset; the portal points to the mail with the QR code. Optional (March 2021 to 2022, for demonstrations): without a confirmed key the password is enough.",
        ),
        mandatory_class = if policy == Policy::Mandatory { "" } else { "secondary" },
        optional_class = if policy == Policy::Optional { "" } else { "secondary" },
        mandatory = ctx.pick("Verplicht", "Mandatory"),
        optional = ctx.pick("Optioneel", "Optional"),
    );

    // Users.
    body += &format!(
        "<section class=\"card\"><h2>{}</h2><table id=\"users\"><thead><tr><th>{}</th><th>2FA</th><th>{}</th><th>{}</th><th></th></tr></thead><tbody>",
        ctx.pick("Gebruikers", "Users"),
        ctx.pick("E-mailadres", "E-mail address"),
        ctx.pick("Inloggen", "Login"),
        ctx.pick("Verwachte code", "Expected code"),
    );
    for u in store.users() {
        let key = user_key(&u.email);
        let expected = store.expected(&u.email).ok().map_or_else(
            || "–".to_owned(),
            |e| {
                format!(
                    "<code class=\"expected\" id=\"expected-{id}\">{code}</code> <span class=\"muted\">({remaining} s; {next_l} {next})</span>",
                    id = esc(&key),
                    code = e.info.code,
                    remaining = e.info.remaining_s.unwrap_or(0),
                    next_l = ctx.pick("daarna", "then"),
                    next = e.info.next_code.unwrap_or_default(),
                )
            },
        );
        let state = match u.two_factor {
            TwoFactor::Off => ctx.pick("uit", "off"),
            TwoFactor::Pending { .. } if store.was_reset(u) => ctx.pick(
                "gereset: wacht op bevestiging van de nieuwe sleutel",
                "reset: awaiting confirmation of the new key",
            ),
            TwoFactor::Pending { .. } => ctx.pick("wacht op bevestiging", "awaiting confirmation"),
            TwoFactor::On { .. } => ctx.pick("aan", "on"),
        };
        body += &format!(
            "<tr><td><a href=\"/inbox?email={q}\">{email}</a></td><td id=\"state-{id}\">{state}</td>\
             <td id=\"login-{id}\" data-login=\"{login_kind}\">{login}</td><td>{expected}</td>\
             <td><form method=\"post\" action=\"/helpdesk/reset\"><input type=\"hidden\" name=\"email\" value=\"{email}\">\
             <button type=\"submit\" class=\"secondary\" id=\"reset-{id}\">{reset}</button></form></td></tr>",
            q = esc(&query_value(&u.email)),
            email = esc(&u.email),
            id = esc(&key),
            reset = ctx.pick("2FA resetten", "Reset 2FA"),
            login_kind = store.login_needs(u).kind(),
            login = login_text(&ctx, &store, u),
        );
    }
    body += &format!(
        "</tbody></table><p><a href=\"/helpdesk\" class=\"button secondary\">{}</a></p></section>",
        ctx.pick("Vernieuwen", "Refresh")
    );

    // Clock.
    let now = store.now();
    let offset = store.offset_s();
    body += &format!(
        "<section class=\"card\" id=\"clock\"><h2>{title}</h2>\
         <p>{now_l}: <strong id=\"portal-time\">{now}</strong>; {offset_l}: <strong id=\"clock-offset\">{offset:+} s</strong>.</p>\
         <p>{explain}</p>\
         <form method=\"post\" action=\"/helpdesk/clock\" class=\"inline\">\
         <label for=\"offset\">{set_l}</label><input id=\"offset\" name=\"offset_s\" type=\"number\" value=\"{offset}\">\
         <button type=\"submit\" id=\"set-offset\">{set}</button></form>\
         <form method=\"post\" action=\"/helpdesk/clock\" class=\"inline\">\
         <button name=\"offset_s\" value=\"-120\" class=\"secondary\" id=\"offset-minus-120\">−120 s</button>\
         <button name=\"offset_s\" value=\"-30\" class=\"secondary\" id=\"offset-minus-30\">−30 s</button>\
         <button name=\"offset_s\" value=\"0\" class=\"secondary\" id=\"offset-zero\">0</button>\
         <button name=\"offset_s\" value=\"30\" class=\"secondary\" id=\"offset-plus-30\">+30 s</button>\
         <button name=\"offset_s\" value=\"120\" class=\"secondary\" id=\"offset-plus-120\">+120 s</button>\
         <button name=\"advance_s\" value=\"{five_days}\" class=\"secondary\" id=\"fast-forward\">{ff}</button></form></section>",
        title = ctx.pick("Klok van het portaal", "Portal clock"),
        now_l = ctx.pick("Tijd van het portaal", "Portal time"),
        now = time::readable(now, ctx.lang),
        offset_l = ctx.pick("verschil met deze computer", "difference from this computer"),
        explain = ctx.pick(
            "Codes worden gecontroleerd met de klok van het portaal. Zet de klok een paar minuten verder of terug en de codes van Tweestap worden geweigerd met de uitleg over de klok; één stap (30 s) verschil wordt nog geaccepteerd. “5 dagen verder” laat een maillink verlopen.",
            "Codes are checked against the portal's clock. Move it a few minutes either way and Tweestap's codes are refused with the clock explanation; one step (30 s) is still accepted. “5 days on” makes a mail link expire.",
        ),
        set_l = ctx.pick("Verschil in seconden", "Difference in seconds"),
        set = ctx.pick("Instellen", "Set"),
        five_days = crate::LINK_VALID_S + 60,
        ff = ctx.pick("5 dagen verder", "5 days on"),
    );
    ctx.render(user.as_deref(), "Helpdesk", &body)
        .into_response()
}

fn policy_text(ctx: &Ctx, policy: Policy) -> &'static str {
    match policy {
        Policy::Mandatory => ctx.pick("2FA verplicht", "2FA mandatory"),
        Policy::Optional => ctx.pick("2FA optioneel", "2FA optional"),
    }
}

/// What `user` needs to log in, in words, for the helpdesk.
fn login_text(ctx: &Ctx, store: &Store, user: &User) -> &'static str {
    match store.login_needs(user) {
        LoginNeeds::Code => ctx.pick("wachtwoord en code", "password and code"),
        LoginNeeds::Setup if store.was_reset(user) => ctx.pick(
            "geblokkeerd tot de nieuwe sleutel is bevestigd",
            "blocked until the new key is confirmed",
        ),
        LoginNeeds::Setup => ctx.pick(
            "geblokkeerd tot 2FA is ingesteld",
            "blocked until 2FA is set up",
        ),
        LoginNeeds::Password => ctx.pick("alleen wachtwoord", "password only"),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResetForm {
    email: String,
}

async fn helpdesk_reset(State(portal): State<Portal>, Form(form): Form<ResetForm>) -> Redirect {
    match portal.store().reset(&form.email) {
        Ok(_) => Redirect::to(&format!(
            "/helpdesk?done=reset&email={}",
            query_value(form.email.trim())
        )),
        Err(_) => Redirect::to("/helpdesk?done=unknown"),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ClockForm {
    offset_s: Option<String>,
    advance_s: Option<String>,
}

async fn helpdesk_clock(State(portal): State<Portal>, Form(form): Form<ClockForm>) -> Redirect {
    // A value that is not a whole number, or out of range, is refused and the clock stays.
    let parse = |v: &str| v.trim().parse::<i64>().ok();
    let mut store = portal.store();
    let changed = match (form.advance_s.as_deref(), form.offset_s.as_deref()) {
        (Some(seconds), _) => parse(seconds).map(|s| store.advance(s)),
        (None, Some(offset)) => parse(offset).map(|o| store.set_offset(o)),
        (None, None) => None,
    };
    match changed {
        Some(Ok(())) => Redirect::to("/helpdesk?done=clock"),
        _ => Redirect::to("/helpdesk?done=bad-clock"),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PolicyForm {
    two_factor: String,
}

async fn helpdesk_policy(State(portal): State<Portal>, Form(form): Form<PolicyForm>) -> Redirect {
    match Policy::parse(&form.two_factor) {
        Some(policy) => {
            portal.store().set_policy(policy);
            Redirect::to("/helpdesk?done=policy")
        }
        None => Redirect::to("/helpdesk?done=bad-policy"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_by_name() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; portal_lang=en"),
        );
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("portal_session=abc"),
        );
        assert_eq!(cookie(&headers, LANG_COOKIE).as_deref(), Some("en"));
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "b"), None);
    }

    #[test]
    fn a_link_is_gone_unless_unknown() {
        assert_eq!(
            link_status(&Problem::UnknownLink.into()),
            StatusCode::NOT_FOUND
        );
        assert_eq!(link_status(&Problem::ExpiredLink.into()), StatusCode::GONE);
    }
}
