//! Every case of the shared OTP, otpauth and migration fixtures, field by field.

use crate::support::{Failures, cases, check_cases, vectors, without_check};
use serde_json::{Value, json};
use tweestap_core::account::{Account, Algorithm, OtpKind, Secret};
use tweestap_core::hex::encode as to_hex;
use tweestap_core::migration::{encode_migration, parse_migration};
use tweestap_core::otp::{self, code_at_counter, generate, verify};
use tweestap_core::uri::{format_otpauth, parse_otpauth, parse_secret};
use tweestap_core::view::{AccountView, LinkView};
use tweestap_core::{ErrorKind, Link, base32, hex};

fn algorithm(case: &Value) -> Algorithm {
    Algorithm::parse(case["algorithm"].as_str().unwrap()).unwrap()
}

fn hex_bytes(text: &str) -> Vec<u8> {
    hex::decode(text).expect("fixture hex").to_vec()
}

/// Checks an account's `check` OTP (TOTP at `time`, HOTP at `counter`), and that `verify`
/// accepts it.
fn check_otp(failures: &mut Failures, id: &str, account: &Account, check: &Value) {
    let otp = check["otp"].as_str().unwrap();
    if let Some(time) = check["time"].as_u64() {
        failures.eq(id, "check otp", generate(account, time).code.as_str(), otp);
        failures.eq(id, "verify", verify(account, otp, time, 1), Some(0));
    } else {
        let counter = check["counter"].as_u64().unwrap();
        failures.eq(
            id,
            "check otp",
            code_at_counter(account, counter).as_str(),
            otp,
        );
    }
}

#[test]
fn rfc4226_hotp_vectors() {
    let file = vectors("rfc");
    let hotp = &file["hotp"];
    let key = hex_bytes(hotp["secret_hex"].as_str().unwrap());
    assert_eq!(key, hotp["secret_ascii"].as_str().unwrap().as_bytes());
    assert_eq!(
        base32::encode(&key),
        hotp["secret_base32"].as_str().unwrap()
    );
    let mut failures = Failures::default();
    let cases = cases(hotp);
    for case in cases {
        let counter = case["counter"].as_u64().unwrap();
        let id = format!("hotp counter {counter}");
        let mac = otp::hmac(&key, Algorithm::Sha1, counter);
        failures.eq(
            &id,
            "hmac",
            to_hex(&mac).as_str(),
            case["hmac_sha1_hex"].as_str().unwrap(),
        );
        let truncated = otp::truncate(&mac);
        failures.eq(
            &id,
            "truncated_dec",
            u64::from(truncated),
            case["truncated_dec"].as_u64().unwrap(),
        );
        failures.eq(
            &id,
            "truncated_hex",
            format!("{truncated:08x}").as_str(),
            case["truncated_hex"].as_str().unwrap(),
        );
        let code = otp::hotp(&key, Algorithm::Sha1, 6, counter);
        failures.eq(&id, "otp", code.as_str(), case["otp"].as_str().unwrap());
    }
    failures.assert_none(cases.len());
}

#[test]
fn rfc6238_totp_vectors() {
    let file = vectors("rfc");
    let totp = &file["totp"];
    let (digits, period) = (
        totp["digits"].as_u64().unwrap(),
        totp["period"].as_u64().unwrap(),
    );
    let mut failures = Failures::default();
    let cases = cases(totp);
    for case in cases {
        let name = case["algorithm"].as_str().unwrap();
        let seed = &totp["seeds"][name];
        let key = hex_bytes(seed["hex"].as_str().unwrap());
        failures.eq(
            name,
            "seed base32",
            parse_secret(seed["base32"].as_str().unwrap())
                .unwrap()
                .expose(),
            &key[..],
        );
        let account = Account {
            kind: OtpKind::Totp {
                period: period as u32,
            },
            issuer: String::new(),
            account: String::new(),
            secret: Secret::new(key),
            algorithm: algorithm(case),
            digits: digits as u8,
        };
        let time = case["time"].as_u64().unwrap();
        let id = format!("{name} at {time}");
        failures.eq(
            &id,
            "t_hex",
            format!("{:016X}", time / period).as_str(),
            case["t_hex"].as_str().unwrap(),
        );
        let info = generate(&account, time);
        failures.eq(
            &id,
            "otp",
            info.code.as_str(),
            case["otp"].as_str().unwrap(),
        );
        failures.eq(
            &id,
            "step_start",
            info.step_start,
            Some(time - time % period),
        );
    }
    failures.assert_none(cases.len());
}

