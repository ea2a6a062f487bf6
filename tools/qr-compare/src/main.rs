//! Runs rqrr or rxing over a qrcorpus (gen_corpus.py) and writes the reference JSON the
//! `qr_corpus` bench reads:
//!
//! ```sh
//! cargo run --release -- rqrr|rxing CORPUS_DIR OUT.json [--runs N]
//! cargo bench -p tweestap-core --bench qr_corpus -- --corpus CORPUS_DIR --reference OUT.json
//! ```
//!
//! Both decoders get a retry on the inverted image when the first read finds nothing (plain
//! they read no light-on-dark code). rxing uses try_harder and its multi-code reader. Timing
//! is the decode call on an already loaded grey image, median of N runs.

use std::collections::HashSet;
use std::time::Instant;

use image::{DynamicImage, GrayImage};
use serde_json::{Value, json};

fn rqrr_once(img: &GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(img.clone());
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

fn rxing_once(img: &GrayImage) -> Vec<String> {
    let mut hints = rxing::DecodeHints::default()
        .with(rxing::DecodeHintValue::TryHarder(true))
        .with(rxing::DecodeHintValue::PossibleFormats(HashSet::from([
            rxing::BarcodeFormat::QR_CODE,
        ])));
    rxing::helpers::detect_multiple_in_image_with_hints(
        DynamicImage::ImageLuma8(img.clone()),
        &mut hints,
    )
    .map(|rs| rs.into_iter().map(|r| r.getText().to_string()).collect())
    .unwrap_or_default()
}

fn decode(which: &str, img: &GrayImage) -> Vec<String> {
    let once = |i: &GrayImage| if which == "rqrr" { rqrr_once(i) } else { rxing_once(i) };
    let mut codes = once(img);
    if codes.is_empty() {
        let mut inv = img.clone();
        image::imageops::invert(&mut inv);
        codes = once(&inv);
    }
    let mut seen = Vec::new();
    for c in codes {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (which, corpus, out) = (&args[0], &args[1], &args[2]);
    assert!(which == "rqrr" || which == "rxing", "decoder: rqrr or rxing");
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .map(|i| args[i + 1].parse().unwrap())
        .unwrap_or(1);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(format!("{corpus}/manifest.json")).unwrap()).unwrap();
    let mut images = serde_json::Map::new();
    for e in manifest["images"].as_array().unwrap() {
        let file = e["file"].as_str().unwrap();
        let img = image::open(format!("{corpus}/{file}")).unwrap().to_luma8();
        let mut times = Vec::new();
        let mut codes = Vec::new();
        for _ in 0..runs {
            let t0 = Instant::now();
            codes = decode(which, &img);
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        images.insert(file.to_string(), json!({"codes": codes, "ms": times[times.len() / 2]}));
    }
    let name = if which == "rqrr" {
        "rqrr 0.11 + inverted retry"
    } else {
        "rxing 0.9.3, try_harder + inverted retry"
    };
    std::fs::write(out, json!({"decoder": name, "images": images}).to_string()).unwrap();
}
