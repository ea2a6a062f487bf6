//! Every API endpoint over real HTTP on 127.0.0.1, with the failure reasons.

mod support;

use serde_json::json;
use support::{T0, code_at, json_error, json_ok, portal, user_json};
use tweestap_portal::LINK_VALID_S;

#[test]
fn mandatory_2fa_a_new_user_is_sent_to_the_setup_mail() {
    let p = portal();
    assert_eq!(
        json_ok(p.get("/api/helpdesk/policy")),
        json!({ "two_factor": "mandatory" })
    );
    let (email, password) = p.demo_user();
    assert!(email.ends_with("@example.nl"), "{email}");
    let (other, _) = p.demo_user();
    assert_ne!(email, other, "each demo user is new");
    // The password alone is not a way in: the first login sends the setup mail.
    let body = json_error(p.login(&email, &password, None), 401, "setup_required");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Stel tweestapsauthenticatie (2FA) in")
    );
    assert!(
        body["message_nl"]
            .as_str()
            .unwrap()
            .contains("2FA is verplicht")
    );
    assert_eq!(body.get("hint"), None, "a first setup, not a reset");
    let inbox = json_ok(p.get(&format!("/api/inbox?email={email}")));
    assert_eq!(inbox.as_array().unwrap().len(), 1);
    json_error(p.login(&email, &password, None), 401, "setup_required");
    let inbox = json_ok(p.get(&format!("/api/inbox?email={email}")));
    assert_eq!(inbox.as_array().unwrap().len(), 1, "not sent again");
    // A wrong code is refused, not ignored; the mail's code confirms and logs in.
    json_error(
        p.login(&email, &password, Some("12345")),
        401,
        "invalid_code",
    );
    let (_, account) = p.scan(&format!(
        "{}/2fa/qr/{}.png",
        p.running.url(),
        inbox[0]["token"].as_str().unwrap()
    ));
    let body = json_ok(p.login(&email, &password, Some(&code_at(&account, T0))));
    assert_eq!(body, json!({ "ok": true, "two_factor": true }));
    // The account from the login page exists too.
    json_error(
        p.login(
            tweestap_portal::DEMO_EMAIL,
            tweestap_portal::DEMO_PASSWORD,
            None,
        ),
        401,
        "setup_required",
    );
}

#[test]
fn optional_2fa_the_password_is_enough_until_a_key_is_confirmed() {
    let p = portal();
    let policy = json_ok(p.post("/api/helpdesk/policy", json!({ "two_factor": "optional" })));
    assert_eq!(policy, json!({ "two_factor": "optional" }));
    let (email, password) = p.demo_user();
    let body = json_ok(p.login(&email, &password, None));
    assert_eq!(body, json!({ "ok": true, "two_factor": false }));
    // A code for an account without 2FA is refused with the reason, never ignored.
    json_error(
        p.login(&email, &password, Some("123456")),
        401,
        "not_enabled",
    );
    json_ok(p.login(
        tweestap_portal::DEMO_EMAIL,
        tweestap_portal::DEMO_PASSWORD,
        None,
    ));

    // After a reset the password is enough again (before 2022), but the old key's code is
    // explained, and the new key's code confirms it.
    let (email, password, old) = p.enrolled_user();
    let reset = json_ok(p.post("/api/helpdesk/reset", json!({ "email": email })));
    let (_, new) = p.scan(reset["qr_url"].as_str().unwrap());
    p.set_time(T0 + 30);
    let body = json_ok(p.login(&email, &password, None));
    assert_eq!(body, json!({ "ok": true, "two_factor": false }));
    let body = json_error(
        p.login(&email, &password, Some(&code_at(&old, T0 + 30))),
        401,
        "invalid_code",
    );
    assert_eq!(body["hint"], "old_key");
    let body = json_ok(p.login(&email, &password, Some(&code_at(&new, T0 + 30))));
    assert_eq!(body, json!({ "ok": true, "two_factor": true }));
    json_error(p.login(&email, &password, None), 401, "code_required");

    // Bad policy values get a reason and change nothing.
    for bad in [
        json!({ "two_factor": "sometimes" }),
        json!({ "two_factor": true }),
        json!({}),
    ] {
        json_error(p.post("/api/helpdesk/policy", bad), 400, "invalid_request");
    }
    json_error(
        p.post(
            "/api/helpdesk/policy",
            json!({ "two_factor": "mandatory", "extra": 1 }),
        ),
        400,
        "invalid_request",
    );
    assert_eq!(
        json_ok(p.get("/api/helpdesk/policy"))["two_factor"],
        "optional"
    );
    json_ok(p.post(
        "/api/helpdesk/policy",
        json!({ "two_factor": "Mandatory " }),
    ));
    json_error(p.login(&email, &password, None), 401, "code_required");
}

