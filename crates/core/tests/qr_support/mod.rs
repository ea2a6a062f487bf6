//! The QR fixtures (`shared/fixtures/qr`), for the core and capture test suites (capture
//! includes this file by path).
#![allow(dead_code)]

use std::path::PathBuf;

#[path = "../support/mod.rs"]
mod support;

pub fn fixtures() -> PathBuf {
    let dir = support::fixtures_dir();
    assert!(
        dir.join("qr/index.json").is_file(),
        "QR fixtures missing in {}",
        dir.display()
    );
    dir
}

/// (file, text) for every item of qr/index.json.
pub fn items() -> Vec<(PathBuf, String)> {
    let dir = fixtures().join("qr");
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
    let items: Vec<_> = index["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                dir.join(i["file"].as_str().unwrap()),
                i["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(items.len() >= 13, "expected at least 13 QR fixtures");
    items
}
