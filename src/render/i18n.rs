//! The message catalogue: every label of the reports, the workbook and the figures, per language.
//!
//! Catalogues are TOML files under `templates/i18n/` (`<part>.<lang>.toml`), embedded in the
//! binary; `--templates DIR` overrides any of them file by file (`DIR/i18n/<part>.<lang>.toml`).
//! Keys are dotted paths (`table1.title`); `{name}` placeholders are filled by [`Catalogue::fill`].

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Lang;
use crate::error::{Error, Result};
use crate::normalise::country::Country;

/// The embedded catalogue files: (file name, text).
pub(crate) const EMBEDDED: &[(&str, &str)] = &[
    (
        "report.en.toml",
        include_str!("../../templates/i18n/report.en.toml"),
    ),
    (
        "report.zh.toml",
        include_str!("../../templates/i18n/report.zh.toml"),
    ),
    (
        "workbook.en.toml",
        include_str!("../../templates/i18n/workbook.en.toml"),
    ),
    (
        "workbook.zh.toml",
        include_str!("../../templates/i18n/workbook.zh.toml"),
    ),
    (
        "charts.en.toml",
        include_str!("../../templates/i18n/charts.en.toml"),
    ),
    (
        "charts.zh.toml",
        include_str!("../../templates/i18n/charts.zh.toml"),
    ),
];

/// The messages of one language.
#[derive(Debug, Clone)]
pub struct Catalogue {
    lang: Lang,
    messages: BTreeMap<String, String>,
}

impl Catalogue {
    /// Loads the catalogue of a language, with overrides from `templates`.
    ///
    /// # Errors
    /// [`Error::Render`] naming a catalogue file that is not valid TOML of strings.
    pub fn load(lang: Lang, templates: Option<&Path>) -> Result<Self> {
        let mut messages = BTreeMap::new();
        let suffix = format!(".{}.toml", lang.code());
        for (name, text) in EMBEDDED.iter().filter(|(n, _)| n.ends_with(&suffix)) {
            let override_path = templates.map(|d| d.join("i18n").join(name));
            let text = match override_path.filter(|p| p.is_file()) {
                Some(p) => std::fs::read_to_string(&p).map_err(|e| Error::io("read", &p, e))?,
                None => (*text).to_string(),
            };
            let table: toml::Table = toml::from_str(&text).map_err(|e| Error::Render {
                output: format!("catalogue `{name}`"),
                message: e.to_string(),
            })?;
            flatten("", &toml::Value::Table(table), &mut messages).map_err(|m| Error::Render {
                output: format!("catalogue `{name}`"),
                message: m,
            })?;
        }
        Ok(Self { lang, messages })
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether the language is Chinese (the index of a name in the measure registry).
    pub fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }

    /// A message; a missing key is an error naming it.
    ///
    /// # Errors
    /// [`Error::Render`] when the key is not in the catalogue.
    pub fn get(&self, key: &str) -> Result<&str> {
        self.messages
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| Error::Render {
                output: format!("catalogue ({})", self.lang.code()),
                message: format!("no message `{key}`"),
            })
    }

    /// A message with `{name}` placeholders filled in one pass: a possessive `{name}'s` of a value
    /// ending in `s` is written `s'`, and a value starting with `the ` that opens a sentence is
    /// capitalised.
    ///
    /// # Errors
    /// [`Error::Render`] when the key is not in the catalogue.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> Result<String> {
        Ok(fill_pattern(self.get(key)?, args))
    }

    /// Every message, for templates (`t.table1.title` style lookups use the flattened keys).
    pub fn messages(&self) -> &BTreeMap<String, String> {
        &self.messages
    }

    /// A country's display name in this language, for titles, legends, headers and tables:
    /// the Chinese name in `zh`; in `en` a short form where the M49 name is long or formal
    /// (`United Kingdom`, `United States`), else the M49 English short name.
    pub fn country_name<'a>(&self, country: &'a Country) -> &'a str {
        match self.lang {
            Lang::En => display_name(&country.iso3).map_or(&country.name_en, |(short, _)| short),
            Lang::Zh => &country.name_zh,
        }
    }

    /// A country's name inside an English sentence, with the article English needs (`the
    /// United States`); as [`Self::country_name`] otherwise.
    pub fn country_in_text(&self, country: &Country) -> String {
        match (self.lang, display_name(&country.iso3)) {
            (Lang::En, Some((short, true))) => format!("the {short}"),
            _ => self.country_name(country).to_string(),
        }
    }

    /// The formal name (the UN M49 English short name in `en`, the Chinese name in `zh`), for
    /// the list of every country.
    pub fn country_formal<'a>(&self, country: &'a Country) -> &'a str {
        match self.lang {
            Lang::En => &country.name_en,
            Lang::Zh => &country.name_zh,
        }
    }
}

