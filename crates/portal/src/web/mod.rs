//! The pages: the user's journey (login, Mijn account, Mijn Profiel, 2FA inschakelen, inbox,
//! QR page, code at login) and the helpdesk. Handlers read the request, call the store and
//! render; the rules live in `store/`. One file per part of the portal: `login`, `account`
//! (Mijn account, profile, inbox), `setup` (the QR page) and `helpdesk`; this module the
//! routes and what every request shares (its context, cookies, the language, errors).

mod account;
mod helpdesk;
mod login;
mod setup;

use std::convert::Infallible;

use axum::Router;
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use crate::Portal;
use crate::api;
use crate::html::{Viewer, notice, page};
use crate::lang::Lang;
use crate::problem::{PortalError, Problem};
use crate::store::{Stage, Store};

pub const SESSION_COOKIE: &str = "portal_session";
pub const LANG_COOKIE: &str = "portal_lang";
const STYLE: &str = include_str!("../../assets/style.css");

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/", get(index))
        .route("/style.css", get(style))
        .route("/lang/{lang}", get(set_lang))
        .route("/login", get(login::login_page).post(login::login_submit))
        .route(
            "/login/code",
            get(login::code_page).post(login::code_submit),
        )
        .route("/logout", post(login::logout))
        .route("/demo-user", post(login::demo_user))
        .route("/home", get(account::home))
        .route("/profile", get(account::profile))
        .route(
            "/profile/2fa",
            get(account::enable_page).post(account::enable_submit),
        )
        .route("/inbox", get(account::inbox))
        .route("/inbox/{id}", get(account::mail_page))
        .route(
            "/2fa/setup/{token}",
            get(setup::setup_page).post(setup::setup_submit),
        )
        .route("/2fa/qr/{file}", get(setup::qr_image))
        .route("/helpdesk", get(helpdesk::helpdesk))
        .route("/helpdesk/reset", post(helpdesk::helpdesk_reset))
        .route("/helpdesk/clock", post(helpdesk::helpdesk_clock))
        .route("/helpdesk/policy", post(helpdesk::helpdesk_policy))
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

    fn render(&self, user: Option<&str>, title: &str, body: Markup) -> Html<String> {
        let viewer = Viewer {
            lang: self.lang,
            user,
            path: &self.path,
        };
        Html(page(&viewer, title, body).into_string())
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
    let body = html! {
        (notice("error", "error", &PortalError::from(Problem::NotFound).message(ctx.lang)))
        p { a href="/" { (ctx.pick("Naar het begin", "Go to the start")) } }
    };
    let title = ctx.pick("Niet gevonden", "Not found");
    (StatusCode::NOT_FOUND, ctx.render(user, title, body)).into_response()
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
pub(super) struct BackQuery {
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

#[cfg(test)]
mod tests {
    use super::setup::link_status;
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