#[test]
fn oathtool_differential_cases() {
    let file = vectors("oathtool");
    assert_eq!(cases(&file).len() as u64, file["count"].as_u64().unwrap());
    check_cases("oathtool", |failures, id, case| {
        let secret = match parse_secret(case["secret_input"].as_str().unwrap()) {
            Ok(secret) => secret,
            Err(e) => {
                failures.check(false, || {
                    format!("{id}: secret_input refused: {}", e.kind())
                });
                return;
            }
        };
        failures.eq(
            id,
            "secret_hex",
            to_hex(secret.expose()).as_str(),
            case["secret_hex"].as_str().unwrap(),
        );
        failures.eq(
            id,
            "secret_len",
            secret.len() as u64,
            case["secret_len"].as_u64().unwrap(),
        );
        failures.eq(
            id,
            "secret_base32",
            base32::encode(secret.expose()).as_str(),
            case["secret_base32"].as_str().unwrap(),
        );
        let kind = match case["mode"].as_str().unwrap() {
            "totp" => OtpKind::Totp {
                period: case["period"].as_u64().unwrap() as u32,
            },
            _ => OtpKind::Hotp {
                counter: case["counter"].as_u64().unwrap(),
            },
        };
        let account = Account {
            kind,
            issuer: String::new(),
            account: String::new(),
            secret,
            algorithm: algorithm(case),
            digits: case["digits"].as_u64().unwrap() as u8,
        };
        let otp = case["otp"].as_str().unwrap();
        match kind {
            OtpKind::Totp { period } => {
                let time = case["time"].as_u64().unwrap();
                failures.eq(
                    id,
                    "time_step",
                    time / u64::from(period),
                    case["time_step"].as_u64().unwrap(),
                );
                failures.eq(id, "otp", generate(&account, time).code.as_str(), otp);
                failures.eq(id, "verify", verify(&account, otp, time, 0), Some(0));
            }
            _ => {
                failures.eq(id, "otp", generate(&account, 0).code.as_str(), otp);
                failures.eq(id, "verify", verify(&account, otp, 0, 0), Some(0));
            }
        }
    });
}

#[test]
fn otpauth_uri_cases() {
    check_cases("otpauth_uris", |failures, id, case| {
        let expected = &case["expected"];
        match (
            parse_otpauth(case["input"].as_str().unwrap()),
            expected["error"].as_str(),
        ) {
            (Err(e), Some(kind)) => failures.eq(id, "error", e.kind().as_str(), kind),
            (Err(e), None) => {
                failures.check(false, || format!("{id}: refused: {} ({e})", e.kind()))
            }
            (Ok(account), Some(kind)) => failures.check(false, || {
                format!("{id}: accepted, want {kind}: {account:?}")
            }),
            (Ok(account), None) => {
                let view = serde_json::to_value(AccountView::new(&account, true)).unwrap();
                failures.eq(id, "account", view, without_check(expected));
                check_otp(failures, id, &account, &case["check"]);
                let again = parse_otpauth(&format_otpauth(&account));
                failures.eq(id, "format round trip", again.as_ref(), Ok(&account));
            }
        }
    });
}

#[test]
fn migration_cases() {
    check_cases("migration", |failures, id, case| {
        let expected = &case["expected"];
        let batch = match (
            parse_migration(case["input"].as_str().unwrap()),
            expected["error"].as_str(),
        ) {
            (Err(e), Some(kind)) => {
                failures.eq(id, "error", e.kind().as_str(), kind);
                return;
            }
            (Err(e), None) => {
                failures.check(false, || format!("{id}: refused: {} ({e})", e.kind()));
                return;
            }
            (Ok(batch), Some(kind)) => {
                failures.check(false, || format!("{id}: accepted, want {kind}: {batch:?}"));
                return;
            }
            (Ok(batch), None) => batch,
        };
        let view =
            serde_json::to_value(LinkView::new(&Link::Migration(batch.clone()), true)).unwrap();
        failures.eq(id, "batch", &view["batch"], &expected["batch"]);
        let want: Vec<Value> = expected["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(without_check)
            .collect();
        failures.eq(id, "accounts", &view["accounts"], &json!(want));
        for (entry, want) in batch
            .entries
            .iter()
            .zip(expected["accounts"].as_array().unwrap())
        {
            if let Ok(account) = entry {
                check_otp(failures, id, account, &want["check"]);
            }
        }
        // Re-encoding the importable entries gives them back with the same header.
        let accounts: Vec<Account> = batch
            .entries
            .iter()
            .filter_map(|e| e.clone().ok())
            .collect();
        let encoded = encode_migration(&accounts, &batch.batch).expect("encodable");
        let again = parse_migration(&encoded).expect("re-encoded link parses");
        failures.eq(id, "re-encoded batch", again.batch, batch.batch);
        failures.eq(
            id,
            "re-encoded accounts",
            again.entries,
            accounts.into_iter().map(Ok).collect(),
        );
    });
}
