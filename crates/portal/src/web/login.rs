//! Logging in: e-mail and password, the code when two-factor login is on, logging out.

use axum::extract::{Form, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::{Ctx, SESSION_COOKIE, login_redirect, session_cookie};
use crate::Portal;
use crate::html::{code_field, error_notice, notice};
use crate::problem::PortalError;
use crate::store::{LoginNeeds, Stage, Store};

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LoginForm {
    email: String,
    password: String,
}

fn login_body(ctx: &Ctx, email: &str, password: &str, message: Option<&str>) -> Markup {
    let demo_email = if email.is_empty() {
        crate::DEMO_EMAIL
    } else {
        email
    };
    let demo_password = if password.is_empty() {
        crate::DEMO_PASSWORD
    } else {
        password
    };
    html! {
        (error_notice(message))
        form method="post" action="/login" class="card" {
            label for="email" { (ctx.pick("E-mailadres", "E-mail address")) }
            input id="email" name="email" type="email" autocomplete="username" value=(email)
                required;
            label for="password" { (ctx.pick("Wachtwoord", "Password")) }
            input id="password" name="password" type="password" autocomplete="current-password"
                value=(password) required;
            button id="login" type="submit" { (ctx.pick("Inloggen", "Log in")) }
        }
        section class="card demo" {
            h2 { (ctx.pick("Oefenen", "Practise")) }
            p {
                (ctx.pick(
                    "Log in met het oefenaccount, of maak een nieuw oefenaccount aan (elk met een eigen inbox).",
                    "Log in with the practice account, or create a new one (each has its own inbox).",
                ))
            }
            p {
                (ctx.pick("Oefenaccount", "Practice account")) ": "
                code id="demo-email" { (demo_email) }
                " / "
                code id="demo-password" { (demo_password) }
            }
            form method="post" action="/demo-user" {
                button id="new-demo" type="submit" class="secondary" {
                    (ctx.pick("Nieuw oefenaccount", "New practice account"))
                }
            }
        }
    }
}

pub(super) async fn login_page(ctx: Ctx, State(portal): State<Portal>) -> Response {
    if ctx.user(&portal.store()).is_some() {
        return Redirect::to("/home").into_response();
    }
    let title = ctx.pick("Inloggen", "Log in");
    ctx.render(None, title, login_body(&ctx, "", "", None))
        .into_response()
}

pub(super) async fn demo_user(ctx: Ctx, State(portal): State<Portal>) -> Response {
    let (email, password) = portal.store().create_demo_user();
    let body = html! {
        (notice(
            "ok",
            "demo-created",
            ctx.pick(
                "Er is een nieuw oefenaccount aangemaakt. Klik op Inloggen.",
                "A new practice account was created. Click Log in.",
            ),
        ))
        (login_body(&ctx, &email, &password, None))
    };
    ctx.render(None, ctx.pick("Inloggen", "Log in"), body)
        .into_response()
}

pub(super) async fn login_submit(
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
            let message = error.message(ctx.lang);
            let body = login_body(&ctx, &form.email, "", Some(&message));
            let title = ctx.pick("Inloggen", "Log in");
            (StatusCode::UNAUTHORIZED, ctx.render(None, title, body)).into_response()
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CodeForm {
    pub(super) code: String,
}

/// The code page: `setup` is the `setup_required` explanation when the user has no confirmed
/// key yet (mandatory 2FA), shown above the field with the way to the mail.
fn code_body(ctx: &Ctx, setup: Option<&PortalError>, message: Option<&str>) -> Markup {
    html! {
        (error_notice(message))
        @if let Some(setup) = setup {
            (notice("info", "setup-required", &setup.message(ctx.lang)))
            p {
                a class="button secondary" id="setup-inbox" href="/inbox" {
                    (ctx.pick("Naar de oefen-inbox", "Go to the practice inbox"))
                }
            }
        }
        form method="post" action="/login/code" class="card" {
            p {
                (ctx.pick(
                    "Vul hier een geldige, actuele code in die getoond wordt in Tweestap of uw authenticator-app.",
                    "Enter a valid, current code as shown in Tweestap or your authenticator app.",
                ))
            }
            (code_field(ctx.lang, true))
            button id="verify" type="submit" { (ctx.pick("Controleren", "Verify")) }
        }
    }
}

/// The `setup_required` explanation for `email`, when its login waits for a key.
fn pending_setup(store: &Store, email: &str) -> Option<PortalError> {
    let user = store.user(email).ok()?;
    (store.login_needs(user) == LoginNeeds::Setup).then(|| store.setup_required(user))
}

pub(super) async fn code_page(ctx: Ctx, State(portal): State<Portal>) -> Response {
    let store = portal.store();
    let Some(email) = ctx.user_at(&store, Stage::NeedsCode) else {
        return login_redirect();
    };
    let setup = pending_setup(&store, &email);
    let title = ctx.pick("Extra controle", "Extra check");
    ctx.render(None, title, code_body(&ctx, setup.as_ref(), None))
        .into_response()
}

pub(super) async fn code_submit(
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
            let body = code_body(&ctx, setup.as_ref(), message.as_deref());
            (StatusCode::BAD_REQUEST, ctx.render(None, title, body)).into_response()
        }
    }
}

pub(super) async fn logout(ctx: Ctx, State(portal): State<Portal>) -> Response {
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
