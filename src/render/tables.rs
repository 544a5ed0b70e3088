//! The tidy CSVs of `output/tables/` in exactly the SPEC section 6 schemas.
//!
//! UTF-8 without BOM, `\n` line ends, quoted only where needed, numbers as parsed (shortest
//! round-trip form, never rounded), missing values as empty cells.

use super::{Artifact, RenderContext, Renderer};
use crate::analysis::levels::Level;
use crate::analysis::tables::ComponentTable;
use crate::error::{Error, Result};

use crate::normalise::country::{Concordance, CountryId};

/// Writes `tables/*.csv`.
pub struct TablesCsv;

/// A number as written in the CSVs and reports: the shortest form that reads back exactly.
pub fn number(v: f64) -> String {
    v.to_string()
}

fn optional(v: Option<f64>) -> String {
    v.map(number).unwrap_or_default()
}

fn codes(concordance: &Concordance, countries: &[CountryId]) -> String {
    countries
        .iter()
        .map(|&c| concordance.get(c).iso3.as_str())
        .collect::<Vec<_>>()
        .join(";")
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

    /// Writes one record; every field passes [`super::spreadsheet_safe`] (fields are UTF-8
    /// text built by this module).
    fn row<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(&mut self, fields: I) {
        let fields = fields.into_iter().map(|f| {
            let text = String::from_utf8_lossy(f.as_ref()).into_owned();
            super::spreadsheet_safe(&text).into_owned()
        });
        self.writer.write_record(fields).expect("writing to memory");
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

fn component_csv(
    path: &'static str,
    table: &ComponentTable,
    concordance: &Concordance,
) -> Result<Artifact> {
    let mut header = vec!["year".to_string(), "indicator".to_string()];
    header.extend(
        table
            .countries
            .iter()
            .map(|&c| concordance.get(c).iso3.clone()),
    );
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut csv = Csv::new(path, &header);
    for row in &table.rows {
        let mut fields = vec![row.year.to_string(), row.indicator.key().to_string()];
        fields.extend(row.values.iter().map(|v| optional(*v)));
        csv.row(fields);
    }
    csv.finish()
}

impl Renderer for TablesCsv {
    fn name(&self) -> &'static str {
        "tables"
    }

    #[allow(clippy::too_many_lines)]
    fn render(&self, ctx: &RenderContext<'_>) -> Result<Vec<Artifact>> {
        let r = ctx.results;
        let conc = &ctx.normalised.concordance;
        let mut out = Vec::new();

        let mut t1 = Csv::new(
            "tables/table1.csv",
            &["trend", "levels", "level", "count", "countries"],
        );
        for row in &r.table1 {
            t1.row([
                row.trend.key().to_string(),
                row.levels.to_string(),
                row.level.map(|l| l.key().to_string()).unwrap_or_default(),
                row.countries.len().to_string(),
                codes(conc, &row.countries),
            ]);
        }
        out.push(t1.finish()?);

        let mut t2 = Csv::new(
            "tables/table2.csv",
            &["levels", "path", "count", "countries"],
        );
        for row in &r.table2 {
            t2.row([
                row.levels.to_string(),
                row.path_key(),
                row.countries.len().to_string(),
                codes(conc, &row.countries),
            ]);
        }
        out.push(t2.finish()?);

        let mut t3 = Csv::new(
            "tables/table3.csv",
            &[
                "year",
                "index",
                "very_high",
                "high",
                "medium",
                "low",
                "missing",
            ],
        );
        for row in &r.table3 {
            let mut f = vec![row.year.to_string(), row.index.key().to_string()];
            f.extend(row.counts.iter().map(ToString::to_string));
            f.push(row.missing.to_string());
            t3.row(f);
        }
        out.push(t3.finish()?);

        let mut t4 = Csv::new(
            "tables/table4.csv",
            &[
                "year",
                "stage",
                "very_high",
                "high",
                "medium",
                "low",
                "missing",
            ],
        );
        for row in &r.table4 {
            let mut f = vec![row.year.to_string(), row.stage.to_string()];
            f.extend(row.counts.iter().map(ToString::to_string));
            f.push(row.missing.to_string());
            t4.row(f);
        }
        out.push(t4.finish()?);

        out.push(component_csv("tables/table5.csv", &r.table5, conc)?);
        out.push(component_csv("tables/table6.csv", &r.table6, conc)?);

        for fig in &r.figures {
            let path = format!("tables/figure{}.csv", fig.number);
            let mut header = vec!["year".to_string()];
            header.extend(fig.countries.iter().map(|&c| conc.get(c).iso3.clone()));
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let mut csv = Csv::new(&path, &header);
            for (year, values) in fig.years.iter().zip(&fig.values) {
                let mut f = vec![year.to_string()];
                f.extend(values.iter().map(|v| optional(*v)));
                csv.row(f);
            }
            out.push(csv.finish()?);
        }

        let panel = ctx.panel;
        let mut header: Vec<String> = ["iso3", "name", "region", "year"]
            .map(String::from)
            .to_vec();
        header.extend(panel.measures.iter().map(|m| m.key().to_ascii_lowercase()));
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut p = Csv::new("tables/panel.csv", &header);
        for (c, &country) in panel.countries.iter().enumerate() {
            let info = conc.get(country);
            for (y, year) in panel.years.iter().enumerate() {
                let mut f = vec![
                    info.iso3.clone(),
                    info.name_en.clone(),
                    panel.regions[c].to_string(),
                    year.to_string(),
                ];
                f.extend(
                    panel
                        .measures
                        .iter()
                        .map(|&m| optional(panel.value(c, y, m))),
                );
                p.row(f);
            }
        }
        out.push(p.finish()?);

        let mut tr = Csv::new(
            "tables/transitions.csv",
            &[
                "index",
                "from_year",
                "to_year",
                "from_level",
                "very_high",
                "high",
                "medium",
                "low",
            ],
        );
        for t in &r.transitions {
            for (i, level) in Level::DESCENDING.iter().enumerate() {
                let mut f = vec![
                    t.measure.key().to_string(),
                    t.from.to_string(),
                    t.to.to_string(),
                    level.key().to_string(),
                ];
                f.extend(t.counts[i].iter().map(ToString::to_string));
                tr.row(f);
            }
        }
        out.push(tr.finish()?);

        let mut g = Csv::new(
            "tables/gaps.csv",
            &[
                "year",
                "measure",
                "benchmark",
                "focus",
                "focus_value",
                "benchmark_value",
                "difference",
                "ratio",
            ],
        );
        let focus = &conc.get(r.focus).iso3;
        for gap in &r.gaps {
            g.row([
                gap.year.to_string(),
                gap.measure.key().to_string(),
                gap.benchmark
                    .map_or_else(|| "mean".to_string(), |b| conc.get(b).iso3.clone()),
                focus.clone(),
                optional(gap.focus_value),
                optional(gap.benchmark_value),
                optional(gap.difference),
                optional(gap.ratio),
            ]);
        }
        out.push(g.finish()?);

        let mut latest = Csv::new(
            "tables/latest.csv",
            &[
                "measure",
                "from_year",
                "to_year",
                "iso3",
                "from_level",
                "to_level",
                "from_value",
                "to_value",
            ],
        );
        if let Some(l) = &r.latest {
            for c in &l.changes {
                latest.row([
                    c.measure.key().to_string(),
                    l.from_year.to_string(),
                    l.to_year.to_string(),
                    conc.get(c.country).iso3.clone(),
                    c.from_level.key().to_string(),
                    c.to_level.key().to_string(),
                    c.from_value.to_string(),
                    c.to_value.to_string(),
                ]);
            }
        }
        out.push(latest.finish()?);

        let mut groups = Csv::new(
            "tables/groups.csv",
            &[
                "group_kind",
                "group",
                "year",
                "measure",
                "countries",
                "mean",
                "median",
                "very_high",
                "high",
                "medium",
                "low",
            ],
        );
        for g in &r.groups {
            groups.row([
                g.kind.to_string(),
                g.group.clone(),
                g.year.to_string(),
                g.measure.key().to_string(),
                g.countries.to_string(),
                g.mean.to_string(),
                g.median.to_string(),
                g.counts[0].to_string(),
                g.counts[1].to_string(),
                g.counts[2].to_string(),
                g.counts[3].to_string(),
            ]);
        }
        out.push(groups.finish()?);
        let mut g1 = Csv::new(
            "tables/groups_table1.csv",
            &["group_kind", "group", "trend", "levels", "level", "count"],
        );
        for g in &r.groups_table1 {
            g1.row([
                g.kind.to_string(),
                g.group.clone(),
                g.trend.key().to_string(),
                g.levels.to_string(),
                g.level.map(|l| l.key().to_string()).unwrap_or_default(),
                g.count.to_string(),
            ]);
        }
        out.push(g1.finish()?);

        let mut sens = Csv::new(
            "tables/sensitivity.csv",
            &["variant", "table", "row", "column", "value", "baseline"],
        );
        if let Some(s) = &r.sensitivity {
            for n in &s.near {
                sens.row([
                    format!("near_threshold_{}", s.margin),
                    "panel".to_string(),
                    format!("{} {}", s.year, conc.get(n.country).iso3),
                    n.measure.key().to_string(),
                    n.value.to_string(),
                    n.threshold.to_string(),
                ]);
            }
            for c in &s.changed {
                sens.row([
                    c.variant.key(s.margin),
                    c.table.to_string(),
                    c.row.clone(),
                    c.column.to_string(),
                    c.value.to_string(),
                    c.baseline.to_string(),
                ]);
            }
        }
        out.push(sens.finish()?);

        let mut ranks = Csv::new(
            "tables/ranks.csv",
            &["iso3", "year", "rank", "rank_source", "change"],
        );
        for row in &r.ranks {
            ranks.row([
                conc.get(row.country).iso3.clone(),
                row.year.to_string(),
                row.rank.to_string(),
                row.source.key().to_string(),
                row.change.map(|c| c.to_string()).unwrap_or_default(),
            ]);
        }
        out.push(ranks.finish()?);

        let mut reg = Csv::new(
            "tables/regions.csv",
            &["region", "input_countries", "panel_countries"],
        );
        for row in &r.regions {
            reg.row([
                row.region.to_string(),
                row.input_countries.to_string(),
                row.panel_countries.to_string(),
            ]);
        }
        out.push(reg.finish()?);

        let mut q = Csv::new(
            "tables/quality.csv",
            &[
                "kind", "iso3", "year", "measure", "value", "level", "detail",
            ],
        );
        for f in &r.findings {
            q.row([
                f.kind.key().to_string(),
                f.country
                    .map(|c| conc.get(c).iso3.clone())
                    .unwrap_or_default(),
                f.year.map(|y| y.to_string()).unwrap_or_default(),
                f.measure.map(|m| m.key().to_string()).unwrap_or_default(),
                optional(f.value),
                f.level.map(|l| l.key().to_string()).unwrap_or_default(),
                f.detail.clone(),
            ]);
        }
        out.push(q.finish()?);

        if let Some(diffs) = &r.reproduction {
            let mut d = Csv::new(
                "tables/reproduction.csv",
                &["table", "row", "column", "published", "computed"],
            );
            for x in diffs {
                d.row([&x.table, &x.row, &x.column, &x.published, &x.computed]);
            }
            out.push(d.finish()?);
        }
        Ok(out)
    }
}
