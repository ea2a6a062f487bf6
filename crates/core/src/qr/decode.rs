//! Still image → every QR text in it.

use image::{DynamicImage, GrayImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;
use std::path::Path;
use zxingcpp::{
    BarcodeFormat, BarcodeReader, Binarizer, ContentType, ImageFormat as ZxFormat, ImageView,
    TextMode,
};

use super::QrError;
use crate::error::ErrorKind;

/// Largest image (width × height) that is decoded: 40 megapixels, above an 8K screen (33 MP).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Longest side accepted, whatever the pixel count.
pub const MAX_SIDE: u32 = 16_384;
/// Largest image file read: 64 MiB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Upscaling (for tiny modules) is tried only while the result stays below this size.
const MAX_UPSCALED_PIXELS: u64 = 9_000_000;

fn check_dimensions(width: u32, height: u32) -> Result<(), QrError> {
    if width == 0 || height == 0 {
        return Err(QrError::EmptyImage);
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(QrError::ImageTooLarge {
            width,
            height,
            max_megapixels: (MAX_PIXELS / 1_000_000) as u32,
        });
    }
    Ok(())
}

fn map_image_error(e: image::ImageError) -> QrError {
    use image::ImageError as E;
    match e {
        E::Unsupported(_) => QrError::UnsupportedFormat,
        E::Limits(l) => QrError::CorruptImage {
            detail: format!("it needs more memory than allowed: {l}"),
        },
        E::Decoding(d) => QrError::CorruptImage {
            detail: d.to_string(),
        },
        E::IoError(io) => QrError::CorruptImage {
            detail: io.to_string(),
        },
        other => QrError::CorruptImage {
            detail: other.to_string(),
        },
    }
}

/// Reads an image (PNG, JPEG, GIF — first frame —, BMP or WebP) from memory.
///
/// The size is checked from the header before any pixel is decoded, so a decompression bomb
/// or a 100-megapixel file gives [`QrError::ImageTooLarge`] instead of exhausting memory.
pub fn load_image(bytes: &[u8]) -> Result<DynamicImage, QrError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(QrError::FileTooLarge {
            size: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| QrError::CorruptImage {
            detail: e.to_string(),
        })?;
    match reader.format() {
        Some(
            ImageFormat::Png
            | ImageFormat::Jpeg
            | ImageFormat::Gif
            | ImageFormat::Bmp
            | ImageFormat::WebP,
        ) => {}
        _ => return Err(QrError::UnsupportedFormat),
    }
    let format = reader.format();
    let (w, h) = reader.into_dimensions().map_err(map_image_error)?;
    log::trace!("qr: {format:?} image of {w}×{h}, {} bytes", bytes.len());
    check_dimensions(w, h).inspect_err(|e| log::debug!("qr: image refused: {}", e.kind()))?;

    let mut reader = ImageReader::new(Cursor::new(bytes));
    if let Some(f) = format {
        reader.set_format(f);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // 40 MP of 16-bit RGBA plus decoder working space.
    limits.max_alloc = Some(MAX_PIXELS * 8 + 64 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().map_err(map_image_error)
}

/// Reads an image file; see [`load_image`].
pub fn load_image_file(path: &Path) -> Result<DynamicImage, QrError> {
    use crate::files::{ReadError, read_regular};
    let io_err = |source| QrError::Io {
        path: path.display().to_string(),
        source,
    };
    let bytes = read_regular(path, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::Io(e) => io_err(e),
        ReadError::NotAFile(what) => io_err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("it is a {what}, not an image file"),
        )),
        ReadError::TooLarge(size) => QrError::FileTooLarge {
            size,
            limit: MAX_FILE_BYTES,
        },
    })?;
    load_image(&bytes)
}

/// Grey levels of `img`, with any transparency composited over white (a QR code saved as
/// black modules on a transparent background would otherwise turn all black).
pub fn to_luma(img: &DynamicImage) -> GrayImage {
    match img {
        DynamicImage::ImageLuma8(g) => g.clone(),
        DynamicImage::ImageRgb8(rgb) => {
            let (w, h) = rgb.dimensions();
            let data = rgb
                .as_raw()
                .chunks_exact(3)
                .map(|p| luma(p[0], p[1], p[2]))
                .collect();
            GrayImage::from_raw(w, h, data).expect("buffer size matches")
        }
        _ if !img.color().has_alpha() => img.to_luma8(),
        _ => {
            let rgba = match img {
                DynamicImage::ImageRgba8(b) => std::borrow::Cow::Borrowed(b),
                other => std::borrow::Cow::Owned(other.to_rgba8()),
            };
            let (w, h) = rgba.dimensions();
            let data = rgba
                .as_raw()
                .chunks_exact(4)
                .map(|p| {
                    let y = u32::from(luma(p[0], p[1], p[2]));
                    let a = u32::from(p[3]);
                    ((y * a + 255 * (255 - a)) / 255) as u8
                })
                .collect();
            GrayImage::from_raw(w, h, data).expect("buffer size matches")
        }
    }
}

