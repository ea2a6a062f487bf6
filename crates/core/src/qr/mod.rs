//! QR decoding: a still image in, every QR text in it out; and drawing QR codes (exports).
//!
//! The decoder is zxing-cpp (built from the `zxing-cpp` crate's bundled C++ sources), wrapped
//! in extra passes (explicit inversion, upscaling for tiny modules, a second binarizer). See
//! `docs/SCANNING.md` for why this decoder and the measured figures.
//!
//! Screens, webcams and the clipboard are the `tweestap-capture` crate's job; this module only
//! sees pixels or image file bytes.

mod classify;
mod decode;
mod encode;
mod error;
mod found;

pub use classify::{NO_CODE_ADVICE, QrContent, classify, not_2fa_message};
#[doc(hidden)]
pub use decode::{ALL_PASSES, PASSES, Pass, PassOutcome, run_pass};
pub use decode::{
    Effort, MAX_FILE_BYTES, MAX_PIXELS, MAX_SIDE, decode_bytes, decode_file, decode_image,
    decode_luma, decode_luma_with, load_image, load_image_file, to_luma,
};
pub use encode::{MAX_QR_TEXT, encode_bytes_image, encode_image, encode_png};
pub use error::QrError;
pub use found::{Found, FoundProblem, accounts_in};

/// The `image` crate, re-exported so callers build [`image::DynamicImage`] /
/// [`image::GrayImage`] values of the same version.
pub use image;
