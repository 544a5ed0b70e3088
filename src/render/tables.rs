//! The tidy CSVs of `output/tables/` in exactly the SPEC section 6 schemas.
//!
//! UTF-8 without BOM, `\n` line ends, quoted only where needed, numbers as parsed (shortest
//! round-trip form, never rounded), missing values as empty cells.

use std::borrow::Cow;

use super::tidy::{Extra, Kind, Shown, Table, Value};
use super::{Artifact, RenderContext, Renderer};
use crate::error::{Error, Result};
use crate::normalise::country::Concordance;

/// Writes `tables/*.csv`.
pub struct TablesCsv;

/// A number as written in the CSVs and reports: the shortest form that reads back exactly.
pub fn number(v: f64) -> String {
    // When zmij's shortest form has at most 15 significant digits it is the only decimal of
    // that length that reads back as `v` (any 15-digit decimal survives a round trip through an
    // f64), so `Display`'s shortest form is the same; zmij adds ".0" to whole numbers, which
    // `Display` does not. Longer forms (where the two can break a tie differently), zmij's
    // exponent forms and the non-finite values go through `Display`. At 10,000 x 30 entities
    // `Display` was a fifth of the tidy CSVs' time; zmij formats a number in about two thirds
    // of ryu's time. `vendor/rust_xlsxwriter` writes the workbook's numbers by the same rule.
    if v.is_finite() {
        let mut buffer = zmij::Buffer::new();
        let text = buffer.format_finite(v);
        let text = text.strip_suffix(".0").unwrap_or(text);
        let significant = text
            .bytes()
            .skip_while(|b| matches!(b, b'-' | b'0' | b'.'))
            .filter(u8::is_ascii_digit)
            .count();
        if significant <= 15 && !text.contains('e') {
            return text.to_string();
        }
    }
    v.to_string()
}

/// A value as a CSV field: keys and ISO3 codes, numbers as parsed, missing values empty.
fn field<'v>(value: &'v Value, kind: Kind, concordance: &'v Concordance) -> Cow<'v, str> {
    match value {
        Value::Country(c) if kind == Kind::Name => Cow::Borrowed(&concordance.get(*c).name_en),
        Value::Int(n) => n.to_string().into(),
        Value::Number(v) => number(*v).into(),
        Value::Missing | Value::NotApplicable => Cow::Borrowed(""),
        Value::Text(t) => Cow::Borrowed(t),
        Value::Country(c) => Cow::Borrowed(&concordance.get(*c).iso3),
        Value::Countries(list) => list
            .iter()
            .map(|&c| concordance.get(c).iso3.as_str())
            .collect::<Vec<_>>()
            .join(";")
            .into(),
        Value::Level(l) => Cow::Borrowed(l.key()),
        Value::Measure(m) => Cow::Borrowed(m.key()),
        Value::Stage(n) => n.to_string().into(),
        Value::Region(r) => Cow::Borrowed(r.name()),
        Value::Word { key, .. } => Cow::Borrowed(key),
    }
}

fn table_csv(table: &Table<'_>, concordance: &Concordance) -> Result<Artifact> {
    let mut header: Vec<String> = table
        .schema
        .columns
        .iter()
        .filter(|c| c.shown == Shown::Both)
        .map(|c| c.key.to_string())
        .collect();
    match &table.extra {
        Extra::Nothing => {}
        Extra::Countries(list) => {
            header.extend(list.iter().map(|&c| concordance.get(c).iso3.clone()));
        }
        Extra::Measures(list) => header.extend(list.iter().map(|m| m.key().to_ascii_lowercase())),
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut csv = Csv::new(&format!("tables/{}.csv", table.name), &header);
    let layout = table.layout();
    for row in table.rows() {
        csv.row(
            row.iter()
                .zip(&layout)
                .filter(|(_, (_, shown))| *shown == Shown::Both)
                .map(|(v, (kind, _))| field(v, *kind, concordance)),
        );
    }
    csv.finish()
}
struct Csv {
    path: String,
    writer: csv::Writer<Vec<u8>>,
}

impl Csv {
    fn new(path: &str, header: &[&str]) -> Self {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let header = header
            .iter()
            .map(|h| super::spreadsheet_safe(h).into_owned());
        writer.write_record(header).expect("writing to memory");
        Self {
            path: path.to_string(),
            writer,
        }
    }

    /// Writes one record; every field passes [`super::spreadsheet_safe`], and none is copied
    /// on the way (most are borrowed from the table or the concordance).
    fn row<'f>(&mut self, fields: impl IntoIterator<Item = Cow<'f, str>>) {
        for f in fields {
            self.writer
                .write_field(super::spreadsheet_safe(&f).as_bytes())
                .expect("writing to memory");
        }
        self.writer
            .write_record(None::<&[u8]>)
            .expect("writing to memory");
    }

    fn finish(self) -> Result<Artifact> {
        let bytes = self.writer.into_inner().map_err(|e| Error::Render {
            output: self.path.clone(),
            message: e.to_string(),
        })?;
        Ok(Artifact {
            path: self.path,
            bytes,
        })
    }
}

impl Renderer for TablesCsv {
    fn name(&self) -> &'static str {
        "tables"
    }

    fn render(&self, ctx: &RenderContext<'_>) -> Result<Vec<Artifact>> {
        let concordance = &ctx.countries.names;
        ctx.tables
            .iter()
            .map(|t| table_csv(t, concordance))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::number;

    /// 40,000 finite numbers to compare with `Display`: ties that zmij and `Display` round
    /// differently at 17 digits, whole numbers (zmij writes "1.0"), both zeros, the ends of
    /// zmij's plain notation, random bit patterns and values like the surveys'.
    pub(crate) fn display_samples() -> Vec<f64> {
        let mut rng = fastrand::Rng::with_seed(14);
        let mut numbers = vec![
            0.0,
            -0.0,
            1.0,
            -3.0,
            0.1 + 0.2,
            1e-5,
            9.999e-6,
            1e15,
            1e16,
            123_456_789_012_345.6,
            1e21,
            2_145_817_513_396_668.0 + 0.25,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
        ];
        while numbers.len() < 40_000 {
            let x = match numbers.len() % 4 {
                0 => f64::from_bits(rng.u64(..)),
                1 => rng.f64(),
                2 => (rng.f64() * 1e6).round() / 1e4,
                _ => rng.i64(-1_000_000..1_000_000) as f64 * 10f64.powi(rng.i32(-25..25)),
            };
            if x.is_finite() {
                numbers.push(x);
            }
        }
        numbers
    }

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        let special = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
        for x in display_samples().into_iter().chain(special) {
            assert_eq!(number(x), x.to_string(), "{:e}", x);
        }
    }
}
