//! Tweestap core: everything that is logic lives here, once. The CLI and the desktop app are
//! thin doors into this crate. No GUI, camera or screen dependencies belong here.

pub mod account;
pub mod base32;
pub mod base64;
pub mod civil;
pub mod clock_check;
mod crypto;
pub mod error;
pub mod export;
pub mod files;
pub mod hex;
pub mod import;
pub mod link;
pub mod migration;
pub mod otp;
mod percent;
pub mod qr;
mod radix;
pub mod scan;
pub mod settings;
pub mod uri;
pub mod vault;
pub mod view;
mod wiping;

pub use account::{Account, Algorithm, OtpKind, Secret, display_label};
pub use error::{ErrorKind, Kind, is_well_formed_kind};
pub use link::{Link, LinkError, parse_link};
pub use migration::{BatchInfo, MigrationBatch, MigrationEntryError, MigrationError};
pub use otp::{Clock, CodeInfo, FixedClock, SystemClock};
pub use uri::{UriError, format_otpauth, parse_otpauth};
