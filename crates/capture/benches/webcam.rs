//! Webcam throughput: 1280×720 frames pushed through the live pipeline ([`LiveScan`] reading a
//! [`FrameSource`], decoding every frame with `Effort::Fast` on its worker thread) as fast as
//! the pipeline takes them, printing frames/s decoded. See docs/SCANNING.md.
//!
//! ```sh
//! cargo bench -p tweestap-capture --bench webcam -- [--seconds S] [--corpus DIR]
//! ```
//!
//! Frame sets:
//! - `synthetic` (always): textured 720p frames, half of them with a QR fixture from
//!   `shared/fixtures/qr` pasted in (camera-like contrast and noise, one inverted, one at 3.6 px
//!   per module), half without a code.
//! - `corpus` (with `--corpus DIR`, a `gen_corpus.py` output such as the one `scripts/qr-bench`
//!   makes): every `webcam_720p` frame (perspective, rotation, blur, moiré, JPEG) and every
//!   1280×720 `negatives` frame.
//!
//! Each set is played twice: `rgb` hands ready RGB frames over ([`GeneratedFrames`]), `mjpeg`
//! decodes a JPEG per frame in the source first, standing in for a camera's MJPEG stream
//! (what `NokhwaSource` does with the `image` crate's decoder: not measured here).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use tweestap_capture::CaptureError;
use tweestap_capture::camera::{FrameSource, GeneratedFrames, LiveScan, ScanEvent, ScanOptions};
use tweestap_capture::image::{
    self, DynamicImage, GrayImage, ImageFormat, Luma, codecs::jpeg::JpegEncoder, imageops,
};
use tweestap_core::qr::{self, Effort};

#[path = "../../core/tests/qr_support/mod.rs"]
mod qr_support;

const W: u32 = 1280;
const H: u32 = 720;

struct Frame {
    name: String,
    rgb: DynamicImage,
    jpeg: Vec<u8>,
    expected: Vec<String>,
}

/// A small deterministic generator (no dependency): xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() >> 33) as u32 % n
    }
}

/// A grey "room": a lighting gradient, a few darker and lighter blocks (furniture, a window,
/// paper), then sensor noise.
fn background(seed: u64) -> GrayImage {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut img = GrayImage::from_fn(W, H, |x, y| Luma([(70 + x * 90 / W + y * 50 / H) as u8]));
    for _ in 0..14 {
        let (bw, bh) = (40 + rng.below(300), 30 + rng.below(250));
        let (bx, by) = (rng.below(W - bw), rng.below(H - bh));
        let level = 20 + rng.below(220) as u8;
        for y in by..by + bh {
            for x in bx..bx + bw {
                img.put_pixel(x, y, Luma([level]));
            }
        }
    }
    img
}

fn add_noise(img: &mut GrayImage, seed: u64, amplitude: u32) {
    let mut rng = Rng(seed | 1);
    for p in img.iter_mut() {
        let n = rng.below(2 * amplitude + 1) as i32 - amplitude as i32;
        *p = (i32::from(*p) + n).clamp(0, 255) as u8;
    }
}

/// Pastes `code` (a clean black-on-white QR) at (x, y), mapped to the grey levels `dark` and
/// `light` the way a camera sees a screen or a page (never pure black and white).
fn paste(page: &mut GrayImage, code: &GrayImage, x: u32, y: u32, dark: u8, light: u8) {
    for (cx, cy, p) in code.enumerate_pixels() {
        let v = u32::from(p[0]);
        let g = (u32::from(dark) * (255 - v) + u32::from(light) * v) / 255;
        page.put_pixel(x + cx, y + cy, Luma([g as u8]));
    }
}

fn jpeg_of(img: &DynamicImage) -> Vec<u8> {
    let mut buf = Vec::new();
    JpegEncoder::new_with_quality(&mut buf, 85)
        .encode_image(&img.to_rgb8())
        .expect("JPEG encoding");
    buf
}

