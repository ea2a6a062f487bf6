//! The app id xdg-desktop-portal gives this (unsandboxed) process, which keys its answers in
//! the permission store. The portal reads it from the systemd user unit the desktop started us
//! in: launched from GNOME's app grid that is a scope such as
//! `app-gnome-tweestap\x2dapp-4242.scope` (app id `tweestap-app`, after the desktop file);
//! started from a terminal there is no such unit and the id is "". Newer portals may also
//! refuse ids that are not well-formed and use "", so both are candidates.

/// The ids the permission store may hold our answer under, the most specific first.
pub fn candidates() -> Vec<String> {
    let cgroup = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let mut ids = Vec::new();
    if let Some(id) = user_unit(&cgroup).and_then(app_id_from_unit)
        && !id.is_empty()
    {
        ids.push(id);
    }
    ids.push(String::new());
    ids
}

/// The unit `sd_pid_get_user_unit` reports: the first unit below the user manager's
/// `user@UID.service` in the unified cgroup hierarchy that is not a slice.
fn user_unit(cgroup: &str) -> Option<&str> {
    let path = cgroup.lines().find_map(|line| line.strip_prefix("0::"))?;
    let (_, below_manager) = path.split_once(".service/")?;
    below_manager
        .split('/')
        .find(|unit| !unit.is_empty() && !unit.ends_with(".slice"))
}

/// The application id in a unit name following systemd's desktop-environment convention:
/// `app[-<launcher>]-<ApplicationID>-<RANDOM>.scope` (or `.slice`) and
/// `app[-<launcher>]-<ApplicationID>[@<RANDOM>].service`, with `\xNN` escapes undone.
fn app_id_from_unit(unit: &str) -> Option<String> {
    let rest = unit.strip_prefix("app-")?;
    let escaped = if let Some(body) = rest
        .strip_suffix(".scope")
        .or_else(|| rest.strip_suffix(".slice"))
    {
        with_launcher_or_not(body, |id_and_suffix| {
            // The id ends at the last '-' followed only by letters and digits (the random part).
            let (id, random) = id_and_suffix.rsplit_once('-')?;
            (!id.is_empty() && random.chars().all(|c| c.is_ascii_alphanumeric())).then_some(id)
        })?
    } else {
        let body = rest.strip_suffix(".service")?;
        with_launcher_or_not(body, |id_and_suffix| {
            let id = match id_and_suffix.rsplit_once('@') {
                Some((id, random)) if random.chars().all(|c| c.is_ascii_alphanumeric()) => id,
                _ => id_and_suffix
                    .strip_suffix("-autostart")
                    .unwrap_or(id_and_suffix),
            };
            (!id.is_empty()).then_some(id)
        })?
    };
    Some(unescape(escaped))
}

/// The launcher part (`gnome-`, `KDE-`) is optional: the id is taken after it when what
/// follows still has the unit's shape, else from the start.
fn with_launcher_or_not<'a>(
    body: &'a str,
    id_of: impl Fn(&'a str) -> Option<&'a str>,
) -> Option<&'a str> {
    let launcher_len = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .filter(|&n| n > 0 && body[n..].starts_with('-'));
    launcher_len
        .and_then(|n| id_of(&body[n + 1..]))
        .or_else(|| id_of(body))
}

/// systemd's `\xNN` escapes (a unit name cannot hold '-' inside a component, among others).
fn unescape(escaped: &str) -> String {
    let mut bytes = Vec::with_capacity(escaped.len());
    let mut rest = escaped.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'\\'
            && let [b'x', hi, lo, after @ ..] = tail
            && let Ok(byte) = u8::from_str_radix(&format!("{}{}", *hi as char, *lo as char), 16)
        {
            bytes.push(byte);
            rest = after;
            continue;
        }
        bytes.push(b);
        rest = tail;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_started_by_desktops() {
        let id = |unit| app_id_from_unit(unit);
        assert_eq!(
            id("app-gnome-tweestap\\x2dapp-4242.scope").as_deref(),
            Some("tweestap-app")
        );
        assert_eq!(
            id("app-gnome-nl.tweestap.app-77.scope").as_deref(),
            Some("nl.tweestap.app")
        );
        assert_eq!(
            id("app-nl.tweestap.app-77.scope").as_deref(),
            Some("nl.tweestap.app")
        );
        assert_eq!(
            id("app-KDE-org.kde.okular@12345.service").as_deref(),
            Some("org.kde.okular")
        );
        assert_eq!(
            id("app-org.kde.okular.service").as_deref(),
            Some("org.kde.okular")
        );
        assert_eq!(
            id("app-gnome-tweestap\\x2dapp-autostart.service").as_deref(),
            Some("tweestap-app")
        );
        assert_eq!(id("app-not-a-well-formed-unit-name"), None);
        assert_eq!(id("vte-spawn-5d3c.scope"), None);
    }

    #[test]
    fn the_user_unit_in_the_cgroup() {
        let gnome = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-tweestap\\x2dapp-4242.scope\n";
        assert_eq!(
            user_unit(gnome),
            Some("app-gnome-tweestap\\x2dapp-4242.scope")
        );
        let terminal = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-5d3c.scope\n";
        assert_eq!(user_unit(terminal), Some("vte-spawn-5d3c.scope"));
        assert_eq!(
            user_unit("0::/user.slice/user-1000.slice/session-2.scope\n"),
            None
        );
        assert_eq!(user_unit("0::/\n"), None);
    }
}
