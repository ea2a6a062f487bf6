//! QR corpus benchmark: our decoder (and optionally a reference decoder's results) over a
//! corpus made by `shared/fixtures/qrcorpus/gen_corpus.py`.
//!
//! Run through `scripts/qr-bench`, which generates the corpus and the zxing-cpp Python
//! reference in the same invocation. By hand:
//!
//! ```sh
//! cargo bench -p tweestap-core --bench qr_corpus -- --corpus DIR [--reference REF.json] [--runs N] [--misses]
//! ```
//!
//! Per category it prints: images, expected codes, detection rate (expected codes found /
//! expected codes), false positives (decoded texts that were not expected), median and p95
//! decode milliseconds (decode call only, image already loaded; median of N runs per image).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use serde_json::Value;
use tweestap_core::qr;

struct Outcome {
    codes: Vec<String>,
    ms: f64,
}

#[derive(Default)]
struct Stats {
    images: usize,
    expected: usize,
    found: usize,
    false_pos: usize,
    times: Vec<f64>,
}

fn expected_of(e: &Value) -> Vec<&str> {
    e["expected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    percentile(v, 0.5)
}

fn summarize(
    entries: &[Value],
    outcomes: &BTreeMap<String, Outcome>,
) -> (BTreeMap<String, Stats>, Stats) {
    let mut per: BTreeMap<String, Stats> = BTreeMap::new();
    let mut all = Stats::default();
    for e in entries {
        let file = e["file"].as_str().unwrap();
        let cat = e["category"].as_str().unwrap().to_string();
        let expected: Vec<&str> = expected_of(e);
        let Some(o) = outcomes.get(file) else {
            continue;
        };
        let found = expected
            .iter()
            .filter(|x| o.codes.iter().any(|c| c == *x))
            .count();
        let fp = o
            .codes
            .iter()
            .filter(|c| !expected.contains(&c.as_str()))
            .count();
        for s in [per.entry(cat).or_default(), &mut all] {
            s.images += 1;
            s.expected += expected.len();
            s.found += found;
            s.false_pos += fp;
            s.times.push(o.ms);
        }
    }
    (per, all)
}

fn row(name: &str, s: &mut Stats) -> String {
    s.times.sort_by(|a, b| a.total_cmp(b));
    let rate = if s.expected == 0 {
        "    -".to_string()
    } else {
        format!("{:5.1}%", 100.0 * s.found as f64 / s.expected as f64)
    };
    format!(
        "{name:<14} {:>6} {:>5}/{:<5} {rate:>7} {:>4} {:>9.1} {:>9.1}",
        s.images,
        s.found,
        s.expected,
        s.false_pos,
        percentile(&s.times, 0.5),
        percentile(&s.times, 0.95)
    )
}

fn print_table(title: &str, entries: &[Value], outcomes: &BTreeMap<String, Outcome>) {
    let (mut per, mut all) = summarize(entries, outcomes);
    println!("\n{title}");
    println!(
        "{:<14} {:>6} {:>11} {:>7} {:>4} {:>9} {:>9}",
        "category", "images", "found/exp", "detect", "FP", "median ms", "p95 ms"
    );
    for (cat, s) in per.iter_mut() {
        println!("{}", row(cat, s));
    }
    println!("{}", row("ALL", &mut all));
}

fn main() {
    let mut corpus: Option<PathBuf> = None;
    let mut reference: Option<PathBuf> = None;
    let mut runs = 1usize;
    let mut misses = false;
    let mut passes = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--corpus" => corpus = args.next().map(PathBuf::from),
            "--reference" => reference = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(1).max(1),
            "--misses" => misses = true,
            "--passes" => passes = true,
            "--bench" => {}
            other => eprintln!("qr_corpus: ignoring argument {other}"),
        }
    }
    let Some(corpus) = corpus.or_else(|| std::env::var_os("QR_CORPUS").map(PathBuf::from)) else {
        eprintln!("qr_corpus: no corpus; pass --corpus DIR (see scripts/qr-bench)");
        return;
    };
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(corpus.join("manifest.json")).unwrap()).unwrap();
    let entries = manifest["images"].as_array().unwrap().clone();
    println!(
        "corpus {} (seed {}, {} images), {} run(s) per image",
        corpus.display(),
        manifest["seed"],
        entries.len(),
        runs
    );

    if passes {
        pass_report(&corpus, &entries);
        return;
    }

    let mut ours = BTreeMap::new();
    for e in &entries {
        let file = e["file"].as_str().unwrap();
        let img = qr::load_image_file(&corpus.join(file)).expect("corpus image loads");
        let mut times = Vec::with_capacity(runs);
        let mut codes = Vec::new();
        for _ in 0..runs {
            let t0 = Instant::now();
            codes = qr::decode_image(&img).expect("decode");
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
        let ms = median(&mut times);
        if misses {
            let exp: Vec<&str> = expected_of(e);
            let missed = exp
                .iter()
                .filter(|x| !codes.iter().any(|c| c == *x))
                .count();
            let fp = codes.iter().filter(|c| !exp.contains(&c.as_str())).count();
            if missed > 0 || fp > 0 {
                println!(
                    "MISS {file} missed={missed} fp={fp} {:.1}ms tags={}",
                    ms, e["tags"]
                );
            }
        }
        ours.insert(file.to_string(), Outcome { codes, ms });
    }
    print_table(
        "tweestap (tweestap_core::qr::decode_image)",
        &entries,
        &ours,
    );

    if let Some(reference) = reference {
        let r: Value = serde_json::from_slice(&std::fs::read(&reference).unwrap()).unwrap();
        let mut theirs = BTreeMap::new();
        for (file, v) in r["images"].as_object().unwrap() {
            let codes = v["codes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            theirs.insert(
                file.clone(),
                Outcome {
                    codes,
                    ms: v["ms"].as_f64().unwrap(),
                },
            );
        }
        let title = format!("reference: {}", r["decoder"].as_str().unwrap_or("?"));
        print_table(&title, &entries, &theirs);
        if misses {
            for e in &entries {
                let file = e["file"].as_str().unwrap();
                let (Some(a), Some(b)) = (ours.get(file), theirs.get(file)) else {
                    continue;
                };
                for c in &b.codes {
                    if !a.codes.contains(c) {
                        println!("REF-ONLY {file} tags={}", e["tags"]);
                    }
                }
            }
        }
    }
}