#[test]
fn enable_scan_confirm_then_every_login_needs_a_fresh_code() {
    let p = portal();
    let (email, password) = p.demo_user();
    let enrollment = p.enable(&email, &password);
    let token = enrollment["token"].as_str().unwrap();
    let base = p.running.url();
    assert_eq!(
        enrollment["qr_url"],
        format!("{base}/2fa/qr/{token}.png"),
        "{enrollment}"
    );
    assert_eq!(enrollment["page_url"], format!("{base}/2fa/setup/{token}"));
    assert_eq!(enrollment["expires_at"], "2023-11-19T22:13:40Z"); // T0 + 5 days
    let mut keys: Vec<_> = enrollment.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["expires_at", "page_url", "qr_url", "token"]);

    // The QR code holds the BLk link for this e-mail address.
    let (uri, account) = p.scan(enrollment["qr_url"].as_str().unwrap());
    assert!(
        uri.starts_with(&format!("otpauth://totp/BLk:{email}?secret=")),
        "{uri}"
    );
    assert!(uri.contains("&issuer=BLk"), "{uri}");
    assert_eq!((account.issuer.as_str(), account.digits), ("BLk", 6));

    // The page shows the same key for typing.
    let page = p
        .client
        .get(enrollment["page_url"].as_str().unwrap())
        .send()
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().unwrap();
    let key = tweestap_core::base32::encode(account.secret.expose());
    let grouped: Vec<String> = key
        .trim_end_matches('=')
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    assert!(
        html.contains(&grouped.join(" ")),
        "key shown in groups of four"
    );

    // A wrong code, then the right one.
    let wrong = if code_at(&account, T0) == "000000" {
        "111111"
    } else {
        "000000"
    };
    json_error(p.confirm(token, wrong), 400, "invalid_code");
    let code = code_at(&account, T0);
    assert_eq!(json_ok(p.confirm(token, &code)), json!({ "ok": true }));
    json_error(p.confirm(token, &code), 400, "link_used");
    json_error(p.get(&format!("/2fa/qr/{token}.png")), 410, "link_used");
    json_error(
        p.post("/api/2fa/enable", user_json(&email, &password)),
        409,
        "already_enabled",
    );

    // Every later login asks for the code, and a code works once.
    json_error(p.login(&email, &password, None), 401, "code_required");
    let body = json_error(p.login(&email, &password, Some(&code)), 401, "code_reused");
    assert_eq!(body["retry_in_s"], 20);
    assert!(
        body["message_nl"]
            .as_str()
            .unwrap()
            .contains("Wacht op de volgende code")
    );
    let next = code_at(&account, T0 + 30);
    let body = json_ok(p.login(&email, &password, Some(&next)));
    assert_eq!(body, json!({ "ok": true, "two_factor": true }));
    json_error(p.login(&email, &password, Some(&next)), 401, "code_reused");
    p.set_time(T0 + 60);
    json_ok(p.login(&email, &password, Some(&code_at(&account, T0 + 60))));
    json_error(p.login(&email, "wrong", Some(&next)), 401, "wrong_password");
    json_error(p.login("nobody@example.nl", "x", None), 401, "unknown_user");
    let body = json_error(
        p.login(&email, &password, Some("12 34")),
        401,
        "invalid_code",
    );
    assert_eq!(body["hint"], "format");
}

