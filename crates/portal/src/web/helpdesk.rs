//! The helpdesk: every user's two-factor state, resets, the server clock and the policy.

use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::Ctx;
use crate::Portal;
use crate::html::{notice, query_value};
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
    let done = match query.done.as_str() {
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
        _ => html! {},
    };
    let body = html! {
        (done)
        p {
            (ctx.pick(
                "Hier reset de helpdesk 2FA (de oude sleutel werkt dan niet meer en er komt een nieuwe mail), ziet welke code het portaal nu verwacht, en verzet de klok van het portaal om te laten zien wat een verkeerd lopende klok doet.",
                "Here the helpdesk resets 2FA (the old key stops working and a new mail arrives), sees which code the portal expects now, and moves the portal clock to show what a wrong clock does.",
            ))
        }
        (policy_section(&ctx, store.policy()))
        (users_section(&ctx, &store))
        (clock_section(&ctx, &store))
    };
    ctx.render(user.as_deref(), "Helpdesk", body)
        .into_response()
}

fn policy_section(ctx: &Ctx, policy: Policy) -> Markup {
    // The button of the policy in force is the primary one.
    let class = |shown: Policy| if policy == shown { "" } else { "secondary" };
    html! {
        section class="card" id="policy" {
            h2 { (ctx.pick("2FA-beleid", "2FA policy")) }
            p {
                (ctx.pick("Nu", "Now")) ": "
                strong id="policy-state" data-policy=(policy.kind()) { (policy_text(ctx, policy)) }
            }
            p {
                (ctx.pick(
                    "Verplicht (zoals het BLk-portaal sinds 1-1-2022): zonder bevestigde 2FA-sleutel kan niemand inloggen, ook niet na een reset; het portaal verwijst naar de mail met de QR-code. Optioneel (maart 2021 tot 2022, voor demonstraties): zonder bevestigde sleutel is het wachtwoord genoeg.",
                    "Mandatory (as the BLk portal since 1-1-2022): nobody logs in without a confirmed 2FA key, also not after a reset; the portal points to the mail with the QR code. Optional (March 2021 to 2022, for demonstrations): without a confirmed key the password is enough.",
                ))
            }
            form method="post" action="/helpdesk/policy" class="inline" {
                button name="two_factor" value="mandatory" class=(class(Policy::Mandatory))
                    id="policy-mandatory" {
                    (ctx.pick("Verplicht", "Mandatory"))
                }
                button name="two_factor" value="optional" class=(class(Policy::Optional))
                    id="policy-optional" {
                    (ctx.pick("Optioneel", "Optional"))
                }
            }
        }
    }
}

fn users_section(ctx: &Ctx, store: &Store) -> Markup {
    html! {
        section class="card" {
            h2 { (ctx.pick("Gebruikers", "Users")) }
            table id="users" {
                thead {
                    tr {
                        th { (ctx.pick("E-mailadres", "E-mail address")) }
                        th { "2FA" }
                        th { (ctx.pick("Inloggen", "Login")) }
                        th { (ctx.pick("Verwachte code", "Expected code")) }
                        th {}
                    }
                }
                tbody {
                    @for u in store.users() {
                        (user_row(ctx, store, u))
                    }
                }
            }
            p {
                a href="/helpdesk" class="button secondary" { (ctx.pick("Vernieuwen", "Refresh")) }
            }
        }
    }
}

fn user_row(ctx: &Ctx, store: &Store, u: &User) -> Markup {
    let key = user_key(&u.email);
    let state = match u.two_factor {
        TwoFactor::Off => ctx.pick("uit", "off"),
        TwoFactor::Pending { .. } if store.was_reset(u) => ctx.pick(
            "gereset: wacht op bevestiging van de nieuwe sleutel",
            "reset: awaiting confirmation of the new key",
        ),
        TwoFactor::Pending { .. } => ctx.pick("wacht op bevestiging", "awaiting confirmation"),
        TwoFactor::On { .. } => ctx.pick("aan", "on"),
    };
    html! {
        tr {
            td { a href={ "/inbox?email=" (query_value(&u.email)) } { (u.email) } }
            td id={ "state-" (key) } { (state) }
            td id={ "login-" (key) } data-login=(store.login_needs(u).kind()) {
                (login_text(ctx, store, u))
            }
            td {
                @match store.expected(&u.email) {
                    Ok(e) => {
                        code class="expected" id={ "expected-" (key) } { (e.info.code) }
                        " "
                        span class="muted" {
                            "(" (e.info.remaining_s.unwrap_or(0)) " s; " (ctx.pick("daarna", "then")) " "
                            (e.info.next_code.unwrap_or_default()) ")"
                        }
                    }
                    Err(_) => "–",
                }
            }
            td {
                form method="post" action="/helpdesk/reset" {
                    input type="hidden" name="email" value=(u.email);
                    button type="submit" class="secondary" id={ "reset-" (key) } {
                        (ctx.pick("2FA resetten", "Reset 2FA"))
                    }
                }
            }
        }
    }
}

fn clock_section(ctx: &Ctx, store: &Store) -> Markup {
    let offset = store.offset_s();
    html! {
        section class="card" id="clock" {
            h2 { (ctx.pick("Klok van het portaal", "Portal clock")) }
            p {
                (ctx.pick("Tijd van het portaal", "Portal time")) ": "
                strong id="portal-time" { (time::readable(store.now(), ctx.lang)) }
                "; " (ctx.pick("verschil met deze computer", "difference from this computer")) ": "
                strong id="clock-offset" { (format!("{offset:+}")) " s" }
                "."
            }
            p {
                (ctx.pick(
                    "Codes worden gecontroleerd met de klok van het portaal. Zet de klok een paar minuten verder of terug en de codes van Tweestap worden geweigerd met de uitleg over de klok; één stap (30 s) verschil wordt nog geaccepteerd. “5 dagen verder” laat een maillink verlopen.",
                    "Codes are checked against the portal's clock. Move it a few minutes either way and Tweestap's codes are refused with the clock explanation; one step (30 s) is still accepted. “5 days on” makes a mail link expire.",
                ))
            }
            form method="post" action="/helpdesk/clock" class="inline" {
                label for="offset" { (ctx.pick("Verschil in seconden", "Difference in seconds")) }
                input id="offset" name="offset_s" type="number" value=(offset);
                button type="submit" id="set-offset" { (ctx.pick("Instellen", "Set")) }
            }
            form method="post" action="/helpdesk/clock" class="inline" {
                button name="offset_s" value="-120" class="secondary" id="offset-minus-120" {
                    "−120 s"
                }
                button name="offset_s" value="-30" class="secondary" id="offset-minus-30" {
                    "−30 s"
                }
                button name="offset_s" value="0" class="secondary" id="offset-zero" { "0" }
                button name="offset_s" value="30" class="secondary" id="offset-plus-30" {
                    "+30 s"
                }
                button name="offset_s" value="120" class="secondary" id="offset-plus-120" {
                    "+120 s"
                }
                button name="advance_s" value=(crate::LINK_VALID_S + 60) class="secondary"
                    id="fast-forward" {
                    (ctx.pick("5 dagen verder", "5 days on"))
                }
            }
        }
    }
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
