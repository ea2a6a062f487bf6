//! Mijn account, Mijn Profiel, turning two-factor login on, and the inbox with its mails.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::{Ctx, login_redirect, not_found_page};
use crate::Portal;
use crate::html::{error_notice, notice};
use crate::problem::Problem;
use crate::store::{MailReason, Stage, Store, TwoFactor};
use crate::time;

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

pub(super) async fn home(ctx: Ctx, State(portal): State<Portal>) -> Response {
    let store = portal.store();
    let Some(email) = ctx.user(&store) else {
        return login_redirect();
    };
    let name = store
        .user(&email)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let body = html! {
        p id="welcome" { (ctx.pick("Welkom", "Welcome")) ", " (name) "." }
        p {
            (ctx.pick(
                "Ga via het menu “Mijn account” naar de optie “Mijn Profiel” om tweestapsverificatie (2FA) in te stellen.",
                "Open “My Profile” from the “My account” menu to set up two-step verification (2FA).",
            ))
        }
        p class="card" {
            (ctx.pick("Tweestapsverificatie", "Two-step verification")) ": "
            strong id="twofa-status" { (two_factor_status(&ctx, &store, &email)) }
        }
    };
    ctx.render(Some(&email), ctx.pick("Overzicht", "Overview"), body)
        .into_response()
}

pub(super) async fn profile(ctx: Ctx, State(portal): State<Portal>) -> Response {
    let store = portal.store();
    let Some(email) = ctx.user(&store) else {
        return login_redirect();
    };
    let Ok(user) = store.user(&email) else {
        return login_redirect();
    };
    let action = html! {
        @if matches!(user.two_factor, TwoFactor::On { .. }) {
            p {
                (ctx.pick(
                    "2FA staat aan: bij elke inlog wordt als extra stap om een code gevraagd. Nieuwe computer of telefoon? Neem contact op met de helpdesk; die stelt 2FA opnieuw in.",
                    "2FA is on: every login asks for a code as an extra step. New computer or phone? Contact the helpdesk, who will set 2FA up again.",
                ))
            }
        } @else {
            p {
                (ctx.pick(
                    "Met 2FA vraagt het portaal bij het inloggen naast uw wachtwoord om een code uit een authenticator-app, zoals Tweestap op deze computer.",
                    "With 2FA the portal asks, besides your password, for a code from an authenticator app, such as Tweestap on this computer.",
                ))
            }
            p {
                a class="button" id="enable-2fa" href="/profile/2fa" {
                    (ctx.pick("2FA inschakelen", "Enable 2FA"))
                }
            }
        }
    };
    let body = html! {
        section class="card" {
            h2 { (ctx.pick("Gegevens", "Details")) }
            dl {
                dt { (ctx.pick("Naam", "Name")) }
                dd id="profile-name" { (user.name) }
                dt { (ctx.pick("E-mailadres", "E-mail address")) }
                dd id="profile-email" { (user.email) }
            }
        }
        section class="card" id="twofa-box" {
            h2 { (ctx.pick("Tweestapsverificatie", "Two-step verification")) }
            p {
                (ctx.pick("Status", "Status")) ": "
                strong id="twofa-status" { (two_factor_status(&ctx, &store, &email)) }
            }
            (action)
        }
    };
    ctx.render(Some(&email), ctx.pick("Mijn Profiel", "My Profile"), body)
        .into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PasswordForm {
    password: String,
}

fn enable_body(ctx: &Ctx, message: Option<&str>) -> Markup {
    html! {
        (error_notice(message))
        form method="post" action="/profile/2fa" class="card dialog" id="confirm-password" {
            p {
                (ctx.pick(
                    "Vul ter bevestiging uw wachtwoord in.",
                    "Enter your password to confirm.",
                ))
            }
            label for="password" { (ctx.pick("Wachtwoord", "Password")) }
            input id="password" name="password" type="password"
                autocomplete="current-password" required autofocus;
            div class="actions" {
                button id="enable" type="submit" { (ctx.pick("Inschakelen", "Enable")) }
                a class="button secondary" href="/profile" { (ctx.pick("Annuleren", "Cancel")) }
            }
        }
    }
}

pub(super) async fn enable_page(ctx: Ctx, State(portal): State<Portal>) -> Response {
    let Some(email) = ctx.user(&portal.store()) else {
        return login_redirect();
    };
    ctx.render(
        Some(&email),
        ctx.pick("2FA inschakelen", "Enable 2FA"),
        enable_body(&ctx, None),
    )
    .into_response()
}

pub(super) async fn enable_submit(
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
            let body = html! {
                (notice(
                    "ok",
                    "mail-sent",
                    ctx.pick(
                        "Het eerste deel is gereed. U ontvangt nu een mail met een link naar een QR-code.",
                        "The first part is done. You will now receive a mail with a link to a QR code.",
                    ),
                ))
                p {
                    (ctx.pick(
                        "Open de mail met het onderwerp “Stichting Beter Leven keurmerk - Stel tweestapsauthenticatie (2FA) in”.",
                        "Open the mail with the subject “Stichting Beter Leven keurmerk - Stel tweestapsauthenticatie (2FA) in”.",
                    ))
                }
                p {
                    a class="button" id="open-inbox" href="/inbox" {
                        (ctx.pick("Open de oefen-inbox", "Open the practice inbox"))
                    }
                }
            };
            ctx.render(Some(&email), title, body).into_response()
        }
        Err(error) => {
            let status = if error.problem == Problem::AlreadyEnabled {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNAUTHORIZED
            };
            let body = enable_body(&ctx, Some(&error.message(ctx.lang)));
            (status, ctx.render(Some(&email), title, body)).into_response()
        }
    }
}