/// Rec. 601 luma in integer arithmetic (what zxing-cpp uses for colour input).
#[inline]
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((306 * u32::from(r) + 601 * u32::from(g) + 117 * u32::from(b) + 0x200) >> 10) as u8
}

/// Every QR text in a decoded image (see [`decode_luma`]).
pub fn decode_image(img: &DynamicImage) -> Result<Vec<String>, QrError> {
    check_dimensions(img.width(), img.height())?;
    decode_luma(&to_luma(img))
}

/// Reads and decodes an image held in memory.
pub fn decode_bytes(bytes: &[u8]) -> Result<Vec<String>, QrError> {
    decode_image(&load_image(bytes)?)
}

/// Reads and decodes an image file.
pub fn decode_file(path: &Path) -> Result<Vec<String>, QrError> {
    decode_image(&load_image_file(path)?)
}

/// zxing-cpp's reader for QR codes only. `try_invert` makes it retry every image inverted
/// (light-on-dark codes); `try_downscale` adds downscaled copies *after* the full-resolution
/// attempt, so small modules are never lost to it. `return_errors` also reports symbols that
/// were located but not read: they are what makes the costly [`Pass::Upscaled`] worth trying.
fn reader(binarizer: Binarizer, downscale: bool) -> BarcodeReader {
    BarcodeReader::new()
        .formats([BarcodeFormat::QRCode])
        .try_harder(true)
        .try_rotate(true)
        .try_invert(true)
        .try_downscale(downscale)
        .return_errors(true)
        .text_mode(TextMode::Plain)
        .binarizer(binarizer)
}

/// What one decoder call saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[doc(hidden)]
pub struct PassOutcome {
    /// Symbols located but not read (damaged, too small, too blurred).
    pub unreadable: usize,
}

/// One decoder call on a grey image; texts are appended to `out` (no duplicates).
fn read_into(
    data: &[u8],
    width: u32,
    height: u32,
    opts: &BarcodeReader,
    out: &mut Vec<String>,
) -> Result<PassOutcome, QrError> {
    let view = ImageView::from_slice(data, width, height, ZxFormat::Lum).map_err(|e| {
        QrError::Decoder {
            detail: e.to_string(),
        }
    })?;
    let codes = opts.from(view).map_err(|e| QrError::Decoder {
        detail: e.to_string(),
    })?;
    let mut outcome = PassOutcome::default();
    for code in codes {
        if !code.is_valid() {
            outcome.unreadable += 1;
            continue;
        }
        // Raw bytes as UTF-8 (what otpauth producers write, with or without an ECI). Other
        // bytes: the decoder's transcoding (by ECI or its guess, plain, never escaped) for text
        // in another character set, and for a 2FA link in one (e.g. ISO 8859-1); for content
        // the decoder finds binary, the bytes with U+FFFD marking what is not UTF-8, which
        // classify() reports as binary.
        let bytes = code.bytes();
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let plain = code.text();
                let binary = matches!(code.content_type(), ContentType::Binary);
                if !binary || super::classify(&plain).is_2fa() {
                    plain
                } else {
                    String::from_utf8_lossy(e.as_bytes()).into_owned()
                }
            }
        };
        if !out.contains(&text) {
            out.push(text);
        }
    }
    Ok(outcome)
}

/// The extra attempts after the first full-resolution read, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Pass {
    /// Full resolution, the decoder's own rotation / inversion / downscale attempts.
    Full,
    /// The image inverted explicitly (zxing-cpp's `try_invert` in every pass already retries
    /// inverted; kept for measurement).
    Inverted,
    /// Upscaled ×2 (smooth), for 1–2 px modules; only while the result stays below 9 MP
    /// (1080p and smaller), without the downscaled pyramid.
    Upscaled,
    /// A global-histogram binarizer, for low contrast and glare.
    GlobalHistogram,
    /// Downscaled ×½ (experimental; measured, not in [`PASSES`] unless it pays).
    Half,
    /// Gaussian blur σ 1 (experimental).
    Blur,
    /// Contrast stretched between the 1st and 99th percentile (experimental).
    Stretch,
}

/// Every pass, the experimental ones too (for the benchmark's `--passes` report).
#[doc(hidden)]
pub const ALL_PASSES: [Pass; 7] = [
    Pass::Full,
    Pass::Inverted,
    Pass::Upscaled,
    Pass::GlobalHistogram,
    Pass::Half,
    Pass::Blur,
    Pass::Stretch,
];

#[doc(hidden)]
pub const PASSES: [Pass; 3] = [Pass::Full, Pass::GlobalHistogram, Pass::Upscaled];

