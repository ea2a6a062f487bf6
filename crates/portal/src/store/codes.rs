//! Checking a typed code: the portal's window, a used code, a retired key's code, and the
//! explanations of a clock some minutes or hours off.

use tweestap_core::Account;
use tweestap_core::otp::{self, MAX_VERIFY_WINDOW};

use super::{PERIOD, WINDOW};
use crate::problem::{Hint, PortalError, Problem};

/// A typed code without the spaces people type or paste between its groups.
pub(super) fn typed_code(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `typed` is a current code of a key that a reset (or a newer mail) retired.
pub(super) fn is_retired_code(retired: &[Account], typed: &str, now: u64) -> bool {
    retired
        .iter()
        .any(|old| otp::verify(old, typed, now, WINDOW).is_some())
}

/// Checks a typed code against `account` at portal time `now` and returns its time step, or
/// explains the failure: not six digits; already used (its step is at or before
/// `last_step`); a retired key's code; a code that fits a clock some minutes or hours off;
/// or simply wrong.
pub fn check_code(
    account: &Account,
    last_step: Option<u64>,
    retired: &[Account],
    code: &str,
    now: u64,
) -> Result<u64, PortalError> {
    let typed = typed_code(code);
    if typed.len() != usize::from(account.digits) || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PortalError::with(Problem::InvalidCode, Hint::Format));
    }
    let current = now / PERIOD;
    if let Some(offset) = otp::verify(account, &typed, now, WINDOW) {
        let step = current.saturating_add_signed(offset);
        if last_step.is_some_and(|last| step <= last) {
            let retry_in_s = PERIOD - now % PERIOD;
            return Err(PortalError::with(
                Problem::CodeReused,
                Hint::Wait { retry_in_s },
            ));
        }
        return Ok(step);
    }
    if is_retired_code(retired, &typed, now) {
        return Err(PortalError::with(Problem::InvalidCode, Hint::OldKey));
    }
    if let Some(offset) = otp::verify(account, &typed, now, MAX_VERIFY_WINDOW) {
        let off_s = offset.saturating_mul(PERIOD as i64);
        return Err(PortalError::with(
            Problem::InvalidCode,
            Hint::Clock { off_s },
        ));
    }
    Err(Problem::InvalidCode.into())
}
