//! Tweestap core: everything that is logic lives here, once. The CLI and the desktop app are
//! thin doors into this crate. No GUI, camera or screen dependencies belong here.

pub mod account;
pub mod error;

pub use account::{Account, Algorithm, OtpKind, Secret};
pub use error::ErrorKind;