/// Diagnostics: every pass run on its own over every image; per pass and category, the
/// expected codes found, false positives, codes found by no earlier pass, and median ms.
/// Expected codes found, false positives, codes no earlier pass found, decode times.
type PassStats = (usize, usize, usize, Vec<f64>);

fn pass_report(corpus: &std::path::Path, entries: &[Value]) {
    // (pass, category) -> (found, fp, new, times)
    let mut table: BTreeMap<(usize, String), PassStats> = BTreeMap::new();
    for e in entries {
        let file = e["file"].as_str().unwrap();
        let cat = e["category"].as_str().unwrap().to_string();
        let exp: Vec<&str> = expected_of(e);
        let img = qr::load_image_file(&corpus.join(file)).expect("corpus image loads");
        let luma = qr::to_luma(&img);
        let mut seen: Vec<String> = Vec::new();
        for (i, pass) in qr::ALL_PASSES.iter().enumerate() {
            let mut out = Vec::new();
            let t0 = Instant::now();
            qr::run_pass(*pass, &luma, &mut out).unwrap();
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            let found = exp.iter().filter(|x| out.iter().any(|c| c == *x)).count();
            let fp = out.iter().filter(|c| !exp.contains(&c.as_str())).count();
            let new = out
                .iter()
                .filter(|c| !seen.contains(c) && exp.contains(&c.as_str()))
                .count();
            if fp > 0 {
                println!("FP {file} pass {pass:?}: {out:?}");
            }
            seen.extend(out);
            let t = table.entry((i, cat.clone())).or_default();
            t.0 += found;
            t.1 += fp;
            t.2 += new;
            t.3.push(ms);
        }
    }
    println!(
        "{:<16} {:<14} {:>5} {:>3} {:>4} {:>9}",
        "pass", "category", "found", "FP", "new", "median ms"
    );
    for ((i, cat), (found, fp, new, mut times)) in table {
        println!(
            "{:<16} {:<14} {:>5} {:>3} {:>4} {:>9.1}",
            format!("{:?}", qr::ALL_PASSES[i]),
            cat,
            found,
            fp,
            new,
            median(&mut times)
        );
    }
}
