//! QR decoding: the shared fixture PNGs, inverted and multi-code images, size limits and
//! garbage input.

use tweestap_core::ErrorKind;
use tweestap_core::qr::image::{DynamicImage, GrayImage, Luma, Rgba, RgbaImage, imageops};
use tweestap_core::qr::{self, QrContent, QrError};

mod qr_support;

use qr_support::items;

fn luma_of(path: &std::path::Path) -> GrayImage {
    qr::to_luma(&qr::load_image_file(path).unwrap())
}

#[test]
fn every_fixture_decodes_exactly() {
    for (path, text) in items() {
        let codes = qr::decode_file(&path).unwrap();
        assert_eq!(codes, vec![text.clone()], "{}", path.display());
        let kind = qr::classify(&codes[0]);
        assert!(kind.is_2fa(), "{}: {kind:?}", path.display());
        // Also from bytes in memory.
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(qr::decode_bytes(&bytes).unwrap(), vec![text]);
    }
}

#[test]
fn migration_fixtures_classify_as_migration() {
    for (path, text) in items() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let expected = if name.starts_with("migration__") {
            QrContent::OtpauthMigration
        } else {
            QrContent::Otpauth
        };
        assert_eq!(qr::classify(&text), expected, "{name}");
    }
}

#[test]
fn inverted_code_decodes() {
    for (path, text) in items().into_iter().take(3) {
        let mut img = luma_of(&path);
        imageops::invert(&mut img);
        assert_eq!(
            qr::decode_luma(&img).unwrap(),
            vec![text.clone()],
            "{}",
            path.display()
        );
        assert_eq!(
            qr::decode_luma_with(&img, qr::Effort::Fast).unwrap(),
            vec![text],
            "fast effort, {}",
            path.display()
        );
    }
}

#[test]
fn two_codes_in_one_image() {
    let all = items();
    let (a, ta) = &all[0];
    let (b, tb) = &all[1];
    let (ia, ib) = (luma_of(a), luma_of(b));
    let w = ia.width() + ib.width() + 200;
    let h = ia.height().max(ib.height()) + 100;
    let mut canvas = GrayImage::from_pixel(w, h, Luma([255]));
    imageops::overlay(&mut canvas, &ia, 50, 50);
    imageops::overlay(&mut canvas, &ib, i64::from(ia.width()) + 150, 50);
    let mut codes = qr::decode_luma(&canvas).unwrap();
    codes.sort();
    let mut want = vec![ta.clone(), tb.clone()];
    want.sort();
    assert_eq!(codes, want);
}

