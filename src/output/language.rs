//! The language of the words the terminal and the report say (`--lang`):
//! a file of its own, below both the sentences (`lang`) and the plain
//! numbers they are written with (`plain_numbers`).

/// The language of the terminal's and the report's words; results never
/// depend on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Korean (한국어).
    Ko,
}

impl Lang {
    /// The language's tag for HTML's `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }
}
