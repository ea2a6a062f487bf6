//! The `tweestap` binary against every shared fixture case (`code`, `inspect --json
//! --show-secret`, `verify`) and against bad input (exit 2, one line, never a panic).

#[path = "../../core/tests/support/mod.rs"]
mod support;

mod cli_support;

use cli_support::tweestap;
use serde_json::{Value, json};
use support::{Failures, check_cases, without_check};
use tweestap_core::otp;

fn otp_of(expected_check: &Value) -> &str {
    expected_check["otp"].as_str().unwrap()
}

#[test]
fn code_matches_oathtool_cases() {
    let mut n = 0usize;
    check_cases("oathtool", |failures, id, case| {
        n += 1;
        let otp = case["otp"].as_str().unwrap();
        let digits = case["digits"].to_string();
        // Algorithm names are accepted in any case: alternate the spelling.
        let algorithm = case["algorithm"].as_str().unwrap();
        let algorithm = if n.is_multiple_of(2) {
            algorithm.to_owned()
        } else {
            algorithm.to_lowercase()
        };
        let secret = case["secret_input"].as_str().unwrap();
        let mut args = vec![
            "code",
            "--json",
            "--secret",
            secret,
            "--algorithm",
            &algorithm,
            "--digits",
            &digits,
        ];
        let (period, time, counter);
        if case["mode"] == "totp" {
            period = case["period"].as_u64().unwrap();
            time = case["time"].as_u64().unwrap().to_string();
            let period_arg = period.to_string();
            args.extend(["--period", &period_arg, "--at", &time]);
            let run = tweestap(&args);
            failures.eq(id, "exit", run.code, 0);
            let got = run.json();
            let step = case["time_step"].as_u64().unwrap();
            let secret = tweestap_core::uri::parse_secret(secret).unwrap();
            let next = otp::hotp(
                secret.expose(),
                tweestap_core::Algorithm::parse(&algorithm).unwrap(),
                digits.parse().unwrap(),
                step + 1,
            );
            let at: u64 = time.parse().unwrap();
            failures.eq(
                id,
                "json",
                got,
                json!({"code": otp, "remaining_s": period - at % period, "period": period, "next_code": next}),
            );
        } else {
            counter = case["counter"].as_u64().unwrap().to_string();
            args.extend(["--hotp", "--counter", &counter]);
            let run = tweestap(&args);
            failures.eq(id, "exit", run.code, 0);
            let got = run.json();
            failures.eq(id, "code", &got["code"], &json!(otp));
            failures.eq(
                id,
                "hotp remaining_s/period",
                (&got["remaining_s"], &got["period"]),
                (&Value::Null, &Value::Null),
            );
            // next_code is the code of counter + 1: run the CLI again to check it.
            let next_counter = (counter.parse::<u64>().unwrap() + 1).to_string();
            let mut next_args = args.clone();
            let at = next_args.iter().position(|a| *a == "--counter").unwrap() + 1;
            next_args[at] = &next_counter;
            next_args.retain(|a| *a != "--json");
            let next = tweestap(&next_args);
            failures.eq(
                id,
                "next_code",
                got["next_code"].as_str().map(|c| format!("{c}\n")),
                Some(next.stdout),
            );
        }
    });
}

