//! The QR page a setup mail links to: the code to scan, the key to type, the first code.

use axum::extract::{Form, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::Ctx;
use super::login::CodeForm;
use crate::Portal;
use crate::html::{code_field, error_notice, notice};
use crate::problem::{PortalError, Problem};
use crate::store::Store;
use crate::{api, qr_png, time};

/// Status for a link that cannot be used (or does not exist).
pub(super) fn link_status(error: &PortalError) -> StatusCode {
    match error.problem {
        Problem::UnknownLink => StatusCode::NOT_FOUND,
        _ => StatusCode::GONE,
    }
}

fn setup_body(ctx: &Ctx, store: &Store, token: &str, message: Option<&str>) -> Markup {
    let Ok(link) = store.open_link(token) else {
        return html! {};
    };
    let account = &link.account.account;
    html! {
        (error_notice(message))
        p {
            (ctx.pick("Account", "Account")) ": "
            strong id="setup-account" { "BLk (" (account) ")" }
        }
        section class="card step" {
            h2 { (ctx.pick("Stap 1: scan de QR-code", "Step 1: scan the QR code")) }
            p {
                (ctx.pick(
                    "Open Tweestap op deze computer en kies “Scherm scannen”: Tweestap leest de QR-code van uw scherm. Met een telefoon-app (Google Authenticator, Authy, SecurEnvoy) kiest u “QR-code scannen” en richt u de camera op de code.",
                    "Open Tweestap on this computer and choose “Scan screen”: Tweestap reads the QR code from your screen. With a phone app (Google Authenticator, Authy, SecurEnvoy) choose “Scan a QR code” and point the camera at the code.",
                ))
            }
            img id="qr" class="qr" src={ "/2fa/qr/" (token) ".png" }
                alt={ (ctx.pick("QR-code voor", "QR code for")) " BLk (" (account) ")" };
            details id="manual" {
                summary {
                    (ctx.pick(
                        "Scannen lukt niet? Vul de sleutel met de hand in",
                        "Cannot scan? Enter the key by hand",
                    ))
                }
                p {
                    (ctx.pick("Sleutel", "Key")) ": "
                    code id="secret" { (link.secret_text()) }
                }
                p {
                    (ctx.pick(
                        "In Tweestap: “Sleutel invoeren”, dienst BLk, accountnaam uw e-mailadres. Soort: op tijd gebaseerd (TOTP), 6 cijfers, elke 30 seconden een nieuwe code.",
                        "In Tweestap: “Enter key”, service BLk, account name your e-mail address. Type: time-based (TOTP), 6 digits, a new code every 30 seconds.",
                    ))
                }
                label for="otpauth-link" {
                    (ctx.pick(
                        "Of plak deze link in Tweestap (“Link plakken”)",
                        "Or paste this link into Tweestap (“Paste link”)",
                    ))
                }
                input id="otpauth-link" readonly value=(link.uri());
            }
        }
        section class="card step" {
            h2 { (ctx.pick("Stap 2: vul de code in", "Step 2: enter the code")) }
            form method="post" action={ "/2fa/setup/" (token) } {
                p {
                    (ctx.pick(
                        "Vul de code in die Tweestap nu toont bij BLk. De code wisselt elke 30 seconden; vul een geldige, actuele code in.",
                        "Enter the code Tweestap now shows for BLk. The code changes every 30 seconds; enter a valid, current code.",
                    ))
                }
                (code_field(ctx.lang, false))
                button id="confirm" type="submit" { (ctx.pick("Bevestigen", "Confirm")) }
            }
        }
        p class="muted" id="link-valid" {
            (ctx.pick("Deze link is geldig tot", "This link is valid until")) " "
            (time::readable(link.expires_at, ctx.lang)) "."
        }
    }
}

fn link_error_page(ctx: &Ctx, user: Option<&str>, error: &PortalError) -> Response {
    let title = ctx.pick(
        "Tweestapsverificatie instellen",
        "Set up two-step verification",
    );
    let body = notice("error", "error", &error.message(ctx.lang));
    (link_status(error), ctx.render(user, title, body)).into_response()
}

pub(super) async fn setup_page(
    ctx: Ctx,
    State(portal): State<Portal>,
    Path(token): Path<String>,
) -> Response {
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
        setup_body(&ctx, &store, &token, None),
    )
    .into_response()
}

pub(super) async fn setup_submit(
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
            let body = html! {
                (notice(
                    "ok",
                    "confirmed",
                    ctx.pick(
                        "2FA is ingesteld. Hiermee is de instelling voltooid: bij elke inlog wordt nu als extra stap om een code gevraagd.",
                        "2FA is set up. That completes the setup: every login now asks for a code as an extra step.",
                    ),
                ))
                p {
                    @if user.is_some() {
                        a class="button" href="/profile" {
                            (ctx.pick("Naar Mijn Profiel", "Go to My Profile"))
                        }
                    } @else {
                        a class="button" href="/login" {
                            (ctx.pick("Naar inloggen", "Go to log in"))
                        }
                    }
                }
            };
            ctx.render(user.as_deref(), title, body).into_response()
        }
        Err(error) => match store.open_link(&token) {
            Ok(_) => {
                let message = error.message(ctx.lang);
                let body = setup_body(&ctx, &store, &token, Some(&message));
                (
                    StatusCode::BAD_REQUEST,
                    ctx.render(user.as_deref(), title, body),
                )
                    .into_response()
            }
            Err(link_error) => link_error_page(&ctx, user.as_deref(), &link_error),
        },
    }
}

pub(super) async fn qr_image(State(portal): State<Portal>, Path(file): Path<String>) -> Response {
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
