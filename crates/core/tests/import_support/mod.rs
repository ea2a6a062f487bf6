//! Shared by the import tests of core and CLI (the CLI includes this file by path): where the
//! import fixtures are, and what an expected entry looks like as the JSON account object.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::{Value, json};
use tweestap_core::account::{Account, Algorithm, OtpKind, Secret};
use tweestap_core::otp;

/// `crates/core/tests/import_fixtures` (from the core or the CLI crate).
pub fn own_fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/import_fixtures")
}

/// `import_fixtures/expected.json`, parsed.
pub fn own_expected() -> Value {
    let path = own_fixtures_dir().join("expected.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("expected.json is JSON")
}

/// An expected entry (a fixture account object, with `check`/`steam_check`/`extras`, or an
/// Aegis `{"skip": "unsupported_type", "aegis_type": "steam", …}` entry, which Tweestap
/// imports as a Steam account) as the account object `import --json --show-secret` prints.
pub fn account_object(expected: &Value) -> Value {
    if expected.get("skip").is_some() || expected["type"] == "steam" {
        assert_eq!(
            expected.get("aegis_type").unwrap_or(&json!("steam")),
            "steam",
            "only Steam entries are skipped in the fixtures: {expected}"
        );
        return json!({
            "type": "steam",
            "issuer": expected["issuer"],
            "account": expected["account"],
            "algorithm": "SHA1",
            "digits": 5,
            "period": 30,
            "counter": null,
            "secret_hex": expected["secret_hex"],
        });
    }
    json!({
        "type": expected["type"],
        "issuer": expected["issuer"],
        "account": expected["account"],
        "algorithm": expected["algorithm"],
        "digits": expected["digits"],
        "period": expected["period"],
        "counter": expected["counter"],
        "secret_hex": expected["secret_hex"],
    })
}

/// The account an account object describes.
pub fn account_of(object: &Value) -> Account {
    let kind = match object["type"].as_str().unwrap() {
        "totp" => OtpKind::Totp {
            period: object["period"].as_u64().unwrap() as u32,
        },
        "hotp" => OtpKind::Hotp {
            counter: object["counter"].as_u64().unwrap(),
        },
        _ => OtpKind::Steam,
    };
    Account {
        kind,
        issuer: object["issuer"].as_str().unwrap().to_string(),
        account: object["account"].as_str().unwrap().to_string(),
        secret: Secret::new(
            tweestap_core::hex::decode(object["secret_hex"].as_str().unwrap())
                .unwrap()
                .to_vec(),
        ),
        algorithm: Algorithm::parse(object["algorithm"].as_str().unwrap()).unwrap(),
        digits: object["digits"].as_u64().unwrap() as u8,
    }
}

/// Problems with the codes `account` gives against the expectation's `check` OTP or
/// `steam_check` codes (none when it has neither).
pub fn code_problems(account: &Account, expected: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(check) = expected.get("check") {
        let want = check["otp"].as_str().unwrap();
        let got = match check.get("time") {
            Some(t) => otp::generate(account, t.as_u64().unwrap()).code,
            None => otp::code_at_counter(account, check["counter"].as_u64().unwrap()),
        };
        if got != want {
            out.push(format!("check otp: got {got}, want {want}"));
        }
    }
    for c in expected["steam_check"].as_array().into_iter().flatten() {
        let got = otp::generate(account, c["time"].as_u64().unwrap()).code;
        if got != c["code"].as_str().unwrap() {
            out.push(format!(
                "steam code at {}: got {got}, want {}",
                c["time"], c["code"]
            ));
        }
    }
    out
}