#[test]
fn uri_cases_through_inspect_code_and_verify() {
    check_cases("otpauth_uris", |failures, id, case| {
        let input = case["input"].as_str().unwrap();
        let expected = &case["expected"];
        let inspect = tweestap(&["inspect", input, "--json", "--show-secret"]);
        if let Some(kind) = expected["error"].as_str() {
            // `code` reads otpauth:// only, so it reports every category of these cases.
            let code = tweestap(&["code", input, "--json"]);
            failures.eq(id, "code exit", code.code, 2);
            let got = code.json();
            failures.eq(id, "code error kind", &got["error"]["kind"], &json!(kind));
            failures.check(
                got["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                || format!("{id}: no error message"),
            );
            // `inspect` detects the scheme: an otpauth-migration:// link is not an error there.
            let is_export = input.to_ascii_lowercase().starts_with("otpauth-migration:");
            if !is_export {
                failures.eq(id, "inspect exit", inspect.code, 2);
                failures.eq(
                    id,
                    "inspect error kind",
                    &inspect.json()["error"]["kind"],
                    &json!(kind),
                );
            }
            let code = tweestap(&["code", input, "--at", "0"]);
            failures.check(code.is_one_line_bad_input(), || {
                format!(
                    "{id}: code on a bad link: {} {:?} {:?}",
                    code.code, code.stdout, code.stderr
                )
            });
            let verify = tweestap(&["verify", input, "123456", "--at", "0"]);
            failures.check(verify.is_one_line_bad_input(), || {
                format!("{id}: verify on a bad link: {}", verify.code)
            });
            return;
        }
        failures.eq(id, "inspect exit", inspect.code, 0);
        failures.eq(
            id,
            "inspect",
            inspect.json(),
            json!({"accounts": [without_check(expected)], "batch": null}),
        );
        let check = &case["check"];
        let otp = otp_of(check);
        let at = match check["time"].as_u64() {
            Some(time) => time,
            None => {
                // HOTP: the check is at the link's own counter.
                failures.eq(id, "check counter", &check["counter"], &expected["counter"]);
                0
            }
        };
        let at = at.to_string();
        let code = tweestap(&["code", input, "--at", &at]);
        failures.eq(
            id,
            "code",
            (code.code, code.stdout.as_str()),
            (0, &format!("{otp}\n")),
        );
        let verify = tweestap(&["verify", input, otp, "--at", &at]);
        failures.eq(
            id,
            "verify",
            (verify.code, verify.stdout.as_str()),
            (0, "valid (step offset 0)\n"),
        );
    });
}

#[test]
fn migration_cases_through_inspect() {
    check_cases("migration", |failures, id, case| {
        let input = case["input"].as_str().unwrap();
        let expected = &case["expected"];
        let run = tweestap(&["inspect", input, "--json", "--show-secret"]);
        let got = run.json();
        if let Some(kind) = expected["error"].as_str() {
            failures.eq(id, "exit", run.code, 2);
            failures.eq(id, "error kind", &got["error"]["kind"], &json!(kind));
        } else {
            failures.eq(id, "exit", run.code, 0);
            let accounts: Vec<Value> = expected["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(without_check)
                .collect();
            failures.eq(
                id,
                "inspect",
                got,
                json!({"accounts": accounts, "batch": expected["batch"]}),
            );
        }
    });
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let link = "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP";
    let bad: &[&[&str]] = &[
        &[],
        &["--bogus"],
        &["frobnicate"],
        &["code"],
        &["code", link, "--secret", "JBSWY3DPEHPK3PXP"],
        &["code", "--secret", "1234"],
        &["code", "--secret", ""],
        &["code", "--secret", "JBSWY3DPEHPK3PXP", "--digits", "9"],
        &["code", "--secret", "JBSWY3DPEHPK3PXP", "--period", "0"],
        &["code", "--secret", "JBSWY3DPEHPK3PXP", "--algorithm", "MD5"],
        &["code", "--secret", "JBSWY3DPEHPK3PXP", "--at", "yesterday"],
        &["code", "--secret", "JBSWY3DPEHPK3PXP", "--at=-5"],
        &["code", "--hotp", "--secret", "JBSWY3DPEHPK3PXP"],
        &[
            "code",
            "--hotp",
            "--counter",
            "-1",
            "--secret",
            "JBSWY3DPEHPK3PXP",
        ],
        &["code", "--counter", "3", "--secret", "JBSWY3DPEHPK3PXP"],
        &["code", "JBSWY3DPEHPK3PXP"],
        &["code", "otpauth://totp/Caf%E9?secret=JBSWY3DPEHPK3PXP"],
        &["inspect"],
        &["inspect", "https://example.com"],
        &["inspect", "otpauth-migration://offline?data=CjEKC"],
        &["verify", link],
        &["verify", link, "123456", "--window", "5000"],
        &[
            "verify",
            "otpauth://xotp/a?secret=JBSWY3DPEHPK3PXP",
            "123456",
        ],
    ];
    let mut failures = Failures::default();
    for args in bad {
        let run = tweestap(args);
        failures.check(run.is_one_line_bad_input(), || {
            format!(
                "{args:?}: exit {}, stdout {:?}, stderr {:?}",
                run.code, run.stdout, run.stderr
            )
        });
        failures.check(
            run.stderr.starts_with("error: ") && run.stdout.is_empty(),
            || {
                format!(
                    "{args:?}: want one 'error: ' line on stderr, got {:?} / {:?}",
                    run.stdout, run.stderr
                )
            },
        );
        // With --json the same error is JSON on stdout.
        let mut json_args = args.to_vec();
        json_args.push("--json");
        let run = tweestap(&json_args);
        failures.check(run.is_one_line_bad_input() && run.stderr.is_empty(), || {
            format!(
                "{json_args:?}: exit {}, stdout {:?}, stderr {:?}",
                run.code, run.stdout, run.stderr
            )
        });
        failures.check(run.json()["error"]["kind"].is_string(), || {
            format!("{json_args:?}: no error kind")
        });
    }
    failures.assert_none(bad.len());
}

#[test]
fn help_and_version_exit_0() {
    for args in [
        &["--help"][..],
        &["code", "--help"],
        &["inspect", "--help"],
        &["verify", "--help"],
        &["--version"],
    ] {
        let run = tweestap(args);
        assert_eq!(run.code, 0, "{args:?}");
        assert!(run.stdout.contains("tweestap"), "{args:?}: {}", run.stdout);
    }
}

#[test]
fn code_text_and_json_forms() {
    let run = tweestap(&[
        "code",
        "--secret",
        "jbsw y3dp ehpk 3pxp",
        "--at",
        "1700000000",
    ]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "324550\n"));
    let run = tweestap(&[
        "code",
        "--secret",
        "JBSWY3DPEHPK3PXP",
        "--at",
        "1700000000",
        "--digits",
        "8",
        "--period",
        "60",
        "--algorithm",
        "sha1",
        "--json",
    ]);
    assert_eq!(
        run.json(),
        json!({"code": "19508648", "remaining_s": 40, "period": 60, "next_code": run.json()["next_code"]})
    );
    let run = tweestap(&[
        "code",
        "--hotp",
        "--counter",
        "18446744073709551615",
        "--secret",
        "JBSWY3DPEHPK3PXP",
        "--json",
    ]);
    assert_eq!(
        run.json()["next_code"],
        Value::Null,
        "no counter after u64::MAX"
    );
    // Without --at the system clock is used: the code is one of the codes around now.
    let run = tweestap(&["code", "--secret", "JBSWY3DPEHPK3PXP", "--json"]);
    let remaining = run.json()["remaining_s"].as_u64().unwrap();
    assert!((1..=30).contains(&remaining));
}

#[test]
fn verify_reports_offsets_and_exit_codes() {
    let link = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP";
    let run = tweestap(&["verify", link, "324550", "--at", "1700000030"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "valid (step offset -1)\n")
    );
    let run = tweestap(&["verify", link, "324 550", "--at", "1699999970"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "valid (step offset 1)\n")
    );
    let run = tweestap(&[
        "verify",
        link,
        "324550",
        "--at",
        "1700000030",
        "--window",
        "0",
    ]);
    assert_eq!((run.code, run.stdout.as_str()), (1, "invalid\n"));
    let run = tweestap(&["verify", link, "324550", "--at", "1700000030", "--json"]);
    assert_eq!(
        (run.code, run.json()),
        (0, json!({"valid": true, "offset": -1}))
    );
    let run = tweestap(&["verify", link, "000000", "--at", "1700000000", "--json"]);
    assert_eq!(
        (run.code, run.json()),
        (1, json!({"valid": false, "offset": null}))
    );
    // HOTP: window looks ahead from the link's counter only.
    let hotp = "otpauth://hotp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=2";
    let run = tweestap(&["verify", hotp, "338314", "--window", "2"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "valid (step offset 2)\n")
    );
    let run = tweestap(&["verify", hotp, "287082", "--window", "5"]);
    assert_eq!((run.code, run.stdout.as_str()), (1, "invalid\n"));
}

#[test]
fn inspect_text_hides_the_key_unless_asked() {
    let link = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example";
    let run = tweestap(&["inspect", link]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Example (alice)"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("JBSWY3DPEHPK3PXP") && !run.stdout.contains("48656c6c6f21deadbeef")
    );
    let run = tweestap(&["inspect", link, "--show-secret"]);
    assert!(run.stdout.contains("JBSWY3DPEHPK3PXP"), "{}", run.stdout);
    let run = tweestap(&["inspect", link, "--json"]);
    assert!(run.json()["accounts"][0].get("secret_hex").is_none());
}
