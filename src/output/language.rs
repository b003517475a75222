//! The language of the words the terminal, the report and the charts say
//! (`--lang`): a file of its own, below the sentences (`lang`), the
//! charts' words (`charts::words`) and the plain numbers they are written
//! with (`plain_numbers`).

/// The language of the terminal's, the report's and the charts' words;
/// results never depend on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Korean (한국어).
    Ko,
}

/// What the scenario calls its requests (`requests_called`,
/// `requests_called_ko`: "orders", "주문"), for the takeaways to say the
/// learner's word; empty in a language where it says nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RequestsCalled {
    /// In English, plural.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub en: String,
    /// In Korean.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ko: String,
}

impl RequestsCalled {
    /// The scenario gives no word in any language.
    pub fn is_unset(&self) -> bool {
        self.en.is_empty() && self.ko.is_empty()
    }

    /// The word in `lang`: the scenario's, or the plain one.
    pub fn in_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.is_empty() => &self.en,
            Lang::En => "requests",
            Lang::Ko if !self.ko.is_empty() => &self.ko,
            Lang::Ko => "요청",
        }
    }
}

impl Lang {
    /// Of a text written in both languages, the one in this language.
    pub fn pick<T>(self, english: T, korean: T) -> T {
        match self {
            Lang::En => english,
            Lang::Ko => korean,
        }
    }

    /// The language's tag for HTML's `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }
}
