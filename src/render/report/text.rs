//! Words for the report: catalogue lookups under `report.`, placeholders, plurals, lists,
//! number formats and country names, in the report language.
//!
//! Consumes the [`Catalogue`] and the concordance; produces strings. Every visible word of the
//! report goes through here, so a missing message or an unfilled `{placeholder}` is an error
//! naming the key instead of a silently broken sentence.

use std::fmt::Display;

use crate::analysis::levels::Level;
use crate::error::{Error, Result};
use crate::model::{Measure, Year};
use crate::normalise::country::{Concordance, CountryId};
use crate::render::i18n::Catalogue;

/// Why one survey of a country is unusable, in the catalogue's language (shared with the
/// workbook's Countries sheet so that both say it in the same words).
///
/// # Errors
/// [`Error::Render`] when a message is missing from the catalogue.
pub(crate) fn gap_reason(
    cat: &Catalogue,
    concordance: &Concordance,
    gap: &crate::panel::Gap,
) -> Result<String> {
    Text::new(cat, concordance).gap_reason(gap)
}

/// The prefix of every report message in the catalogue (other parts have their own).
pub(super) const PREFIX: &str = "report.";

/// Catalogue access for the report.
pub(super) struct Text<'a> {
    cat: &'a Catalogue,
    concordance: &'a Concordance,
}

impl<'a> Text<'a> {
    pub(super) fn new(cat: &'a Catalogue, concordance: &'a Concordance) -> Self {
        Self { cat, concordance }
    }

    /// Why one survey of a country is unusable, in words (`2010: EGDI 0, HCI missing`).
    pub(super) fn gap_reason(&self, gap: &crate::panel::Gap) -> Result<String> {
        let mut parts = Vec::new();
        if gap.absent {
            parts.push(self.get("exclusions.absent")?);
        }
        if gap.egdi_zero {
            parts.push(self.get("exclusions.egdi_zero")?);
        }
        if !gap.missing.is_empty() {
            let measures: Vec<String> = gap
                .missing
                .iter()
                .map(|&m| self.measure(m))
                .collect::<Result<_>>()?;
            parts.push(self.fill(
                "exclusions.missing",
                &[("measures", &self.list(&measures)?)],
            )?);
        }
        self.fill(
            "exclusions.gap",
            &[("year", &gap.year), ("why", &self.join(&parts)?)],
        )
    }

    /// A message without placeholders.
    pub(super) fn get(&self, key: &str) -> Result<String> {
        self.fill(key, &[])
    }

    /// A message with its `{name}` placeholders filled; one left unfilled is an error.
    pub(super) fn fill(&self, key: &str, args: &[(&str, &dyn Display)]) -> Result<String> {
        let full = format!("{PREFIX}{key}");
        let values: Vec<(&str, String)> = args.iter().map(|(n, v)| (*n, v.to_string())).collect();
        let pairs: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        // Possessives and sentence-initial articles are settled by the fill itself.
        let text = self.cat.fill(&full, &pairs)?;
        if let Some(name) = unfilled_placeholder(self.cat.get(&full)?, &pairs) {
            return Err(Error::Render {
                output: format!("catalogue ({})", self.cat.lang().code()),
                message: format!("message `{full}` has a placeholder `{{{name}}}` with no value"),
            });
        }
        Ok(text)
    }

    /// `key_one` when `n` is 1, else `key_other`; `{n}` is filled with `n`.
    pub(super) fn plural(
        &self,
        key: &str,
        n: usize,
        args: &[(&str, &dyn Display)],
    ) -> Result<String> {
        let form = if n == 1 { "one" } else { "other" };
        let mut all: Vec<(&str, &dyn Display)> = vec![("n", &n)];
        all.extend_from_slice(args);
        self.fill(&format!("{key}_{form}"), &all)
    }

    /// Items joined as a sentence lists them: `a, b and c` (`a、b和c`).
    pub(super) fn list(&self, items: &[String]) -> Result<String> {
        match items {
            [] => Ok(String::new()),
            [one] => Ok(one.clone()),
            [init @ .., last] => Ok(format!(
                "{}{}{last}",
                init.join(&self.get("list.sep")?),
                self.get("list.last")?
            )),
        }
    }

