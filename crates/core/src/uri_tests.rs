use super::*;

fn kind_of(input: &str) -> &'static str {
    parse_otpauth(input).unwrap_err().kind().as_str()
}

#[test]
fn categories() {
    let ok = "otpauth://totp/E:a?secret=JBSWY3DPEHPK3PXP";
    assert!(parse_otpauth(ok).is_ok());
    assert_eq!(kind_of(""), "invalid_scheme");
    assert_eq!(
        kind_of("otpauth:totp/x?secret=JBSWY3DPEHPK3PXP"),
        "invalid_scheme"
    );
    assert_eq!(
        kind_of("otpauth://steam/x?secret=JBSWY3DPEHPK3PXP"),
        "invalid_type"
    );
    assert_eq!(
        kind_of("otpauth://totp/100%?secret=JBSWY3DPEHPK3PXP"),
        "invalid_uri"
    );
    assert_eq!(
        kind_of("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&x=%ff"),
        "invalid_uri"
    );
    assert_eq!(kind_of("otpauth://totp/a?secret=+"), "invalid_secret");
    assert_eq!(
        kind_of("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=md5"),
        "invalid_algorithm"
    );
    assert_eq!(
        kind_of("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=%2B6"),
        "invalid_digits"
    );
    assert_eq!(
        kind_of("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=4294967296"),
        "invalid_period"
    );
    // Within u32 but beyond any real step (issue 17): a day is the most accepted.
    for period in ["4294967295", "86401"] {
        assert_eq!(
            kind_of(&format!(
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period={period}"
            )),
            "invalid_period",
            "{period}"
        );
    }
    assert!(parse_otpauth("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=86400").is_ok());
    assert_eq!(
        kind_of("otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP"),
        "missing_counter"
    );
    assert_eq!(
        kind_of("otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551616"),
        "invalid_counter"
    );
    let longest = format!(
        "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&x={}",
        "y".repeat(MAX_LINK_LEN - 43)
    );
    assert_eq!(longest.len(), MAX_LINK_LEN);
    assert!(parse_otpauth(&longest).is_ok());
    assert_eq!(kind_of(&format!("{longest}y")), "link_too_long");
}

#[test]
fn a_link_that_would_be_written_too_long_is_refused() {
    // 3,000 raw "é" fit in 6 KB, but written back each becomes "%C3%A9" (18 KB).
    let label = "é".repeat(3_000);
    let link = format!("otpauth://totp/{label}?secret=JBSWY3DPEHPK3PXP");
    assert!(link.len() <= MAX_LINK_LEN);
    let error = parse_otpauth(&link).unwrap_err();
    assert!(
        matches!(error, UriError::NamesTooLong(n) if n > MAX_LINK_LEN),
        "{error:?}"
    );
    assert_eq!(error.kind(), "link_too_long");
    assert!(parse_otpauth_any(&link).is_err());
    // Just under: written back, it reads again unchanged.
    let fits = format!(
        "otpauth://totp/{}?secret=JBSWY3DPEHPK3PXP",
        "é".repeat(2_000)
    );
    let account = parse_otpauth(&fits).unwrap();
    assert_eq!(parse_otpauth(&format_otpauth(&account)).unwrap(), account);
}

#[test]
fn numbers() {
    let acc = parse_otpauth(
        "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&digits=0008&counter=18446744073709551615",
    )
    .unwrap();
    assert_eq!(
        (acc.digits, acc.kind),
        (8, OtpKind::Hotp { counter: u64::MAX })
    );
    assert_eq!(parse_decimal("007"), Some(7));
    assert_eq!(parse_decimal(""), None);
    assert_eq!(parse_decimal("+7"), None);
    assert_eq!(parse_decimal("٣"), None);
}

#[test]
fn label_rules() {
    assert_eq!(
        resolve_label("Corp:team:alice", None),
        ("Corp".into(), "team:alice".into())
    );
    assert_eq!(
        resolve_label(" A : b ", Some("  ")),
        ("A".into(), "b".into())
    );
    assert_eq!(resolve_label("A:b", Some(" X ")), ("X".into(), "b".into()));
    assert_eq!(resolve_label("b", None), (String::new(), "b".into()));
}

