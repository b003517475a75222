//! How keys and values are shown in messages: key paths, TOML literals,
//! what was found, lists of options and the nearest valid one.
use toml::de::DeValue;

use crate::suggest::nearest;

/// Is `s` a bare TOML key (no quotes needed)?
fn is_bare(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `parent.key`, quoting `key` when it is not bare.
pub(crate) fn join(parent: &str, key: &str) -> String {
    let key = if is_bare(key) {
        key.to_string()
    } else {
        quote(key)
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

/// A TOML basic string literal.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// At most this many characters of a value are shown in a message.
const SHOWN: usize = 60;

/// `s` cut to [`SHOWN`] characters, with an ellipsis when cut.
pub(crate) fn cut(s: &str) -> String {
    match s.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_string(),
    }
}

/// [`quote`] for a message: a long string is cut short, so that a huge
/// value does not make a huge message.
pub(crate) fn quote_short(s: &str) -> String {
    match s.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", quote(&s[..end])),
        None => quote(s),
    }
}

/// [`render`] for a message, cut short like [`quote_short`].
pub(crate) fn render_short(value: &DeValue<'_>) -> String {
    cut(&render(value))
}

/// `value` as a TOML literal, as a user would write it after `--set KEY=`.
pub(crate) fn render(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => quote(s),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(a) => {
            let items: Vec<String> = a.iter().map(|v| render(v.get_ref())).collect();
            format!("[{}]", items.join(", "))
        }
        DeValue::Table(t) if t.is_empty() => "{}".into(),
        DeValue::Table(t) => {
            let items: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{} = {}", join("", k.get_ref()), render(v.get_ref())))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

/// "an integer (5)", "a string (\"x\")", … for "found …" in messages.
pub(crate) fn found(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("a string ({})", quote_short(s)),
        DeValue::Integer(i) => format!("an integer ({i})"),
        DeValue::Float(f) => format!("a float ({f})"),
        DeValue::Boolean(b) => format!("a boolean ({b})"),
        DeValue::Datetime(d) => format!("a date-time ({d})"),
        DeValue::Array(_) => "an array".into(),
        DeValue::Table(_) => "a table".into(),
    }
}

/// `word` after "a" or "an" as it is read out: "an ec2", "a lambda".
pub(crate) fn with_article(word: &str) -> String {
    let vowel = word
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {word}", if vowel { "an" } else { "a" })
}

/// How [`one_of`] writes each option.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Quoted {
    /// As a key: `` `a` ``.
    Key,
    /// As a TOML string: `"a"`.
    Value,
    /// As it is: `a`.
    No,
}

/// "`a`, `b` or `c`", each option written as `quoted` says.
pub(crate) fn one_of(options: &[&str], quoted: Quoted) -> String {
    let shown: Vec<String> = options
        .iter()
        .map(|o| match quoted {
            Quoted::Key => format!("`{o}`"),
            Quoted::Value => quote(o),
            Quoted::No => o.to_string(),
        })
        .collect();
    match shown.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// "; did you mean `key`?" or nothing.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    nearest(word, candidates).map_or(String::new(), |s| format!("; did you mean `{s}`?"))
}

/// "; did you mean \"value\"?" or nothing: values are shown as written in TOML.
pub(crate) fn did_you_mean_value<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    nearest(word, candidates).map_or(String::new(), |s| format!("; did you mean {}?", quote(s)))
}
