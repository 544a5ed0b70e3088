//! The workbook sheets of the tables beyond the paper: the level changes between consecutive
//! surveys, what the latest survey changed, ranks, country groups and the robustness of the
//! levels. One sheet per tidy CSV, in the report
//! language, numbers stored as numbers.

use super::layout::{Cell, TableSheet};
use super::{Labels, Note};
use crate::analysis::Results;
use crate::analysis::sensitivity::Variant;
use crate::error::Result;
use crate::render::RenderContext;

/// Makes a sheet from its key, notes, headers and rows (the data sheets' common frame).
pub(super) type MakeSheet<'a> =
    &'a dyn Fn(&'static str, &[Note], Vec<String>, Vec<Vec<Cell>>) -> Result<TableSheet>;

/// The sheets, in the order the Contents lists them.
pub(super) fn sheets(
    ctx: &RenderContext<'_>,
    labels: &Labels,
    sheet: MakeSheet<'_>,
) -> Result<Vec<TableSheet>> {
    let r: &Results = ctx.results;
    let conc = &ctx.normalised.concordance;
    let iso3 = |c| Cell::Text(conc.get(c).iso3.clone());
    let name = |c| Cell::Text(labels.country(ctx, c));
    let year = |y: crate::model::Year| Cell::Int(i64::from(y.get()));
    let int = |n: usize| Cell::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let mut out = Vec::new();

    let mut rows = Vec::new();
    if let Some(l) = &r.latest {
        for c in &l.changes {
            rows.push(vec![
                Cell::Text(labels.measure_short(c.measure)?),
                year(l.from_year),
                year(l.to_year),
                iso3(c.country),
                name(c.country),
                Cell::Text(labels.level(c.from_level)?),
                Cell::Text(labels.level(c.to_level)?),
                Cell::Index(c.from_value),
                Cell::Index(c.to_value),
            ]);
        }
    }
    let headers = labels.columns(&[
        "measure",
        "from_year",
        "to_year",
        "iso3",
        "name",
        "from_level",
        "to_level",
        "from_value",
        "to_value",
    ])?;
    out.push(sheet("latest", &[Note::Levels], headers, rows)?);

    let rows = r
        .ranks
        .iter()
        .map(|row| {
            Ok(vec![
                iso3(row.country),
                name(row.country),
                year(row.year),
                int(row.rank as usize),
                Cell::Text(labels.get(&format!("rank_source.{}", row.source.key()))?),
                row.change.map_or(Cell::NotApplicable, Cell::Int),
            ])
        })
        .collect::<Result<_>>()?;
    let headers =
        labels.columns(&["iso3", "name", "year", "rank", "rank_source", "rank_change"])?;
    out.push(sheet("ranks", &[Note::NotApplicable], headers, rows)?);

    let rows = r
        .groups
        .iter()
        .map(|g| {
            Ok(vec![
                Cell::Text(labels.get(&format!("group_kind.{}", g.kind))?),
                Cell::Text(labels.group_name(g.kind, &g.group)?),
                year(g.year),
                Cell::Text(labels.measure_short(g.measure)?),
                int(g.countries),
                Cell::Index(g.mean),
                Cell::Index(g.median),
                int(g.counts[0]),
                int(g.counts[1]),
                int(g.counts[2]),
                int(g.counts[3]),
            ])
        })
        .collect::<Result<_>>()?;
    let headers = labels.columns(&[
        "group_kind",
        "group",
        "year",
        "measure",
        "countries_in_group",
        "mean",
        "median",
        "very_high",
        "high",
        "medium",
        "low",
    ])?;
    out.push(sheet("groups", &[Note::Levels], headers, rows)?);

    let mut rows = Vec::new();
    if let Some(s) = &r.sensitivity {
        for n in &s.near {
            rows.push(vec![
                Cell::Text(
                    labels.fill("variant.near", &[("margin", s.margin.to_string().as_str())])?,
                ),
                Cell::Text(format!("{} {}", s.year, conc.get(n.country).iso3)),
                Cell::Text(labels.measure_short(n.measure)?),
                Cell::Index(n.value),
                Cell::Number(n.threshold),
            ]);
        }
        for c in &s.changed {
            let margin = s.margin.to_string();
            let variant = match c.variant {
                Variant::OtherBoundaries => labels.get("variant.other_boundaries")?,
                Variant::ThresholdsPlus => labels.fill("variant.plus", &[("margin", &margin)])?,
                Variant::ThresholdsMinus => labels.fill("variant.minus", &[("margin", &margin)])?,
            };
            let column = labels.get(&format!("column.{}", c.column))?;
            rows.push(vec![
                Cell::Text(variant),
                Cell::Text(format!(
                    "{}{}{}",
                    labels.get(&format!("sheet.{}", c.table))?,
                    labels.get("table_row_separator")?,
                    crate::render::report::row_words(ctx, &labels.catalogue, c.table, &c.row)?
                )),
                Cell::Text(column),
                int(c.value),
                int(c.baseline),
            ]);
        }
    }
    let headers = labels.columns(&["variant", "row", "column", "value", "baseline"])?;
    out.push(sheet("sensitivity", &[Note::Levels], headers, rows)?);
    Ok(out)
}

/// The level changes between consecutive surveys, pivoted as the report shows them: one row per
/// index and kind of change, one column per interval, an interval across a survey that does not
/// compare with the others marked.
pub(super) fn transitions_sheet(
    ctx: &RenderContext<'_>,
    labels: &Labels,
    sheet: MakeSheet<'_>,
) -> Result<TableSheet> {
    let pivot = crate::render::report::transition_pivot(ctx, &labels.catalogue)?;
    let mut headers = labels.columns(&["index", "change"])?;
    headers.extend(pivot.intervals);
    let rows = pivot
        .rows
        .into_iter()
        .map(|row| {
            let mut cells = vec![Cell::Text(row.index), Cell::Text(row.change)];
            cells.extend(row.counts.into_iter().map(|n| {
                n.map_or(Cell::Missing, |n| {
                    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
                })
            }));
            cells
        })
        .collect();
    let notes = [
        Note::Transitions,
        Note::Levels,
        Note::Weighted,
        Note::Declared,
        Note::Missing,
    ];
    sheet("transitions", &notes, headers, rows)
}