/// Runs one pass; texts are appended to `out`.
#[doc(hidden)]
pub fn run_pass(
    pass: Pass,
    img: &GrayImage,
    out: &mut Vec<String>,
) -> Result<PassOutcome, QrError> {
    let (w, h) = img.dimensions();
    match pass {
        Pass::Full => read_into(
            img.as_raw(),
            w,
            h,
            &reader(Binarizer::LocalAverage, true),
            out,
        ),
        Pass::Inverted => {
            let inverted: Vec<u8> = img.as_raw().iter().map(|p| 255 - p).collect();
            read_into(&inverted, w, h, &reader(Binarizer::LocalAverage, true), out)
        }
        Pass::Upscaled => {
            if u64::from(w) * u64::from(h) * 4 > MAX_UPSCALED_PIXELS {
                return Ok(PassOutcome::default());
            }
            let up =
                image::imageops::resize(img, w * 2, h * 2, image::imageops::FilterType::Triangle);
            read_into(
                up.as_raw(),
                w * 2,
                h * 2,
                &reader(Binarizer::LocalAverage, false),
                out,
            )
        }
        Pass::GlobalHistogram => read_into(
            img.as_raw(),
            w,
            h,
            &reader(Binarizer::GlobalHistogram, true),
            out,
        ),
        Pass::Half => {
            let (hw, hh) = ((w / 2).max(1), (h / 2).max(1));
            let small = image::imageops::resize(img, hw, hh, image::imageops::FilterType::Triangle);
            read_into(
                small.as_raw(),
                hw,
                hh,
                &reader(Binarizer::LocalAverage, true),
                out,
            )
        }
        Pass::Blur => {
            let b = image::imageops::blur(img, 1.0);
            read_into(
                b.as_raw(),
                w,
                h,
                &reader(Binarizer::LocalAverage, true),
                out,
            )
        }
        Pass::Stretch => {
            let s = stretch(img);
            read_into(
                s.as_raw(),
                w,
                h,
                &reader(Binarizer::LocalAverage, true),
                out,
            )
        }
    }
}

/// Contrast stretch between the 1st and 99th percentile grey level.
fn stretch(img: &GrayImage) -> GrayImage {
    let mut hist = [0u64; 256];
    for p in img.as_raw() {
        hist[usize::from(*p)] += 1;
    }
    let n = img.as_raw().len() as u64;
    let (mut lo, mut hi, mut acc) = (0usize, 255usize, 0u64);
    for (i, c) in hist.iter().enumerate() {
        acc += c;
        if acc * 100 >= n {
            lo = i;
            break;
        }
    }
    acc = 0;
    for (i, c) in hist.iter().enumerate().rev() {
        acc += c;
        if acc * 100 >= n {
            hi = i;
            break;
        }
    }
    let span = hi.saturating_sub(lo).max(1) as u32;
    let lut: Vec<u8> = (0..256u32)
        .map(|v| ((v.saturating_sub(lo as u32)) * 255 / span).min(255) as u8)
        .collect();
    let mut out = img.clone();
    for p in out.iter_mut() {
        *p = lut[usize::from(*p)];
    }
    out
}

/// How hard to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Effort {
    /// One full-resolution read (with the decoder's inversion and downscale attempts): for live
    /// webcam frames, where the next frame is the retry.
    Fast,
    /// Every pass of [`PASSES`] until one finds a code: for screenshots and image files.
    #[default]
    Thorough,
}

/// Every QR text in a grey image, in the order found, without duplicates ([`Effort::Thorough`]).
///
/// The passes of [`PASSES`] are tried in order until one finds a code: the full-resolution
/// image first (never downscaled before, so 2–3 px modules survive), then the extra attempts.
pub fn decode_luma(img: &GrayImage) -> Result<Vec<String>, QrError> {
    decode_luma_with(img, Effort::Thorough)
}

/// [`decode_luma`] with a chosen [`Effort`].
pub fn decode_luma_with(img: &GrayImage, effort: Effort) -> Result<Vec<String>, QrError> {
    let (w, h) = img.dimensions();
    check_dimensions(w, h)?;
    let started = std::time::Instant::now();
    let mut out = Vec::new();
    let passes: &[Pass] = match effort {
        Effort::Fast => &PASSES[..1],
        Effort::Thorough => &PASSES,
    };
    let mut tried = 0;
    let mut unreadable = 0;
    for pass in passes {
        // Upscaling costs ~40× a full read (a 1080p image becomes 4K) and only helps symbols
        // the decoder located but could not read; without one, "no code" is the answer.
        if *pass == Pass::Upscaled && unreadable == 0 {
            continue;
        }
        tried += 1;
        unreadable += run_pass(*pass, img, &mut out)?.unreadable;
        if !out.is_empty() {
            break;
        }
    }
    log::debug!(
        "qr: {w}×{h} image, {tried} pass(es) ({effort:?}): {} code(s) in {:?}",
        out.len(),
        started.elapsed()
    );
    Ok(out)
}
