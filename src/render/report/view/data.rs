//! Section 1 of the report view: the input files, the README, the panel and its exclusions.

use super::{Builder, DataView, TableBuilder, TableView};
use crate::error::Result;
use crate::ingest::FileKind;

impl Builder<'_> {
    pub(super) fn data(&self) -> Result<DataView> {
        let tx = &self.tx;
        let years: Vec<String> = self.r.years.iter().map(ToString::to_string).collect();
        let mut paragraphs = vec![tx.fill(
            "data.surveys",
            &[("count", &years.len()), ("years", &tx.list(&years)?)],
        )?];
        let regions: Vec<String> = self
            .r
            .regions
            .iter()
            .filter(|r| r.panel_countries > 0)
            .map(|r| {
                tx.fill(
                    "data.region_count",
                    &[
                        ("count", &r.panel_countries),
                        ("region", &tx.get(&format!("region.{}", r.region.name()))?),
                    ],
                )
            })
            .collect::<Result<_>>()?;
        let measures = self.required_measures()?;
        let panel_key = if self.ctx.panel.fixed {
            "data.panel_fixed"
        } else {
            "data.panel"
        };
        paragraphs.push(tx.plural(
            panel_key,
            self.r.panel_size,
            &[
                ("measures", &tx.list(&measures)?),
                ("regions", &tx.list(&regions)?),
            ],
        )?);
        let excluded = self.ctx.panel.exclusions.len();
        paragraphs.push(if excluded == 0 {
            tx.get("data.excluded_none")?
        } else {
            tx.plural("data.excluded", excluded, &[])?
        });
        Ok(DataView {
            paragraphs,
            inputs: self.inputs()?,
            readme: self.ctx.provenance.readme.clone(),
            readme_html: self
                .ctx
                .provenance
                .readme
                .as_deref()
                .map(crate::render::markdown::readme_html),
            regions: self.regions()?,
            exclusions: (excluded > 0).then(|| self.exclusions()).transpose()?,
        })
    }

    fn inputs(&self) -> Result<TableView> {
        let tx = &self.tx;
        let mut t = TableBuilder::new("inputs", tx.get("inputs.caption")?, 1)
            .col(tx.get("inputs.file")?, false)
            .col(tx.get("inputs.kind")?, false)
            .col(tx.get("inputs.bytes")?, true)
            .col(tx.get("inputs.sha256")?, false);
        for f in &self.ctx.provenance.files {
            let kind = match f.kind {
                FileKind::Csv => "csv",
                FileKind::Workbook => "workbook",
                FileKind::Skipped => "skipped",
            };
            t.row(vec![
                f.name.clone(),
                tx.get(&format!("inputs.kinds.{kind}"))?,
                f.bytes.to_string(),
                f.sha256.chars().take(12).collect(),
            ]);
        }
        Ok(t.finish())
    }

    fn regions(&self) -> Result<TableView> {
        let tx = &self.tx;
        let mut t = TableBuilder::new("regions", tx.get("regions.caption")?, 1)
            .col(tx.get("regions.region")?, false)
            .col(tx.get("regions.input")?, true)
            .col(tx.get("regions.panel")?, true);
        for r in &self.r.regions {
            // A table cell starts with a capital ("The Americas"), a sentence keeps "the".
            let mut region = tx.get(&format!("region.{}", r.region.name()))?;
            if let Some(first) = region.get(..1) {
                let upper = first.to_uppercase();
                region.replace_range(..1, &upper);
            }
            t.row(vec![
                region,
                r.input_countries.to_string(),
                r.panel_countries.to_string(),
            ]);
        }
        let total = |f: fn(&crate::analysis::beyond::RegionRow) -> usize| {
            self.r.regions.iter().map(f).sum::<usize>().to_string()
        };
        t.row(vec![
            tx.get("regions.total")?,
            total(|r| r.input_countries),
            total(|r| r.panel_countries),
        ]);
        Ok(t.finish())
    }

    fn exclusions(&self) -> Result<TableView> {
        let tx = &self.tx;
        let mut t = TableBuilder::new("exclusions", tx.get("exclusions.caption")?, 1)
            .col(tx.get("exclusions.country")?, false)
            .col(tx.get("exclusions.iso3")?, false)
            .col(tx.get("exclusions.reason")?, false);
        for e in &self.ctx.panel.exclusions {
            let gaps: Vec<String> = e
                .gaps
                .iter()
                .map(|g| tx.gap_reason(g))
                .collect::<Result<_>>()?;
            t.row(vec![
                tx.country(e.country),
                tx.iso3(e.country).to_string(),
                gaps.join(&tx.get("exclusions.sep")?),
            ]);
        }
        Ok(t.finish())
    }
}
