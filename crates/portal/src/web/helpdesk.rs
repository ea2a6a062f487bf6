//! The helpdesk: every user's two-factor state, resets, the server clock and the policy.

use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Ctx;
use crate::Portal;
use crate::html::{esc, notice, query_value};
use crate::problem::{PortalError, Problem};
use crate::store::{LoginNeeds, Store, TwoFactor, User, user_key};
use crate::time;
use crate::{MAX_OFFSET_S, Policy};

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct HelpdeskQuery {
    done: String,
    email: String,
}

pub(super) async fn helpdesk(
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
pub(super) struct ResetForm {
    email: String,
}

pub(super) async fn helpdesk_reset(
    State(portal): State<Portal>,
    Form(form): Form<ResetForm>,
) -> Redirect {
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
pub(super) struct ClockForm {
    offset_s: Option<String>,
    advance_s: Option<String>,
}

pub(super) async fn helpdesk_clock(
    State(portal): State<Portal>,
    Form(form): Form<ClockForm>,
) -> Redirect {
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
pub(super) struct PolicyForm {
    two_factor: String,
}

pub(super) async fn helpdesk_policy(
    State(portal): State<Portal>,
    Form(form): Form<PolicyForm>,
) -> Redirect {
    match Policy::parse(&form.two_factor) {
        Some(policy) => {
            portal.store().set_policy(policy);
            Redirect::to("/helpdesk?done=policy")
        }
        None => Redirect::to("/helpdesk?done=bad-policy"),
    }
}