#[test]
fn codes_within_one_step_pass_and_a_skewed_clock_is_explained() {
    let p = portal();
    let (email, password) = p.demo_user();
    let enrollment = p.enable(&email, &password);
    let token = enrollment["token"].as_str().unwrap();
    let (_, account) = p.scan(enrollment["qr_url"].as_str().unwrap());

    // The portal's clock 120 s behind the user's: the user's code is 4 steps ahead.
    let clock = json_ok(p.post("/api/helpdesk/clock", json!({ "offset_s": -120 })));
    assert_eq!(clock["offset_s"], -120);
    assert_eq!(clock["now_unix"], T0 - 120);
    let body = json_error(
        p.confirm(token, &code_at(&account, T0)),
        400,
        "invalid_code",
    );
    assert_eq!(body["hint"], "clock");
    assert_eq!(body["clock_off_s"], 120);
    assert!(
        body["message_nl"]
            .as_str()
            .unwrap()
            .contains("controleer of de klok van uw computer goed staat"),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("check that your computer's clock is right"),
        "{body}"
    );

    // 30 s off is one step: still accepted.
    json_ok(p.post("/api/helpdesk/clock", json!({ "offset_s": 30 })));
    assert_eq!(json_ok(p.get("/api/helpdesk/clock"))["offset_s"], 30);
    json_ok(p.confirm(token, &code_at(&account, T0)));

    // Both or neither of offset_s/advance_s is a bad request.
    json_error(
        p.post(
            "/api/helpdesk/clock",
            json!({ "offset_s": 1, "advance_s": 1 }),
        ),
        400,
        "invalid_request",
    );
    json_error(
        p.post("/api/helpdesk/clock", json!({})),
        400,
        "invalid_request",
    );
}

#[test]
fn links_expire_after_five_days_when_the_helpdesk_fast_forwards() {
    let p = portal();
    let (email, password) = p.demo_user();
    let enrollment = p.enable(&email, &password);
    let token = enrollment["token"].as_str().unwrap();
    let page = enrollment["page_url"].as_str().unwrap();

    let clock = json_ok(p.post(
        "/api/helpdesk/clock",
        json!({ "advance_s": LINK_VALID_S + 60 }),
    ));
    assert_eq!(clock["offset_s"], LINK_VALID_S + 60);
    // The code the portal now expects is refused anyway: the link is too old.
    let expected = json_ok(p.get(&format!("/api/helpdesk/expected-code?email={email}")));
    assert_eq!(expected["state"], "pending");
    let body = json_error(
        p.confirm(token, expected["code"].as_str().unwrap()),
        400,
        "expired_link",
    );
    assert!(body["message_nl"].as_str().unwrap().contains("5 dagen"));
    assert_eq!(p.client.get(page).send().unwrap().status(), 410);
    json_error(
        p.client
            .get(enrollment["qr_url"].as_str().unwrap())
            .send()
            .unwrap(),
        410,
        "expired_link",
    );

    // The helpdesk sends a new mail; its link works (at the portal's time).
    let fresh = json_ok(p.post("/api/helpdesk/reset", json!({ "email": email })));
    let (_, account) = p.scan(fresh["qr_url"].as_str().unwrap());
    let portal_now = T0 + LINK_VALID_S + 60;
    json_ok(p.confirm(
        fresh["token"].as_str().unwrap(),
        &code_at(&account, portal_now),
    ));
    json_error(p.confirm(token, "123456"), 400, "link_replaced");
}

#[test]
fn helpdesk_reset_retires_the_old_secret() {
    let p = portal();
    let (email, password, old) = p.enrolled_user();
    p.set_time(T0 + 30);

    let reset = json_ok(p.post("/api/helpdesk/reset", json!({ "email": email })));
    let mut keys: Vec<_> = reset.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["expires_at", "page_url", "qr_url", "token"]);
    let token = reset["token"].as_str().unwrap();
    let (_, new) = p.scan(reset["qr_url"].as_str().unwrap());
    assert_ne!(old.secret, new.secret);
    assert_eq!(
        (new.issuer.as_str(), new.account.as_str()),
        ("BLk", email.as_str())
    );

    // A new mail arrived.
    let inbox = json_ok(p.get(&format!("/api/inbox?email={email}")));
    assert_eq!(inbox.as_array().unwrap().len(), 2);
    assert_eq!(inbox[0]["token"], token, "newest first");
    assert_eq!(
        inbox[0]["subject"],
        "Stichting Beter Leven keurmerk - Stel tweestapsauthenticatie (2FA) in"
    );

    // The old key's codes no longer confirm, and say why.
    let body = json_error(
        p.confirm(token, &code_at(&old, T0 + 30)),
        400,
        "invalid_code",
    );
    assert_eq!(body["hint"], "old_key");
    json_ok(p.confirm(token, &code_at(&new, T0 + 30)));

    // ...nor log in.
    p.set_time(T0 + 60);
    let body = json_error(
        p.login(&email, &password, Some(&code_at(&old, T0 + 60))),
        401,
        "invalid_code",
    );
    assert_eq!(body["hint"], "old_key");
    json_ok(p.login(&email, &password, Some(&code_at(&new, T0 + 60))));

    json_error(
        p.post(
            "/api/helpdesk/reset",
            json!({ "email": "nobody@example.nl" }),
        ),
        404,
        "unknown_user",
    );
}