/// Fills the `{name}` placeholders of `pattern` in one pass (a value is never filled again),
/// with the English grammar a name needs where it lands:
///
/// - a possessive `{name}'s` of a value ending in `s` is written `s'` (`the United States'`,
///   `the Bahamas'`);
/// - a value starting with `the ` that opens a sentence (at the start of the message or after
///   `. `) is capitalised (`The United Kingdom rose ...`).
///
/// Placeholders without a value, and braces that are not a placeholder, are kept as written.
pub(crate) fn fill_pattern(pattern: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = args.iter().find(|(n, _)| *n == name)?;
            Some((close, *value))
        });
        let Some((close, value)) = value else {
            out.push('{');
            rest = after;
            continue;
        };
        let opens_sentence = out.is_empty() || out.ends_with(". ");
        match value.strip_prefix("the ") {
            Some(tail) if opens_sentence => {
                out.push_str("The ");
                out.push_str(tail);
            }
            _ => out.push_str(value),
        }
        rest = &after[close + 1..];
        if value.ends_with('s')
            && let Some(tail) = rest.strip_prefix("'s")
        {
            out.push('\'');
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Short English display names, embedded per country: (ISO3, name, takes `the`).
const DISPLAY_NAMES: &str = include_str!("display-names.csv");

/// A country's short English name and whether it takes `the`, if it has one: parsed once, then
/// looked up by ISO3 (tables name each country once per row).
fn display_name(iso3: &str) -> Option<(&'static str, bool)> {
    static NAMES: std::sync::LazyLock<BTreeMap<&'static str, (&'static str, bool)>> =
        std::sync::LazyLock::new(|| {
            DISPLAY_NAMES
                .lines()
                .skip(1)
                .filter_map(|line| {
                    let mut parts = line.split(',');
                    let iso3 = parts.next()?;
                    let short = parts.next().unwrap_or_default();
                    Some((iso3, (short, parts.next() == Some("the"))))
                })
                .collect()
        });
    NAMES.get(iso3).copied()
}