#[test]
fn errors_never_show_the_key() {
    let key = "JBSWY3DPEHPK3PX!";
    let err = parse_otpauth(&format!("otpauth://totp/a?secret={key}")).unwrap_err();
    assert!(!err.to_string().contains(key));
    assert!(err.to_string().contains("base32"));
}

#[test]
fn long_values_are_cut_in_messages() {
    let long = "x".repeat(10_000);
    let err = parse_otpauth(&format!(
        "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm={long}"
    ))
    .unwrap_err();
    assert!(err.to_string().len() < 200);
}

#[test]
fn steam_links_only_where_asked() {
    let link = "otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam&digits=5";
    assert_eq!(kind_of(link), "invalid_type");
    let acc = parse_otpauth_any(link).unwrap();
    assert_eq!(
        (acc.kind, acc.digits, acc.issuer.as_str()),
        (OtpKind::Steam, 5, "Steam")
    );
    assert_eq!(parse_otpauth_any(&format_otpauth(&acc)).unwrap(), acc);
    assert_eq!(
        label_of("otpauth://totp/A:b?secret=!&issuer=C"),
        Some(("C".into(), "b".into()))
    );
}

#[test]
fn format_examples() {
    let mut acc = Account::totp(
        "ACME Co",
        "alice+2fa@example.com",
        Secret::new(b"Hello!\xde\xad\xbe\xef".to_vec()),
    );
    assert_eq!(
        format_otpauth(&acc).as_str(),
        "otpauth://totp/ACME%20Co:alice%2B2fa@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"
    );
    acc.issuer = "A:B".into();
    acc.account = "x:y".into();
    assert_eq!(parse_otpauth(&format_otpauth(&acc)).unwrap(), acc);
    acc.issuer.clear();
    assert_eq!(parse_otpauth(&format_otpauth(&acc)).unwrap(), acc);
    acc.kind = OtpKind::Steam;
    assert!(format_otpauth(&acc).starts_with("otpauth://steam/"));
}

#[test]
fn a_manual_entry_takes_absent_settings_as_the_defaults() {
    let entry = ManualEntry {
        issuer: "BLk",
        account: "jan",
        secret: "jbsw y3dp ehpk 3pxp",
        ..ManualEntry::default()
    };
    let account = manual_account(&entry).unwrap();
    assert_eq!(
        (account.issuer.as_str(), account.account.as_str()),
        ("BLk", "jan")
    );
    assert_eq!(account.digits, 6);
    assert_eq!(account.kind, OtpKind::Totp { period: 30 });
    let hotp = ManualEntry {
        otp_type: OtpType::Hotp,
        counter: Some("7"),
        ..entry
    };
    assert_eq!(
        manual_account(&hotp).unwrap().kind,
        OtpKind::Hotp { counter: 7 }
    );
    let bad = ManualEntry {
        digits: Some("9"),
        ..entry
    };
    assert_eq!(manual_account(&bad).unwrap_err().kind(), "invalid_digits");
    let blank = ManualEntry {
        digits: Some(""),
        ..entry
    };
    assert_eq!(
        manual_account(&blank).unwrap_err().kind(),
        "invalid_digits",
        "a blank setting given is not a default (the CLI's contract)"
    );
    assert!(
        !format!("{entry:?}").contains("jbsw"),
        "Debug never shows the key"
    );
}

#[test]
fn a_windows_form_needs_a_name_and_reads_blank_fields_as_defaults() {
    let form = |issuer: &str, account: &str, digits: Option<&str>, counter: Option<&str>| {
        ManualForm {
            issuer: issuer.to_string(),
            account: account.to_string(),
            secret: "JBSWY3DPEHPK3PXP".to_string(),
            algorithm: Some(String::new()),
            digits: digits.map(String::from),
            period: Some("  ".to_string()),
            counter: counter.map(String::from),
        }
        .account()
    };
    assert_eq!(
        form(" ", "", None, None).unwrap_err().kind(),
        "name_required"
    );
    let plain = form("BLk", "", Some(""), None).unwrap();
    assert_eq!(
        (plain.digits, plain.kind),
        (6, OtpKind::Totp { period: 30 })
    );
    let hotp = form("", "jan", Some("8"), Some("7")).unwrap();
    assert_eq!((hotp.digits, hotp.kind), (8, OtpKind::Hotp { counter: 7 }));
    assert_eq!(
        form("BLk", "", Some("9"), None).unwrap_err().kind(),
        "invalid_digits"
    );
}