/// A fixture pasted into a frame: (file, scale, x, y, dark grey, light grey).
type Placement = (&'static str, f32, u32, u32, u8, u8);

fn synthetic_frames() -> Vec<Frame> {
    let dir = qr_support::fixtures().join("qr");
    let index: Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
    let text_of = |file: &str| -> String {
        index["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["file"] == file)
            .unwrap_or_else(|| panic!("{file} not in qr/index.json"))["text"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let code = |file: &str| qr::to_luma(&qr::load_image_file(&dir.join(file)).unwrap());
    // None = a frame without a code.
    let plan: [Option<Placement>; 8] = [
        Some(("uri__basic-google-example.png", 1.0, 500, 200, 40, 210)),
        None,
        Some(("uri__unicode-dutch-encoded.png", 0.6, 160, 380, 60, 180)),
        None,
        // Inverted: light modules on a dark screen.
        Some(("uri__alg-sha512-mixed-case.png", 1.0, 820, 120, 200, 35)),
        None,
        Some(("migration__multiple-accounts.png", 1.0, 300, 80, 50, 190)),
        None,
    ];
    plan.iter()
        .enumerate()
        .map(|(i, p)| {
            let mut page = background(i as u64 + 1);
            let (name, expected) = match p {
                None => (format!("synthetic/{i} (no code)"), Vec::new()),
                Some((file, scale, x, y, dark, light)) => {
                    let mut c = code(file);
                    if *scale != 1.0 {
                        let s = (c.width() as f32 * scale).round() as u32;
                        c = imageops::resize(&c, s, s, imageops::FilterType::Triangle);
                    }
                    paste(&mut page, &c, *x, *y, *dark, *light);
                    (format!("synthetic/{i} {file}"), vec![text_of(file)])
                }
            };
            add_noise(&mut page, 1000 + i as u64, 6);
            let rgb = DynamicImage::ImageRgb8(DynamicImage::ImageLuma8(page).to_rgb8());
            let jpeg = jpeg_of(&rgb);
            Frame {
                name,
                rgb,
                jpeg,
                expected,
            }
        })
        .collect()
}

fn corpus_frames(corpus: &Path) -> Vec<Frame> {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(corpus.join("manifest.json")).unwrap()).unwrap();
    manifest["images"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            let cat = e["category"].as_str().unwrap();
            (cat == "webcam_720p" || cat == "negatives") && e["width"] == W && e["height"] == H
        })
        .map(|e| {
            let file = e["file"].as_str().unwrap();
            let path = corpus.join(file);
            let bytes = std::fs::read(&path).unwrap();
            let rgb = DynamicImage::ImageRgb8(qr::load_image(&bytes).unwrap().to_rgb8());
            let jpeg = if file.ends_with(".jpg") {
                bytes
            } else {
                jpeg_of(&rgb)
            };
            Frame {
                name: file.to_string(),
                rgb,
                jpeg,
                expected: e["expected"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().to_string())
                    .collect(),
            }
        })
        .collect()
}

/// A camera stand-in delivering MJPEG: every frame is decoded from JPEG in `next_frame`.
struct JpegFrames {
    frames: Vec<Vec<u8>>,
    next: usize,
}

impl FrameSource for JpegFrames {
    fn name(&self) -> String {
        "generated-mjpeg".to_string()
    }

    fn next_frame(&mut self) -> Result<DynamicImage, CaptureError> {
        let bytes = &self.frames[self.next];
        self.next = (self.next + 1) % self.frames.len();
        let img = image::load_from_memory_with_format(bytes, ImageFormat::Jpeg)
            .expect("bench JPEG decodes");
        Ok(DynamicImage::ImageRgb8(img.to_rgb8()))
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Runs the live pipeline on `frames` (looped) for `seconds`; prints one result line.
fn live(set: &str, mode: &str, frames: &[Frame], seconds: f64) {
    let with_code: Vec<bool> = frames.iter().map(|f| !f.expected.is_empty()).collect();
    let expected: Vec<Vec<String>> = frames.iter().map(|f| f.expected.clone()).collect();
    let scan = if mode == "rgb" {
        let images: Vec<DynamicImage> = frames.iter().map(|f| f.rgb.clone()).collect();
        LiveScan::start(
            move || Ok(Box::new(GeneratedFrames::new(images)) as Box<dyn FrameSource>),
            ScanOptions {
                preview: false,
                stop_on_first: false,
            },
        )
    } else {
        let jpegs: Vec<Vec<u8>> = frames.iter().map(|f| f.jpeg.clone()).collect();
        LiveScan::start(
            move || {
                Ok(Box::new(JpegFrames {
                    frames: jpegs,
                    next: 0,
                }) as Box<dyn FrameSource>)
            },
            ScanOptions {
                preview: false,
                stop_on_first: false,
            },
        )
    };
    let n = frames.len() as u64;
    let mut started: Option<Instant> = None;
    let mut last: Option<(u64, Instant)> = None;
    let (mut found, mut false_pos) = (0u64, 0u64);
    let mut empty_ms: Vec<f64> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs_f64(seconds + 5.0);
    loop {
        let now = Instant::now();
        if started.is_some_and(|t| now.duration_since(t).as_secs_f64() >= seconds)
            || now >= deadline
        {
            break;
        }
        match scan.recv_timeout(Duration::from_millis(200)) {
            Ok(ScanEvent::Started { .. }) => started = Some(Instant::now()),
            Ok(ScanEvent::Frame {
                index, decode_ms, ..
            }) => {
                last = Some((index, Instant::now()));
                empty_ms.push(decode_ms);
            }
            Ok(ScanEvent::Found { index, codes, .. }) => {
                last = Some((index, Instant::now()));
                let exp = &expected[(index % n) as usize];
                if codes.iter().any(|c| exp.contains(c)) {
                    found += 1;
                }
                false_pos += codes.iter().filter(|c| !exp.contains(c)).count() as u64;
            }
            Ok(ScanEvent::Error(e)) => panic!("live scan failed: {e}"),
            Err(_) => {}
        }
    }
    scan.stop();
    let (Some(t0), Some((last_index, t1))) = (started, last) else {
        println!("{set:<10} {mode:<6} no frames decoded");
        return;
    };
    let decoded = last_index + 1;
    let fps = decoded as f64 / t1.duration_since(t0).as_secs_f64();
    let shown_with_code = (0..decoded).filter(|i| with_code[(i % n) as usize]).count();
    empty_ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{set:<10} {mode:<6} {:>7} {:>8.1} {:>6}/{:<6} {:>4} {:>14.1}",
        decoded,
        fps,
        found,
        shown_with_code,
        false_pos,
        percentile(&empty_ms, 0.5),
    );
}

/// Per frame kind, the decode call alone (what the worker runs per frame), median of `runs`.
fn per_frame(set: &str, frames: &[Frame], runs: usize) {
    let mut stats: [(usize, usize, usize, Vec<f64>); 2] = Default::default();
    for f in frames {
        let luma = qr::to_luma(&f.rgb);
        let mut times = Vec::with_capacity(runs);
        let mut codes = Vec::new();
        for _ in 0..runs {
            let t0 = Instant::now();
            codes = qr::decode_luma_with(&luma, Effort::Fast).expect("decode");
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let s = &mut stats[usize::from(f.expected.is_empty())];
        s.0 += 1;
        let hit = f.expected.iter().all(|e| codes.contains(e));
        if !f.expected.is_empty() && hit {
            s.1 += 1;
        }
        if !f.expected.is_empty() && !hit {
            eprintln!("  missed in a single Fast read: {}", f.name);
        }
        s.2 += codes.iter().filter(|c| !f.expected.contains(c)).count();
        s.3.push(percentile(&times, 0.5));
    }
    for (kind, s) in ["with code", "no code"].iter().zip(stats.iter_mut()) {
        s.3.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{set:<10} {kind:<10} {:>6} {:>9} {:>4} {:>9.1} {:>9.1}",
            s.0,
            if *kind == "with code" {
                format!("{}/{}", s.1, s.0)
            } else {
                "-".to_string()
            },
            s.2,
            percentile(&s.3, 0.5),
            percentile(&s.3, 0.95)
        );
    }
}

fn main() {
    let mut seconds = 10.0f64;
    let mut corpus: Option<PathBuf> = std::env::var_os("QR_CORPUS").map(PathBuf::from);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--seconds N")
            }
            "--corpus" => corpus = args.next().map(PathBuf::from),
            "--bench" => {}
            other => eprintln!("webcam: ignoring argument {other}"),
        }
    }
    let mut sets = vec![("synthetic", synthetic_frames())];
    if let Some(dir) = &corpus {
        sets.push(("corpus", corpus_frames(dir)));
    }
    for (set, frames) in &sets {
        let codes = frames.iter().filter(|f| !f.expected.is_empty()).count();
        println!(
            "{set}: {} frames of {W}x{H} ({codes} with a code, {} without){}",
            frames.len(),
            frames.len() - codes,
            if *set == "corpus" {
                format!(" from {}", corpus.as_ref().unwrap().display())
            } else {
                String::new()
            }
        );
    }

    println!("\nDecode call per frame (qr::decode_luma_with(.., Effort::Fast)), median of 5 runs");
    println!(
        "{:<10} {:<10} {:>6} {:>9} {:>4} {:>9} {:>9}",
        "set", "kind", "frames", "found", "FP", "median ms", "p95 ms"
    );
    for (set, frames) in &sets {
        per_frame(set, frames, 5);
    }

    println!("\nLive pipeline (LiveScan, unpaced source, {seconds} s per row)");
    println!(
        "{:<10} {:<6} {:>7} {:>8} {:>13} {:>4} {:>14}",
        "set", "source", "frames", "frames/s", "found/shown", "FP", "no-code dec ms"
    );
    for (set, frames) in &sets {
        for mode in ["rgb", "mjpeg"] {
            live(set, mode, frames, seconds);
        }
    }
}