fn flatten(
    prefix: &str,
    value: &toml::Value,
    out: &mut BTreeMap<String, String>,
) -> std::result::Result<(), String> {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out)?;
            }
            Ok(())
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
            Ok(())
        }
        other => Err(format!(
            "`{prefix}` must be a string, found {}",
            other.type_str()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let en = Catalogue::load(Lang::En, None).unwrap();
        let zh = Catalogue::load(Lang::Zh, None).unwrap();
        let en_keys: Vec<_> = en.messages().keys().collect();
        let zh_keys: Vec<_> = zh.messages().keys().collect();
        assert_eq!(en_keys, zh_keys);
        assert!(!en_keys.is_empty());
    }

    /// The `{name}` placeholders of a message.
    fn placeholders(text: &str) -> std::collections::BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
            .filter(|name| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .collect()
    }

    #[test]
    fn every_message_has_the_same_placeholders_in_both_languages() {
        // Placeholders that hold English text from the input or the reference file, which
        // the Chinese messages leave out on purpose.
        const EN_ONLY: [(&str, &str); 2] = [
            ("report.source.column", "header"),
            ("report.reproduction.explain.note", "note"),
        ];
        let en = Catalogue::load(Lang::En, None).unwrap();
        let zh = Catalogue::load(Lang::Zh, None).unwrap();
        let mut wrong = Vec::new();
        for (key, en_text) in en.messages() {
            let zh_text = zh.get(key).unwrap();
            let mut want = placeholders(en_text);
            want.retain(|p| !EN_ONLY.contains(&(key.as_str(), p)));
            if want != placeholders(zh_text) {
                wrong.push(format!("{key}: en {en_text:?}, zh {zh_text:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert!(placeholders("{a}, {b} and {not one}").len() == 2);
    }

    #[test]
    fn chinese_running_text_uses_full_width_punctuation_and_no_ascii_comparisons() {
        let zh = Catalogue::load(Lang::Zh, None).unwrap();
        let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        let mut wrong = Vec::new();
        for (key, text) in zh.messages() {
            if text.contains("<=") || text.contains(">=") {
                wrong.push(format!("{key}: ASCII comparison in {text:?}"));
            }
            let chars: Vec<char> = text.chars().collect();
            for w in chars.windows(2) {
                let ascii = |c: char| matches!(c, ',' | ';' | ':' | '!' | '?' | '(' | ')');
                if (han(w[0]) && ascii(w[1])) || (ascii(w[0]) && han(w[1])) {
                    wrong.push(format!("{key}: `{}{}` in {text:?}", w[0], w[1]));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn placeholders_are_filled_and_missing_keys_are_errors() {
        let en = Catalogue::load(Lang::En, None).unwrap();
        let (key, _) = en.messages().iter().next().unwrap();
        assert!(en.get(key).is_ok());
        assert!(
            en.get("no.such.key")
                .unwrap_err()
                .to_string()
                .contains("no.such.key")
        );
    }

    #[test]
    fn display_names_are_short_and_take_their_article_in_sentences() {
        let conc = crate::normalise::country::Concordance::embedded();
        let en = Catalogue::load(Lang::En, None).unwrap();
        let zh = Catalogue::load(Lang::Zh, None).unwrap();
        let gbr = conc.get(conc.by_code("GBR").unwrap());
        assert_eq!(en.country_name(gbr), "United Kingdom");
        assert_eq!(en.country_in_text(gbr), "the United Kingdom");
        assert_eq!(
            en.country_formal(gbr),
            "United Kingdom of Great Britain and Northern Ireland"
        );
        assert_eq!(zh.country_in_text(gbr), "英国");
        let chn = conc.get(conc.by_code("CHN").unwrap());
        assert_eq!(en.country_in_text(chn), "China");
        // Every listed code is a country of the concordance.
        for line in DISPLAY_NAMES.lines().skip(1) {
            let code = line.split(',').next().unwrap();
            assert!(conc.by_code(code).is_some(), "{code}");
        }
    }

    #[test]
    fn every_display_name_takes_its_possessive_and_capital_in_a_sentence() {
        let conc = crate::normalise::country::Concordance::embedded();
        let en = Catalogue::load(Lang::En, None).unwrap();
        let mut checked_s = 0;
        for (_, country) in conc.iter() {
            let name = en.country_in_text(country);
            let args = [("country", name.as_str())];
            let opening = fill_pattern("{country}'s EGDI rose.", &args);
            let inside = fill_pattern("In 2018, {country}'s EGDI. {country} fell.", &args);
            let bare = name.strip_prefix("the ").unwrap_or(&name);
            let possessive = if name.ends_with('s') {
                checked_s += 1;
                format!("{bare}' EGDI")
            } else {
                format!("{bare}'s EGDI")
            };
            assert!(opening.contains(&possessive), "{opening}");
            assert!(!opening.contains("s's "), "{opening}");
            assert!(opening.starts_with(|c: char| c.is_uppercase()), "{opening}");
            if name.starts_with("the ") {
                assert!(opening.starts_with(&format!("The {bare}'")), "{opening}");
                assert!(
                    inside.starts_with(&format!("In 2018, the {bare}'")),
                    "{inside}"
                );
                assert!(inside.ends_with(&format!(". The {bare} fell.")), "{inside}");
            } else {
                assert!(inside.contains(&format!(". {name} fell.")), "{inside}");
            }
        }
        // The names that end in `s` include the United States, the Bahamas and Belarus.
        assert!(checked_s > 10, "{checked_s}");
        let usa = conc.get(conc.by_code("USA").unwrap());
        assert_eq!(
            fill_pattern("{c}'s lead", &[("c", &en.country_in_text(usa))]),
            "The United States' lead"
        );
    }

    #[test]
    fn a_fill_leaves_unknown_braces_and_never_fills_a_value_again() {
        assert_eq!(
            fill_pattern("{a} {b} {x y} {", &[("a", "{b}"), ("b", "2")]),
            "{b} 2 {x y} {"
        );
        // A number or a name not ending in `s` keeps its `'s`.
        assert_eq!(fill_pattern("{n}'s", &[("n", "China")]), "China's");
    }

    #[test]
    fn a_templates_folder_overrides_a_catalogue_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("i18n")).unwrap();
        std::fs::write(
            dir.path().join("i18n/report.en.toml"),
            "title = \"Overridden\"\n",
        )
        .unwrap();
        let en = Catalogue::load(Lang::En, Some(dir.path())).unwrap();
        assert_eq!(en.get("title").unwrap(), "Overridden");
    }
}
