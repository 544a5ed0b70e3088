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
