//! Unix times as text: RFC 3339 for the API, a readable UTC form for pages.

use tweestap_core::civil::civil_from_days;

use crate::lang::Lang;

struct Parts {
    year: i64,
    month: u32,
    day: u32,
    hour: u64,
    minute: u64,
    second: u64,
}

fn parts(unix: u64) -> Parts {
    let days = i64::try_from(unix / 86_400).unwrap_or(i64::MAX / 2);
    let (year, month, day) = civil_from_days(days);
    let rest = unix % 86_400;
    Parts {
        year,
        month,
        day,
        hour: rest / 3600,
        minute: rest % 3600 / 60,
        second: rest % 60,
    }
}

/// `2026-05-01T14:03:09Z`.
pub fn rfc3339(unix: u64) -> String {
    let p = parts(unix);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        p.year, p.month, p.day, p.hour, p.minute, p.second
    )
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `1 mei 2026, 14:03:09 UTC` / `1 May 2026, 14:03:09 UTC`.
pub fn readable(unix: u64, lang: Lang) -> String {
    let p = parts(unix);
    let month = lang.pick(MONTHS_NL, MONTHS_EN)[(p.month - 1) as usize];
    format!(
        "{} {month} {}, {:02}:{:02}:{:02} UTC",
        p.day, p.year, p.hour, p.minute, p.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
        assert_eq!(
            readable(1_700_000_000, Lang::Nl),
            "14 november 2023, 22:13:20 UTC"
        );
        assert_eq!(
            readable(1_700_000_000, Lang::En),
            "14 November 2023, 22:13:20 UTC"
        );
    }
}
