//! Locating and reading the team's shared fixtures (`../shared/fixtures`, see its README).
//! Shared by the core and CLI test suites (the CLI includes this file by path).
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// `$TWEESTAP_FIXTURES` when set, else `shared/fixtures` beside the workspace. Panics with a
/// clear message when the folder is missing: a missing fixture set must fail, never skip.
pub fn fixtures_dir() -> PathBuf {
    let dir = match std::env::var_os("TWEESTAP_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
    };
    assert!(
        dir.join("vectors").is_dir(),
        "shared fixtures not found at {} (expected a vectors/ folder there): check out \
         shared/ beside the workspace or set TWEESTAP_FIXTURES to the fixtures folder",
        dir.display()
    );
    dir
}

/// `vectors/<name>.json`, parsed.
pub fn vectors(name: &str) -> Value {
    let path = fixtures_dir().join("vectors").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("fixture {} is not valid JSON: {e}", path.display()))
}

/// The `cases` array of a vectors file, checked to be non-empty.
pub fn cases(file: &Value) -> &Vec<Value> {
    let cases = file["cases"].as_array().expect("fixture has a cases array");
    assert!(!cases.is_empty(), "fixture has no cases");
    cases
}

/// Runs `check` on every case of `vectors/<name>.json` with the case's `id`, collecting
/// failures, then fails once listing them all.
pub fn check_cases(name: &str, mut check: impl FnMut(&mut Failures, &str, &Value)) {
    let file = vectors(name);
    let cases = cases(&file);
    let mut failures = Failures::default();
    for case in cases {
        let id = case["id"].as_str().expect("case id");
        check(&mut failures, id, case);
    }
    failures.assert_none(cases.len());
}

/// An expected account object without its `check` (the shape `AccountView` prints).
pub fn without_check(expected: &Value) -> Value {
    let mut account = expected.clone();
    if let Some(map) = account.as_object_mut() {
        map.remove("check");
    }
    account
}

/// Collects failures so one run reports every failing case, then fails once.
#[derive(Default)]
pub struct Failures(Vec<String>);

impl Failures {
    pub fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.0.push(what());
        }
    }

    pub fn eq<T: PartialEq + std::fmt::Debug>(&mut self, id: &str, field: &str, got: T, want: T) {
        if got != want {
            self.0
                .push(format!("{id}: {field}: got {got:?}, want {want:?}"));
        }
    }

    pub fn assert_none(self, checked: usize) {
        assert!(checked > 0, "no fixture case was checked");
        assert!(
            self.0.is_empty(),
            "{} of {checked} fixture checks failed:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}
