//! Errors of the QR pipeline: reading an image and decoding it.

use crate::error::{ErrorKind, Kind};

/// Why an image could not be read or decoded. Finding no QR code is not an error: the decode
/// functions then return an empty list.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// The file or buffer is larger than [`super::MAX_FILE_BYTES`].
    #[error(
        "this file is too large to be a QR code image ({size} bytes; the limit is {limit} bytes); take a screenshot of just the code instead"
    )]
    FileTooLarge { size: u64, limit: u64 },

    /// The image header announces more pixels than [`super::MAX_PIXELS`] (or a side above
    /// [`super::MAX_SIDE`]), as a decompression bomb or a huge scan would.
    #[error(
        "this image is too large to scan ({width}×{height} pixels; the limit is {max_megapixels} megapixels); crop it to the QR code or take a screenshot of just the code"
    )]
    ImageTooLarge {
        width: u32,
        height: u32,
        max_megapixels: u32,
    },

    /// The bytes are not an image in a supported format (PNG, JPEG, GIF, BMP, WebP).
    #[error(
        "this is not an image Tweestap can read; use a PNG, JPEG, GIF, BMP or WebP file or a screenshot"
    )]
    UnsupportedFormat,

    /// The format was recognised but the data is damaged or truncated.
    #[error("this image file is damaged and cannot be read ({detail}); save or export it again")]
    CorruptImage { detail: String },

    /// The image has no pixels (0 width or height).
    #[error("this image is empty (it has no pixels)")]
    EmptyImage,

    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    /// The decoder itself failed (a bug or a resource problem, not the user's input).
    #[error("the QR decoder failed: {detail}")]
    Decoder { detail: String },
}

impl ErrorKind for QrError {
    fn kind(&self) -> Kind {
        match self {
            QrError::FileTooLarge { .. } => Kind::FileTooLarge,
            QrError::ImageTooLarge { .. } => Kind::ImageTooLarge,
            QrError::UnsupportedFormat => Kind::UnsupportedImageFormat,
            QrError::CorruptImage { .. } => Kind::CorruptImage,
            QrError::EmptyImage => Kind::EmptyImage,
            QrError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                Kind::FileNotFound
            }
            QrError::Io { source, .. } if source.kind() == std::io::ErrorKind::PermissionDenied => {
                Kind::PermissionDenied
            }
            QrError::Io { .. } => Kind::FileUnreadable,
            QrError::Decoder { .. } => Kind::DecoderFailed,
        }
    }

    fn is_bad_input(&self) -> bool {
        !matches!(self, QrError::Decoder { .. })
    }
}
