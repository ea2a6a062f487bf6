//! What every core error can tell a door (CLI, app) beyond its English message.

/// A stable, machine-readable category for an error, such as `invalid_secret` or
/// `wrong_password`. The CLI prints it in JSON (`{"error":{"kind","message"}}`); the app
/// looks it up in its Dutch/English message catalogs. Kinds are a contract: never rename one.
pub trait ErrorKind: std::error::Error {
    /// Always [well formed](is_well_formed_kind).
    fn kind(&self) -> &'static str;

    /// True when the error is the caller's input (CLI exit code 2), false when it is the
    /// environment or a bug (exit code 1).
    fn is_bad_input(&self) -> bool {
        true
    }
}

/// The shape every [`ErrorKind::kind`] has: not empty, only lower-case ASCII letters, digits
/// and `_`. The catalogs and scripts that key on kinds rely on it; the bad-input tests and the
/// fuzz targets check it.
pub fn is_well_formed_kind(kind: &str) -> bool {
    !kind.is_empty()
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
