//! The portal's two languages: Dutch (the default, as at the real portal) and English.

/// A page's language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    /// The Dutch or the English variant of anything.
    pub fn pick<T>(self, nl: T, en: T) -> T {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    /// `nl` or `en`.
    pub fn code(self) -> &'static str {
        self.pick("nl", "en")
    }

    /// `nl`/`en` (any case); anything else is `None`.
    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language (for the switch link).
    pub fn other(self) -> Lang {
        self.pick(Lang::En, Lang::Nl)
    }
}