/// Issue 20: after a helpdesk reset, under mandatory 2FA (the default), no login gets in
/// until the new key is confirmed: not the password alone, not the old key's code, not a
/// made-up code. Every row of the table, then the way out.
#[test]
fn after_a_reset_nothing_gets_in_until_the_new_key_is_confirmed() {
    let p = portal();
    let (email, password, old) = p.enrolled_user();
    json_error(p.login(&email, &password, None), 401, "code_required");
    let reset = json_ok(p.post("/api/helpdesk/reset", json!({ "email": email })));
    let me = p.helpdesk_user(&email);
    assert_eq!(
        (&me["two_factor"], &me["login"], &me["reset"]),
        (&json!("pending"), &json!("setup_required"), &json!(true))
    );

    p.set_time(T0 + 30);
    let body = json_error(p.login(&email, &password, None), 401, "setup_required");
    assert_eq!(body["hint"], "reset");
    assert!(
        body["message"].as_str().unwrap().contains("replace"),
        "{body}"
    );
    let body = json_error(
        p.login(&email, &password, Some(&code_at(&old, T0 + 30))),
        401,
        "invalid_code",
    );
    assert_eq!(body["hint"], "old_key");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("replace the old BLk account in Tweestap"),
        "{body}"
    );
    assert!(
        body["message_nl"]
            .as_str()
            .unwrap()
            .contains("vervang het oude BLk-account in Tweestap"),
        "{body}"
    );
    let (_, new) = p.scan(reset["qr_url"].as_str().unwrap());
    let wrong = if code_at(&new, T0 + 30) == "000000" {
        "111111"
    } else {
        "000000"
    };
    json_error(p.login(&email, &password, Some(wrong)), 401, "invalid_code");
    json_error(
        p.login(&email, "wrong", Some(&code_at(&new, T0 + 30))),
        401,
        "wrong_password",
    );
    // Still blocked: none of that confirmed anything.
    json_error(p.login(&email, &password, None), 401, "setup_required");

    // The new key's code confirms the new key and logs in; the mail's link is then used.
    let body = json_ok(p.login(&email, &password, Some(&code_at(&new, T0 + 30))));
    assert_eq!(body, json!({ "ok": true, "two_factor": true }));
    json_error(
        p.confirm(reset["token"].as_str().unwrap(), &code_at(&new, T0 + 60)),
        400,
        "link_used",
    );
    json_error(p.login(&email, &password, None), 401, "code_required");
    p.set_time(T0 + 60);
    json_ok(p.login(&email, &password, Some(&code_at(&new, T0 + 60))));

    // A link left to expire after a reset: blocked until the helpdesk sends a new mail.
    p.post("/api/helpdesk/reset", json!({ "email": email }));
    json_ok(p.post(
        "/api/helpdesk/clock",
        json!({ "advance_s": LINK_VALID_S + 60 }),
    ));
    let body = json_error(p.login(&email, &password, None), 401, "setup_required");
    assert_eq!(body["hint"], "link_expired");
}

/// Issue 17, finding 7 (portal part): every value the helpdesk sets is bounded, and an
/// out-of-range one is refused with the range instead of being clamped silently.
#[test]
fn helpdesk_clock_values_are_bounded_with_a_clear_error() {
    let p = portal();
    json_ok(p.post("/api/helpdesk/clock", json!({ "offset_s": -120 })));
    for body in [
        json!({ "offset_s": 4_294_967_295_i64 }),
        json!({ "offset_s": i64::MAX }),
        json!({ "offset_s": i64::MIN }),
        json!({ "advance_s": i64::MAX }),
        json!({ "advance_s": 3_153_600_121_i64 }),
    ] {
        let error = json_error(
            p.post("/api/helpdesk/clock", body.clone()),
            400,
            "invalid_request",
        );
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("-3153600000 to 3153600000"),
            "{body}: {error}"
        );
    }
    json_error(
        p.post("/api/helpdesk/clock", json!({ "offset_s": 1e12 })),
        400,
        "invalid_request",
    );
    assert_eq!(
        json_ok(p.get("/api/helpdesk/clock"))["offset_s"],
        -120,
        "refused values leave the clock alone"
    );
    json_ok(p.post(
        "/api/helpdesk/clock",
        json!({ "offset_s": 3_153_600_000_i64 }),
    ));
}