    /// Items joined with the plain separator (`a, b, c`).
    pub(super) fn join(&self, items: &[String]) -> Result<String> {
        Ok(items.join(&self.get("list.sep")?))
    }

    /// `2003–2018`, or the single year when both are the same.
    pub(super) fn years(&self, from: Year, to: Year) -> Result<String> {
        if from == to {
            Ok(from.to_string())
        } else {
            self.fill("range", &[("from", &from), ("to", &to)])
        }
    }

    /// A level as a table shows it (`very high`, `非常高`).
    pub(super) fn level(&self, level: Level) -> Result<String> {
        self.get(&format!("level.{}", level.key()))
    }

    /// A level as a sentence quotes it (`very high`, `“非常高”`).
    pub(super) fn level_quoted(&self, level: Level) -> Result<String> {
        self.fill("quote", &[("text", &self.level(level)?)])
    }

    /// A text to be quoted inside a quotation: its quotation marks become the inner ones
    /// (`“高”` → `‘高’`), as `nested_quotes` lists them (outer open, close, inner open, close).
    pub(super) fn nested_quotes(&self, text: &str) -> Result<String> {
        let marks: Vec<char> = self.get("nested_quotes")?.chars().collect();
        let [open, close, inner_open, inner_close] = marks[..] else {
            return Ok(text.to_string());
        };
        Ok(text
            .chars()
            .map(|c| match c {
                c if c == open => inner_open,
                c if c == close => inner_close,
                c => c,
            })
            .collect())
    }

    /// A measure's name: the acronym for the indices, the full name for components and stages.
    pub(super) fn measure(&self, measure: Measure) -> Result<String> {
        Ok(measure.short(self.cat.zh()).to_string())
    }

    /// An index's full name with its acronym: `Online Service Index (OSI)`.
    pub(super) fn measure_titled(&self, measure: Measure) -> String {
        measure.titled(self.cat.zh())
    }

    /// A country's name in the report language.
    pub(super) fn country(&self, id: CountryId) -> String {
        self.cat.country_name(self.concordance.get(id)).to_string()
    }

    /// A place in the input, as `SourceRef` writes it (``sheet `S` of `F`, row 3, column B
    /// (`H`)``), in the report's words and without Markdown backticks; a text of another
    /// shape is returned without its backticks.
    pub(super) fn source(&self, text: &str) -> Result<String> {
        let Some(place) = parse_source(text) else {
            return Ok(text.replace('`', ""));
        };
        let mut out = self.fill("source.row", &[("file", &place.file), ("row", &place.row)])?;
        if let Some(sheet) = place.sheet {
            out = self.fill(
                "source.sheet",
                &[
                    ("file", &place.file),
                    ("sheet", &sheet),
                    ("row", &place.row),
                ],
            )?;
        }
        if let Some((column, header)) = place.column {
            out = self.fill(
                "source.column",
                &[("place", &out), ("column", &column), ("header", &header)],
            )?;
        }
        Ok(out)
    }

    /// A country's name inside a sentence (`the United States`).
    pub(super) fn country_in_text(&self, id: CountryId) -> String {
        self.cat.country_in_text(self.concordance.get(id))
    }

    /// A country's ISO3 code.
    pub(super) fn iso3(&self, id: CountryId) -> &'a str {
        &self.concordance.get(id).iso3
    }
}

/// A place in the input, parsed back from its `SourceRef` text.
#[derive(Debug, PartialEq, Eq)]
struct Place {
    file: String,
    sheet: Option<String>,
    row: String,
    column: Option<(String, String)>,
}

