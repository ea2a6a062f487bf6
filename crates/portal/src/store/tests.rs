use std::sync::atomic::{AtomicU64, Ordering};

use super::*;
use crate::config::LINK_VALID_S;
use tweestap_core::Secret;
use tweestap_core::otp;

/// A clock the test moves.
#[derive(Default)]
struct TestClock(AtomicU64);

impl Clock for TestClock {
    fn now_unix(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

const T0: u64 = 1_700_000_020; // 10 s into a 30 s step

fn store() -> (Store, Arc<TestClock>) {
    let clock = Arc::new(TestClock(AtomicU64::new(T0)));
    let config = Config {
        clock: clock.clone(),
        ..Config::default()
    };
    (Store::new(&config), clock)
}

fn code_at(account: &Account, t: u64) -> String {
    otp::generate(account, t).code
}

fn err(result: Result<impl std::fmt::Debug, PortalError>) -> (&'static str, Option<Hint>) {
    let e = result.unwrap_err();
    (e.kind(), e.hint)
}

#[test]
fn journey_enable_confirm_login() {
    let (mut store, _) = store();
    let (email, password) = store.create_demo_user();
    assert_eq!(err(store.enable(&email, "nope")).0, "wrong_password");
    let enrollment = store.enable(&email, &password).unwrap();
    assert_eq!(enrollment.expires_at, T0 + 5 * 86_400);
    let link = store.open_link(&enrollment.token).unwrap().clone();
    assert!(
        link.uri()
            .starts_with(&format!("otpauth://totp/BLk:{email}?secret="))
    );
    assert!(link.uri().contains("&issuer=BLk"));
    assert_eq!(store.mails_for(&email).len(), 1);
    // 2FA is mandatory: a pending key is not a way in, with or without a wrong code.
    assert_eq!(
        err(store.login(&email, &password, None)).0,
        "setup_required"
    );
    assert_eq!(
        err(store.login(&email, &password, Some("000000"))).0,
        "invalid_code"
    );

    let code = code_at(&link.account, T0);
    store.confirm(&enrollment.token, &code).unwrap();
    assert_eq!(err(store.confirm(&enrollment.token, &code)).0, "link_used");
    assert_eq!(err(store.enable(&email, &password)).0, "already_enabled");

    // Every later login asks for the code; the confirmation code cannot be reused.
    assert_eq!(err(store.login(&email, &password, None)).0, "code_required");
    let (kind, hint) = err(store.login(&email, &password, Some(&code)));
    assert_eq!(kind, "code_reused");
    assert_eq!(hint, Some(Hint::Wait { retry_in_s: 20 }));
    let next = code_at(&link.account, T0 + 30);
    assert_eq!(store.login(&email, &password, Some(&next)), Ok(true));
    assert_eq!(
        err(store.login(&email, &password, Some(&next))).0,
        "code_reused"
    );
}

#[test]
fn window_and_clock_hints() {
    let (mut store, clock) = store();
    let (email, password) = store.create_demo_user();
    let token = store.enable(&email, &password).unwrap().token;
    let account = store.open_link(&token).unwrap().account.clone();
    // Two minutes behind: the user's app shows the code of T0 - 120.
    let (kind, hint) = err(store.confirm(&token, &code_at(&account, T0 - 120)));
    assert_eq!(
        (kind, hint),
        ("invalid_code", Some(Hint::Clock { off_s: -120 }))
    );
    let (_, hint) = err(store.confirm(&token, "12345"));
    assert_eq!(hint, Some(Hint::Format));
    // One step either way is accepted.
    store.confirm(&token, &code_at(&account, T0 + 30)).unwrap();
    let (kind, _) = err(store.login(&email, &password, Some(&code_at(&account, T0))));
    assert_eq!(
        kind, "code_reused",
        "a step before the last used one is refused"
    );
    clock.0.store(T0 + 60, Ordering::SeqCst);
    assert_eq!(
        store.login(&email, &password, Some(&code_at(&account, T0 + 90))),
        Ok(true)
    );
}

#[test]
fn links_expire_after_five_days_and_reset_retires_the_old_key() {
    let (mut store, _) = store();
    let (email, password) = store.create_demo_user();
    let first = store.enable(&email, &password).unwrap().token;
    let old = store.open_link(&first).unwrap().account.clone();
    store.confirm(&first, &code_at(&old, T0)).unwrap();

    let second = store.reset(&email).unwrap().token;
    assert_eq!(store.mails_for(&email).len(), 2);
    assert_eq!(store.mails_for(&email)[0].reason, MailReason::Reset);
    // The old key's codes are recognised and explained, not accepted.
    let (kind, hint) = err(store.confirm(&second, &code_at(&old, T0 + 30)));
    assert_eq!((kind, hint), ("invalid_code", Some(Hint::OldKey)));
    // Fast-forward past 5 days: the new link has expired.
    store.advance(5 * 86_400).unwrap();
    assert_eq!(err(store.open_link(&second)).0, "expired_link");
    // The helpdesk sends another; the previous one is replaced, not merely expired.
    let third = store.reset(&email).unwrap().token;
    assert_eq!(err(store.open_link(&second)).0, "link_replaced");
    let new = store.open_link(&third).unwrap().account.clone();
    let now = store.now();
    store.confirm(&third, &code_at(&new, now)).unwrap();
    let (kind, hint) = err(store.login(&email, &password, Some(&code_at(&old, now + 30))));
    assert_eq!((kind, hint), ("invalid_code", Some(Hint::OldKey)));
    assert_eq!(err(store.find_link("nope")).0, "unknown_link");
    assert_eq!(err(store.reset("nobody@example.nl")).0, "unknown_user");
}

#[test]
fn expected_code_follows_the_portal_clock() {
    let (mut store, _) = store();
    let (email, password) = store.create_demo_user();
    assert_eq!(err(store.expected(&email)).0, "not_enabled");
    let token = store.enable(&email, &password).unwrap().token;
    let account = store.open_link(&token).unwrap().account.clone();
    let expected = store.expected(&email.to_uppercase()).unwrap();
    assert_eq!(expected.state, "pending");
    assert_eq!(expected.info.code, code_at(&account, T0));
    store.set_offset(-120).unwrap();
    assert_eq!(
        store.expected(&email).unwrap().info.code,
        code_at(&account, T0 - 120)
    );
    // Out of range is refused, and the clock stays where it was.
    for bad in [i64::MAX, MAX_OFFSET_S + 1, -MAX_OFFSET_S - 1, i64::MIN] {
        assert_eq!(err(store.set_offset(bad)).0, "invalid_request", "{bad}");
        assert_eq!(store.offset_s(), -120);
    }
    store.set_offset(MAX_OFFSET_S).unwrap();
    assert_eq!(err(store.advance(1)).0, "invalid_request");
    assert_eq!(store.offset_s(), MAX_OFFSET_S);
    store.advance(-MAX_OFFSET_S).unwrap();
    assert_eq!(store.offset_s(), 0);
}

#[test]
fn mandatory_2fa_after_a_reset_only_the_new_key_gets_in() {
    let (mut store, _) = store();
    assert_eq!(
        store.policy(),
        Policy::Mandatory,
        "the default, as BLk today"
    );
    let (email, password) = store.create_demo_user();
    // A new user's first login sends the setup mail instead of logging in.
    assert_eq!(store.start_login(&email, &password), Ok(LoginNeeds::Setup));
    assert_eq!(store.mails_for(&email).len(), 1);
    assert_eq!(store.start_login(&email, &password), Ok(LoginNeeds::Setup));
    assert_eq!(
        store.mails_for(&email).len(),
        1,
        "a pending mail is not sent again"
    );
    let first = store.mails_for(&email)[0].token.clone();
    let old = store.open_link(&first).unwrap().account.clone();
    store.confirm(&first, &code_at(&old, T0)).unwrap();

    store.reset(&email).unwrap();
    let user = store.user(&email).unwrap();
    assert!(store.was_reset(user));
    assert_eq!(store.login_needs(user), LoginNeeds::Setup);
    let new = {
        let token = store.mails_for(&email)[0].token.clone();
        store.open_link(&token).unwrap().account.clone()
    };
    let now = T0 + 30;
    store.set_offset(30).unwrap();
    assert_eq!(
        err(store.login(&email, &password, None)),
        ("setup_required", Some(Hint::Reset))
    );
    assert_eq!(
        err(store.login(&email, &password, Some(&code_at(&old, now)))),
        ("invalid_code", Some(Hint::OldKey))
    );
    assert_eq!(
        err(store.login(&email, &password, Some("000000"))).0,
        "invalid_code"
    );
    assert_eq!(
        err(store.login(&email, "nope", Some(&code_at(&new, now)))).0,
        "wrong_password"
    );
    // The new key's code confirms it and logs in; it cannot be used twice.
    assert_eq!(
        store.login(&email, &password, Some(&code_at(&new, now))),
        Ok(true)
    );
    assert_eq!(store.user(&email).unwrap().two_factor.state(), "on");
    assert_eq!(
        err(store.login(&email, &password, Some(&code_at(&new, now)))).0,
        "code_reused"
    );
    assert_eq!(err(store.login(&email, &password, None)).0, "code_required");
}

#[test]
fn an_expired_link_blocks_until_the_helpdesk_sends_a_new_one() {
    let (mut store, _) = store();
    let (email, password) = store.create_demo_user();
    let token = store.enable(&email, &password).unwrap().token;
    let account = store.open_link(&token).unwrap().account.clone();
    store.confirm(&token, &code_at(&account, T0)).unwrap();
    store.reset(&email).unwrap();
    store.advance(LINK_VALID_S as i64 + 60).unwrap();
    let now = store.now();
    assert_eq!(
        err(store.login(&email, &password, None)),
        ("setup_required", Some(Hint::LinkExpired))
    );
    assert_eq!(
        err(store.login(&email, &password, Some(&code_at(&account, now)))),
        ("invalid_code", Some(Hint::OldKey))
    );
    assert_eq!(
        err(store.login(&email, &password, Some("000000"))),
        ("setup_required", Some(Hint::LinkExpired))
    );
    assert_eq!(
        store.mails_for(&email).len(),
        2,
        "no new mail without the helpdesk"
    );
}

#[test]
fn optional_2fa_lets_the_password_in_but_never_ignores_a_code() {
    let (mut store, _) = store();
    store.set_policy(Policy::Optional);
    let (email, password) = store.create_demo_user();
    assert_eq!(store.login(&email, &password, None), Ok(false));
    assert!(
        store.mails_for(&email).is_empty(),
        "no mail: 2FA is a choice"
    );
    assert_eq!(
        err(store.login(&email, &password, Some("123456"))).0,
        "not_enabled"
    );

    let token = store.enable(&email, &password).unwrap().token;
    let old = store.open_link(&token).unwrap().account.clone();
    store.confirm(&token, &code_at(&old, T0)).unwrap();
    store.reset(&email).unwrap();
    let new = {
        let token = store.mails_for(&email)[0].token.clone();
        store.open_link(&token).unwrap().account.clone()
    };
    store.set_offset(30).unwrap();
    let now = T0 + 30;
    assert_eq!(
        store.login(&email, &password, None),
        Ok(false),
        "as before 2022"
    );
    assert_eq!(
        err(store.login(&email, &password, Some(&code_at(&old, now)))),
        ("invalid_code", Some(Hint::OldKey))
    );
    assert_eq!(
        store.login(&email, &password, Some(&code_at(&new, now))),
        Ok(true)
    );
    assert_eq!(err(store.login(&email, &password, None)).0, "code_required");
}

#[test]
fn enrollment_keys_pass_the_core_parsers_bounds() {
    // The portal's key parameters are fixed; the link it hands out must satisfy exactly
    // the rules Tweestap's own parser applies (digits, algorithm, period, key).
    let (mut store, _) = store();
    let (email, password) = store.create_demo_user();
    let token = store.enable(&email, &password).unwrap().token;
    let link = store.open_link(&token).unwrap();
    link.account.check().unwrap();
    let parsed = tweestap_core::parse_otpauth(&link.uri()).unwrap();
    assert_eq!(
        parsed.kind,
        tweestap_core::OtpKind::Totp {
            period: PERIOD as u32
        }
    );
    assert_eq!(
        (parsed.digits, parsed.algorithm),
        (6, tweestap_core::Algorithm::Sha1)
    );
    assert_eq!(parsed.secret.expose().len(), SECRET_BYTES);
}

#[test]
fn secret_text_groups_of_four() {
    let link = Link {
        token: String::new(),
        user: String::new(),
        account: Account::totp(ISSUER, "a", Secret::new(b"12345678901234567890".to_vec())),
        created_at: 0,
        expires_at: 0,
        state: LinkState::Open,
    };
    assert_eq!(
        link.secret_text(),
        "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
    );
}
