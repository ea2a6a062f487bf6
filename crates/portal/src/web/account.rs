//! Mijn account, Mijn Profiel, turning two-factor login on, and the inbox with its mails.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Ctx, login_redirect, not_found_page};
use crate::Portal;
use crate::html::{esc, notice};
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

pub(super) async fn profile(ctx: Ctx, State(portal): State<Portal>) -> Response {
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
pub(super) struct PasswordForm {
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

pub(super) async fn enable_page(ctx: Ctx, State(portal): State<Portal>) -> Response {
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