/// Parses ``[sheet `S` of ]`F`, row N[, column C (`H`)]``.
fn parse_source(text: &str) -> Option<Place> {
    let quoted = |s: &str| -> Option<(String, usize)> {
        let rest = s.strip_prefix('`')?;
        let end = rest.find('`')?;
        Some((rest[..end].to_string(), end + 2))
    };
    let mut rest = text;
    let mut sheet = None;
    if let Some(after) = rest.strip_prefix("sheet ") {
        let (s, used) = quoted(after)?;
        sheet = Some(s);
        rest = after[used..].strip_prefix(" of ")?;
    }
    let (file, used) = quoted(rest)?;
    rest = rest[used..].strip_prefix(", row ")?;
    let row_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let row = rest[..row_end].to_string();
    rest = &rest[row_end..];
    let column = match rest.strip_prefix(", column ") {
        Some(after) => {
            let (letter, header) = after.split_once(" (")?;
            let header = header.strip_suffix(')')?;
            Some((letter.to_string(), quoted(header)?.0))
        }
        None if rest.is_empty() => None,
        None => return None,
    };
    (!row.is_empty()).then_some(Place {
        file,
        sheet,
        row,
        column,
    })
}

/// The first `{name}` of `pattern` that `args` does not fill.
fn unfilled_placeholder<'p>(pattern: &'p str, args: &[(&str, &str)]) -> Option<&'p str> {
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        let name = &after[..close];
        let is_name =
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if is_name && !args.iter().any(|(n, _)| *n == name) {
            return Some(name);
        }
        rest = &after[close + 1..];
    }
    None
}

/// An index value in prose and tables: 4 decimals.
pub(super) fn index_value(v: f64) -> String {
    format!("{v:.4}")
}

/// A component value (percentages, per 100, years): 2 decimals.
pub(super) fn component_value(v: f64) -> String {
    format!("{v:.2}")
}

/// A value of a measure in the precision its kind is shown with.
pub(super) fn measure_value(measure: Measure, v: f64) -> String {
    measure.format(v)
}

/// A ratio: 3 decimals.
pub(super) fn ratio_value(v: f64) -> String {
    format!("{v:.3}")
}

/// A signed difference in the precision of its measure, with an explicit `+`.
pub(super) fn difference_value(measure: Measure, v: f64) -> String {
    let text = measure_value(measure, v);
    if v >= 0.0 { format!("+{text}") } else { text }
}

/// A threshold as the method states it: at least 2 decimals, more only when needed.
pub(super) fn threshold_value(t: f64) -> String {
    let two = format!("{t:.2}");
    if two.parse::<f64>().is_ok_and(|v| v == t) {
        two
    } else {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfilled_placeholders_are_found_and_filled_ones_are_not() {
        assert_eq!(
            unfilled_placeholder("{a} and {b}", &[("a", "1")]),
            Some("b")
        );
        assert_eq!(
            unfilled_placeholder("{a} and {b}", &[("a", "1"), ("b", "2")]),
            None
        );
        assert_eq!(unfilled_placeholder("no braces {here", &[]), None);
        assert_eq!(unfilled_placeholder("set {x y}", &[]), None);
    }

    #[test]
    fn input_places_parse_back_from_their_text() {
        assert_eq!(
            parse_source("sheet `S 1` of `a.xlsx`, row 26, column B (`Country Name`)"),
            Some(Place {
                file: "a.xlsx".into(),
                sheet: Some("S 1".into()),
                row: "26".into(),
                column: Some(("B".into(), "Country Name".into())),
            })
        );
        let p = parse_source("`b.csv`, row 3").unwrap();
        assert_eq!((p.file.as_str(), p.sheet, p.column), ("b.csv", None, None));
        assert_eq!(parse_source("somewhere else"), None);
    }

    #[test]
    fn numbers_use_the_report_precision() {
        assert_eq!(index_value(0.68109), "0.6811");
        assert_eq!(component_value(53.2), "53.20");
        assert_eq!(difference_value(Measure::Egdi, 0.1), "+0.1000");
        assert_eq!(difference_value(Measure::Egdi, -0.25), "-0.2500");
        assert_eq!(threshold_value(0.5), "0.50");
        assert_eq!(threshold_value(0.333), "0.333");
    }
}