#[test]
fn expected_code_users_and_inbox_for_testers() {
    let p = portal();
    let (email, password) = p.demo_user();
    json_error(
        p.get(&format!("/api/helpdesk/expected-code?email={email}")),
        409,
        "not_enabled",
    );
    let enrollment = p.enable(&email, &password);
    let (_, account) = p.scan(enrollment["qr_url"].as_str().unwrap());
    let expected = json_ok(p.get(&format!(
        "/api/helpdesk/expected-code?email={}",
        email.to_uppercase()
    )));
    assert_eq!(expected["code"], code_at(&account, T0));
    assert_eq!(expected["next_code"], code_at(&account, T0 + 30));
    assert_eq!(expected["remaining_s"], 20);
    assert_eq!(expected["email"], email);
    json_error(p.get("/api/helpdesk/expected-code"), 400, "invalid_request");
    json_error(
        p.get("/api/helpdesk/expected-code?email=nobody@example.nl"),
        404,
        "unknown_user",
    );

    let me = p.helpdesk_user(&email);
    assert_eq!(me["two_factor"], "pending");
    assert_eq!(me["login"], "setup_required");
    assert_eq!(me["reset"], false);
    assert_eq!(me["mails"], 1);

    let inbox = json_ok(p.get(&format!("/api/inbox?email={email}")));
    assert_eq!(inbox[0]["page_url"], enrollment["page_url"]);
    json_error(
        p.get("/api/inbox?email=nobody@example.nl"),
        404,
        "unknown_user",
    );
}

#[test]
fn bad_requests_get_reasons_not_crashes() {
    let p = portal();
    let (email, password) = p.demo_user();
    for path in [
        "/api/2fa/enable",
        "/api/2fa/confirm",
        "/api/login",
        "/api/helpdesk/reset",
    ] {
        let body = json_error(p.post_raw(path, "{\"email\": "), 400, "malformed_json");
        assert_eq!(body["hint"], "detail");
        json_error(p.post_raw(path, "not json at all"), 400, "malformed_json");
        json_error(p.post_raw(path, "{}"), 400, "invalid_request");
        json_error(p.post_raw(path, ""), 400, "malformed_json");
    }
    json_error(
        p.post("/api/2fa/confirm", json!({ "token": "x", "code": 123456 })),
        400,
        "invalid_request",
    );
    json_error(
        p.post("/api/2fa/enable", user_json("nobody@example.nl", "x")),
        404,
        "unknown_user",
    );
    json_error(
        p.post("/api/2fa/enable", user_json(&email, "wrong")),
        401,
        "wrong_password",
    );
    json_error(p.confirm("no-such-token", "123456"), 404, "unknown_link");
    let token = p.enable(&email, &password)["token"]
        .as_str()
        .unwrap()
        .to_owned();
    json_error(p.confirm(&token, " "), 400, "code_required");
    json_error(p.get("/2fa/qr/no-such-token.png"), 404, "unknown_link");
    json_error(p.get("/api/2fa/enable"), 405, "method_not_allowed");
    json_error(p.get("/api/nothing-here"), 404, "not_found");

    // Body without a content type is still read as JSON (curl -d without -H).
    let response = p
        .client
        .post(p.url("/api/login"))
        .body(user_json(&email, &password).to_string())
        .send()
        .unwrap();
    json_error(response, 401, "setup_required");

    // Requests that name another host are refused (DNS rebinding).
    let response = p
        .client
        .get(p.url("/api/helpdesk/users"))
        .header("host", "evil.example")
        .send()
        .unwrap();
    json_error(response, 421, "bad_host");
    let response = p
        .client
        .get(p.url("/api/helpdesk/users"))
        .header("host", format!("localhost:{}", p.running.addr().port()))
        .send()
        .unwrap();
    json_ok(response);

    // The portal still serves after all that.
    json_error(p.login(&email, &password, None), 401, "setup_required");
}

#[test]
fn serves_only_on_loopback_and_stops() {
    let p = portal();
    let addr = p.running.addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    let url = p.running.url();
    p.running.stop().unwrap();
    assert!(reqwest::blocking::get(url).is_err(), "stopped");
}