#[test]
fn code_on_transparent_background_decodes() {
    let (path, text) = &items()[0];
    let grey = luma_of(path);
    // Black modules on a fully transparent (black) background, as many web QR PNGs are.
    let rgba = RgbaImage::from_fn(grey.width(), grey.height(), |x, y| {
        if grey.get_pixel(x, y).0[0] < 128 {
            Rgba([0, 0, 0, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let codes = qr::decode_image(&DynamicImage::ImageRgba8(rgba)).unwrap();
    assert_eq!(codes, vec![text.clone()]);
}

#[test]
fn upscaled_small_modules_decode() {
    // A 13-fixture code scaled from 6 px modules down to 2 px modules, on a bigger page.
    let (path, text) = &items()[0];
    let grey = luma_of(path);
    let small = imageops::resize(
        &grey,
        grey.width() / 3,
        grey.height() / 3,
        imageops::FilterType::Nearest,
    );
    let mut page = GrayImage::from_pixel(1280, 720, Luma([250]));
    imageops::overlay(&mut page, &small, 600, 300);
    assert_eq!(qr::decode_luma(&page).unwrap(), vec![text.clone()]);
}

#[test]
fn blank_image_has_no_codes() {
    let img = GrayImage::from_pixel(640, 480, Luma([255]));
    assert!(qr::decode_luma(&img).unwrap().is_empty());
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A PNG whose header claims `w`×`h` grey pixels, with a tiny (invalid) IDAT: a decompression
/// bomb's header.
fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale
    png_chunk(&mut out, b"IHDR", &ihdr);
    png_chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    png_chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn too_large_image_is_rejected_from_the_header() {
    for (w, h) in [(10_000, 10_000), (8_000, 6_000), (100_000, 10)] {
        let err = qr::decode_bytes(&png_header_only(w, h)).unwrap_err();
        assert!(
            matches!(err, QrError::ImageTooLarge { .. }),
            "{w}x{h}: {err:?}"
        );
        assert_eq!(err.kind(), "image_too_large");
        assert!(err.is_bad_input());
        assert!(err.to_string().contains("too large"), "{err}");
    }
    // An in-memory image over the limit is refused too, before any decoding.
    let big = GrayImage::new(7_000, 6_000);
    assert_eq!(qr::decode_luma(&big).unwrap_err().kind(), "image_too_large");
}

#[test]
fn garbage_bytes_are_a_clear_error() {
    let err = qr::decode_bytes(b"this is not an image at all, just some text").unwrap_err();
    assert_eq!(err.kind(), "unsupported_image_format");
    assert!(err.to_string().contains("PNG"), "{err}");

    let err = qr::decode_bytes(&[]).unwrap_err();
    assert_eq!(err.kind(), "unsupported_image_format");

    // A real PNG cut in half.
    let (path, _) = &items()[0];
    let bytes = std::fs::read(path).unwrap();
    let err = qr::decode_bytes(&bytes[..bytes.len() / 2]).unwrap_err();
    assert_eq!(err.kind(), "corrupt_image", "{err:?}");

    // A valid header with a broken body.
    let err = qr::decode_bytes(&png_header_only(64, 64)).unwrap_err();
    assert_eq!(err.kind(), "corrupt_image", "{err:?}");
}

#[test]
fn missing_file_is_a_clear_error() {
    let err = qr::decode_file(std::path::Path::new("/nonexistent/qr.png")).unwrap_err();
    assert_eq!(err.kind(), "file_not_found");
    assert!(err.to_string().contains("/nonexistent/qr.png"));
}

#[test]
fn a_located_but_unreadable_symbol_is_reported_and_a_blank_page_reports_none() {
    // The costly upscaled pass runs only after a pass located a symbol it could not read, so
    // that signal must be there: 1.2 px modules, smoothed, are located but not read.
    let (path, _) = &items()[0];
    let grey = luma_of(path);
    let small = imageops::resize(
        &grey,
        grey.width() / 5,
        grey.height() / 5,
        imageops::FilterType::Triangle,
    );
    let mut page = GrayImage::from_pixel(1280, 720, Luma([250]));
    imageops::overlay(&mut page, &small, 600, 300);
    let mut texts = Vec::new();
    let outcome = qr::run_pass(qr::Pass::Full, &page, &mut texts).unwrap();
    assert!(texts.is_empty(), "read at 1.2 px per module: {texts:?}");
    assert!(outcome.unreadable > 0);

    let blank = GrayImage::from_pixel(1280, 720, Luma([250]));
    let outcome = qr::run_pass(qr::Pass::Full, &blank, &mut texts).unwrap();
    assert_eq!(outcome.unreadable, 0);
}

#[test]
fn bytes_that_are_not_utf8_are_binary_unless_they_are_a_2fa_link() {
    // Binary data: not escaped into `\x..` or `<U+..>` text, but reported as not text.
    let binary: Vec<u8> = vec![0x00, 0xff, 0xfe, 0x80, 0x81, 0x10, 0xc3, 0x28, 0x9f, 0x92];
    let page = qr::encode_bytes_image(&binary, 6).unwrap();
    let texts = qr::decode_luma(&page).unwrap();
    assert_eq!(texts.len(), 1);
    assert!(
        !texts[0].contains("\\x") && !texts[0].contains("<U+"),
        "{:?}",
        texts[0]
    );
    assert_eq!(
        qr::classify(&texts[0]),
        qr::QrContent::Binary,
        "{:?}",
        texts[0]
    );
    let message = qr::not_2fa_message(&texts[0]).unwrap();
    assert!(message.contains("not text"), "{message}");

    // An otpauth link written in ISO 8859-1 ("Café"): read as the link it is.
    let mut latin1 = b"otpauth://totp/Caf".to_vec();
    latin1.push(0xe9);
    latin1.extend_from_slice(b"?secret=JBSWY3DPEHPK3PXP");
    let page = qr::encode_bytes_image(&latin1, 6).unwrap();
    let texts = qr::decode_luma(&page).unwrap();
    assert_eq!(
        texts,
        vec!["otpauth://totp/Café?secret=JBSWY3DPEHPK3PXP".to_string()]
    );

    // Other text in ISO 8859-1 stays text.
    let page = qr::encode_bytes_image(b"Caf\xe9 de Boerderij, Dorpsstraat 1", 6).unwrap();
    let texts = qr::decode_luma(&page).unwrap();
    assert_eq!(texts, vec!["Café de Boerderij, Dorpsstraat 1".to_string()]);
    assert_eq!(qr::classify(&texts[0]), qr::QrContent::Other);
}