// --- inbox -----------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct InboxQuery {
    email: String,
}

pub(super) async fn inbox(
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
    let chooser = html! {
        form method="get" action="/inbox" class="inline" {
            label for="inbox-email" { (ctx.pick("Mailbox van", "Mailbox of")) }
            input id="inbox-email" name="email" type="email"
                value=(mailbox.as_deref().unwrap_or(""));
            button type="submit" class="secondary" { (ctx.pick("Openen", "Open")) }
        }
    };
    let Some(mailbox) = mailbox else {
        return ctx.render(None, title, chooser).into_response();
    };
    let mails = store.mails_for(&mailbox);
    let body = html! {
        (chooser)
        @if mails.is_empty() {
            p id="inbox-empty" {
                (ctx.pick("Er zijn (nog) geen mails.", "There are no mails (yet)."))
            }
        } @else {
            ul class="inbox" id="inbox" {
                @for mail in mails {
                    li {
                        a class="mail-link" href={ "/inbox/" (mail.id) } {
                            span class="from" { "Stichting Beter Leven keurmerk" }
                            span class="subject" { (mail.subject) }
                            span class="date" { (time::readable(mail.sent_at, ctx.lang)) }
                        }
                    }
                }
            }
        }
    };
    ctx.render(user.as_deref(), title, body).into_response()
}

pub(super) async fn mail_page(
    ctx: Ctx,
    State(portal): State<Portal>,
    Path(id): Path<String>,
) -> Response {
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
    let body = html! {
        article class="mail card" id="mail" {
            dl class="headers" {
                dt { (ctx.pick("Van", "From")) }
                dd { "Stichting Beter Leven keurmerk <noreply@example.nl>" }
                dt { (ctx.pick("Aan", "To")) }
                dd { (email) }
                dt { (ctx.pick("Datum", "Date")) }
                dd { (time::readable(mail.sent_at, ctx.lang)) }
                dt { (ctx.pick("Onderwerp", "Subject")) }
                dd id="mail-subject" { (mail.subject) }
            }
            p { (ctx.pick("Beste", "Dear")) " " (name) "," }
            p { (intro) }
            p {
                (ctx.pick(
                    "Klik op de link voor de “QR code” om uw persoonlijke code in te stellen in een authenticator-app, zoals Google Authenticator op uw telefoon of Tweestap op uw computer.",
                    "Click the “QR code” link to set up your personal code in an authenticator app, such as Google Authenticator on your phone or Tweestap on your computer.",
                ))
            }
            p { a id="qr-link" class="button" href={ "/2fa/setup/" (mail.token) } { "QR code" } }
            p {
                (ctx.pick(
                    "LET OP: om veiligheidsredenen is deze link 5 dagen geldig, tot",
                    "NOTE: for safety this link is valid for 5 days, until",
                ))
                " " (expires) ". "
                (ctx.pick(
                    "Hebt u 2FA niet binnen 5 dagen geactiveerd, neem dan contact op met de helpdesk.",
                    "If you have not activated 2FA within 5 days, contact the helpdesk.",
                ))
            }
            p {
                (ctx.pick("Met vriendelijke groet,", "Kind regards,"))
                br;
                "Stichting Beter Leven keurmerk"
            }
        }
    };
    let title = ctx.pick("Oefen-inbox", "Practice inbox");
    ctx.render(user.as_deref(), title, body).into_response()
}
