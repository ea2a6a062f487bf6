//! Which desktop this session runs: Wayland or not, and which family of compositor, so that
//! screen capture picks the right path and errors name the right package to install.

use std::ffi::OsStr;

/// The families of Wayland desktops whose screenshot portals differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desktop {
    /// GNOME (mutter): xdg-desktop-portal-gnome, asks the person once before the first
    /// non-interactive screenshot.
    Gnome,
    /// KDE Plasma (KWin): xdg-desktop-portal-kde.
    Kde,
    /// wlroots compositors (sway, river, Wayfire, labwc, dwl): xdg-desktop-portal-wlr, which
    /// runs `grim`. Hyprland and niri are not: they have portals of their own (-hyprland, and
    /// niri uses -gnome's), so they count as [`Desktop::Other`].
    Wlroots,
    /// Anything else, or not known.
    Other,
}

impl Desktop {
    /// The family named by `XDG_CURRENT_DESKTOP` (a colon-separated list, e.g.
    /// `ubuntu:GNOME`).
    pub fn current() -> Desktop {
        Desktop::from_current_desktop(std::env::var("XDG_CURRENT_DESKTOP").ok().as_deref())
    }

    pub fn from_current_desktop(value: Option<&str>) -> Desktop {
        const WLROOTS: [&str; 6] = ["sway", "wlroots", "river", "wayfire", "labwc", "dwl"];
        let names: Vec<String> = value
            .unwrap_or_default()
            .split(':')
            .map(|n| n.trim().to_ascii_lowercase())
            .collect();
        if names.iter().any(|n| n == "gnome") {
            Desktop::Gnome
        } else if names.iter().any(|n| n == "kde") {
            Desktop::Kde
        } else if names.iter().any(|n| WLROOTS.contains(&n.as_str())) {
            Desktop::Wlroots
        } else {
            Desktop::Other
        }
    }

    /// A stable name, for logs, the CLI and the UI (`gnome`, `kde`, `wlroots`, `other`).
    pub fn name(self) -> &'static str {
        match self {
            Desktop::Gnome => "gnome",
            Desktop::Kde => "kde",
            Desktop::Wlroots => "wlroots",
            Desktop::Other => "other",
        }
    }

    /// What to install so that the screenshot portal works on this desktop.
    pub fn portal_remedy(self) -> &'static str {
        match self {
            Desktop::Gnome => {
                "install xdg-desktop-portal and xdg-desktop-portal-gnome (Debian/Ubuntu: sudo apt install xdg-desktop-portal-gnome; Fedora: sudo dnf install xdg-desktop-portal-gnome), then log out and in again"
            }
            Desktop::Kde => {
                "install xdg-desktop-portal and xdg-desktop-portal-kde (Debian/Ubuntu: sudo apt install xdg-desktop-portal-kde; Fedora: sudo dnf install xdg-desktop-portal-kde), then log out and in again"
            }
            Desktop::Wlroots => {
                "install xdg-desktop-portal, xdg-desktop-portal-wlr and grim (Debian/Ubuntu: sudo apt install xdg-desktop-portal-wlr grim; Fedora: sudo dnf install xdg-desktop-portal-wlr grim; Arch: sudo pacman -S xdg-desktop-portal-wlr grim), then log out and in again"
            }
            Desktop::Other => {
                "install xdg-desktop-portal with the portal backend for your desktop (xdg-desktop-portal-gnome, -kde, -wlr or -hyprland), then log out and in again"
            }
        }
    }
}

/// True in a Wayland session: `WAYLAND_DISPLAY` is set or `XDG_SESSION_TYPE` is `wayland`,
/// whatever `DISPLAY` says (GNOME and KDE start XWayland, so `DISPLAY` is set there too, but an
/// X11 capture then sees only XWayland's part of the desktop, cropped and at the wrong scale).
pub fn is_wayland_session() -> bool {
    is_wayland(
        std::env::var_os("WAYLAND_DISPLAY").as_deref(),
        std::env::var_os("XDG_SESSION_TYPE").as_deref(),
    )
}

pub fn is_wayland(wayland_display: Option<&OsStr>, session_type: Option<&OsStr>) -> bool {
    cfg!(target_os = "linux")
        && (wayland_display.is_some_and(|v| !v.is_empty())
            || session_type.is_some_and(|v| v.eq_ignore_ascii_case("wayland")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_from_xdg_current_desktop() {
        let of = |v| Desktop::from_current_desktop(Some(v));
        assert_eq!(of("GNOME"), Desktop::Gnome);
        assert_eq!(of("ubuntu:GNOME"), Desktop::Gnome);
        assert_eq!(of("KDE"), Desktop::Kde);
        assert_eq!(of("sway"), Desktop::Wlroots);
        assert_eq!(of("river"), Desktop::Wlroots);
        assert_eq!(of("Hyprland"), Desktop::Other);
        assert_eq!(of("niri"), Desktop::Other);
        assert_eq!(of("XFCE"), Desktop::Other);
        assert_eq!(Desktop::from_current_desktop(None), Desktop::Other);
    }

    #[test]
    fn wayland_whatever_display_says() {
        let os = |s: &'static str| Some(OsStr::new(s));
        assert_eq!(is_wayland(os("wayland-0"), None), cfg!(target_os = "linux"));
        assert_eq!(is_wayland(None, os("wayland")), cfg!(target_os = "linux"));
        assert!(!is_wayland(None, os("x11")));
        assert!(!is_wayland(os(""), None));
        assert!(!is_wayland(None, None));
    }

    #[test]
    fn every_remedy_names_a_package() {
        for d in [
            Desktop::Gnome,
            Desktop::Kde,
            Desktop::Wlroots,
            Desktop::Other,
        ] {
            assert!(d.portal_remedy().contains("xdg-desktop-portal"), "{d:?}");
        }
        assert!(Desktop::Wlroots.portal_remedy().contains("grim"));
    }
}
