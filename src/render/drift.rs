//! With `run --check`: what changed inside the tidy CSVs, cell by cell.
//!
//! Reads the tables of the existing output folder, matches their rows with the new ones by each
//! table's key columns and lists the cells that differ ([`Change`]). Only reads; never writes.
//! Lists are capped per table ([`MAX_PER_TABLE`]); the rest is counted.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

use super::Artifact;

/// The most changes listed per table; the rest are counted in [`Drift::omitted`].
pub const MAX_PER_TABLE: usize = 50;

/// One difference between the existing and the new version of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The table (the CSV's name without `.csv`: `table3`, `panel`).
    pub table: String,
    /// The row: its key columns' values, space-separated (`2024 TII`).
    pub row: String,
    /// The column, or `None` when the whole row is new or gone.
    pub column: Option<String>,
    /// The existing value (`None`: the row or column is new).
    pub old: Option<String>,
    /// The new value (`None`: the row or column is gone).
    pub new: Option<String>,
}

/// Every table's changes, capped per table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drift {
    /// The changes listed, table by table in path order, rows in the new table's order.
    pub changes: Vec<Change>,
    /// Changes past [`MAX_PER_TABLE`] per table, by table.
    pub omitted: BTreeMap<String, usize>,
}

/// The columns that identify a row of each tidy CSV (SPEC and README schemas).
fn key_columns(table: &str) -> &'static [&'static str] {
    match table {
        "table1" => &["trend", "levels", "level"],
        "table2" => &["levels", "path"],
        "table3" => &["year", "index"],
        "table4" => &["year", "stage"],
        "table5" | "table6" => &["year", "indicator"],
        "panel" => &["iso3", "year"],
        "gaps" => &["year", "measure", "benchmark"],
        "transitions" => &["index", "from_year", "to_year", "from_level"],
        "regions" => &["region"],
        "quality" => &["kind", "iso3", "year", "measure"],
        "reproduction" => &["table", "row", "column"],
        _ => &["year"],
    }
}

/// Compares every `tables/*.csv` artifact with the file of the same name in `output`.
///
/// Tables that are new, unreadable or byte-identical contribute nothing (the file list of
/// `--check` already names new files).
pub fn compare_tables(output: &Path, artifacts: &[Artifact]) -> Drift {
    let mut drift = Drift::default();
    for a in artifacts {
        let Some(table) = a
            .path
            .strip_prefix("tables/")
            .and_then(|p| p.strip_suffix(".csv"))
        else {
            continue;
        };
        let Ok(old) = std::fs::read(output.join(&a.path)) else {
            continue;
        };
        if old == a.bytes {
            continue;
        }
        let (Some(old), Some(new)) = (Rows::parse(table, &old), Rows::parse(table, &a.bytes))
        else {
            continue;
        };
        let all = diff(table, &old, &new);
        let extra = all.len().saturating_sub(MAX_PER_TABLE);
        drift.changes.extend(all.into_iter().take(MAX_PER_TABLE));
        if extra > 0 {
            drift.omitted.insert(table.to_string(), extra);
        }
    }
    drift
}

/// A parsed table: its header and its rows by key.
struct Rows {
    header: Vec<String>,
    /// (key, cells) in file order.
    rows: Vec<(String, Vec<String>)>,
}

impl Rows {
    fn parse(table: &str, bytes: &[u8]) -> Option<Self> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let header: Vec<String> = reader.headers().ok()?.iter().map(String::from).collect();
        let mut keys: Vec<usize> = key_columns(table)
            .iter()
            .filter_map(|k| header.iter().position(|h| h == k))
            .collect();
        if keys.is_empty() {
            keys.push(0);
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut rows = Vec::new();
        for record in reader.records() {
            let cells: Vec<String> = record.ok()?.iter().map(String::from).collect();
            let mut key = keys
                .iter()
                .map(|&i| cells.get(i).map_or("", String::as_str))
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            // Rows sharing a key (several exclusions of one country) are told apart by order.
            let n = seen.entry(key.clone()).or_default();
            *n += 1;
            if *n > 1 {
                key = format!("{key} #{n}");
            }
            rows.push((key, cells));
        }
        Some(Self { header, rows })
    }

    fn cell(&self, cells: &[String], column: &str) -> Option<String> {
        let i = self.header.iter().position(|h| h == column)?;
        Some(cells.get(i).cloned().unwrap_or_default())
    }
}

fn diff(table: &str, old: &Rows, new: &Rows) -> Vec<Change> {
    let old_by_key: HashMap<&str, &Vec<String>> =
        old.rows.iter().map(|(k, c)| (k.as_str(), c)).collect();
    let new_keys: std::collections::HashSet<&str> =
        new.rows.iter().map(|(k, _)| k.as_str()).collect();
    let mut columns: Vec<&str> = new.header.iter().map(String::as_str).collect();
    for h in &old.header {
        if !columns.contains(&h.as_str()) {
            columns.push(h);
        }
    }
    let keys = key_columns(table);
    let change =
        |row: &str, column: Option<&str>, old: Option<String>, new: Option<String>| Change {
            table: table.to_string(),
            row: row.to_string(),
            column: column.map(String::from),
            old,
            new,
        };
    let mut out = Vec::new();
    for (key, cells) in &new.rows {
        let Some(old_cells) = old_by_key.get(key.as_str()) else {
            out.push(change(key, None, None, Some(cells.join(","))));
            continue;
        };
        for column in columns.iter().filter(|c| !keys.contains(c)) {
            let (a, b) = (old.cell(old_cells, column), new.cell(cells, column));
            if a != b {
                out.push(change(key, Some(column), a, b));
            }
        }
    }
    for (key, cells) in &old.rows {
        if !new_keys.contains(key.as_str()) {
            out.push(change(key, None, Some(cells.join(",")), None));
        }
    }
    out
}

/// How many names of a list cell the terminal shows before "..".
const NAMES_SHOWN: usize = 5;

impl Change {
    /// The change as a terminal line: `table3 2024 TII very high: 62 -> 104`.
    pub fn describe(&self) -> String {
        let words = |s: &str| s.replace('_', " ");
        let place = format!("{} {}", self.table, words(&self.row));
        let (old, new) = (self.old.as_deref(), self.new.as_deref());
        match (self.column.as_deref(), old, new) {
            (None, None, _) => format!("{place}: new row"),
            (None, _, _) => format!("{place}: row removed"),
            (Some("countries"), Some(a), Some(b)) => {
                format!("{place}: {}", list_change(a, b))
            }
            (Some(c), a, b) => format!(
                "{place} {}: {} -> {}",
                words(c),
                a.map_or("(no column)", shown),
                b.map_or("(no column)", shown)
            ),
        }
    }
}

fn shown(value: &str) -> &str {
    if value.is_empty() { "(empty)" } else { value }
}

/// `+3 countries (ARG, BRA, CHL), -1 country (DEU)` for a `;`-separated list cell.
fn list_change(old: &str, new: &str) -> String {
    let split = |s: &str| -> Vec<String> {
        s.split(';')
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    };
    let (a, b) = (split(old), split(new));
    let added: Vec<&String> = b.iter().filter(|x| !a.contains(x)).collect();
    let removed: Vec<&String> = a.iter().filter(|x| !b.contains(x)).collect();
    let part = |sign: char, names: &[&String]| {
        let mut list: Vec<&str> = names.iter().take(NAMES_SHOWN).map(|s| s.as_str()).collect();
        if names.len() > NAMES_SHOWN {
            list.push("..");
        }
        format!(
            "{sign}{} ({})",
            crate::words::count(names.len(), "country", "countries"),
            list.join(", ")
        )
    };
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(part('+', &added));
    }
    if !removed.is_empty() {
        parts.push(part('-', &removed));
    }
    if parts.is_empty() {
        "same countries in another order".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(table: &str, old: &str, new: &str) -> Vec<String> {
        let (o, n) = (
            Rows::parse(table, old.as_bytes()).unwrap(),
            Rows::parse(table, new.as_bytes()).unwrap(),
        );
        diff(table, &o, &n).iter().map(Change::describe).collect()
    }

    #[test]
    fn cells_are_matched_by_key_columns() {
        let old = "year,index,very_high,high\n2024,OSI,10,20\n2024,TII,62,30\n";
        let new = "year,index,very_high,high\n2024,TII,104,30\n2024,OSI,10,20\n2026,OSI,1,2\n";
        assert_eq!(
            changes("table3", old, new),
            [
                "table3 2024 TII very high: 62 -> 104",
                "table3 2026 OSI: new row"
            ]
        );
    }

    #[test]
    fn list_cells_say_which_countries_came_and_went() {
        let old = "trend,levels,level,count,countries\nrose,1,high,2,AUT;BEL\n";
        let new = "trend,levels,level,count,countries\nrose,1,high,4,AUT;CHE;DEU;FRA\n";
        assert_eq!(
            changes("table1", old, new),
            [
                "table1 rose 1 high count: 2 -> 4",
                "table1 rose 1 high: +3 countries (CHE, DEU, FRA), -1 country (BEL)"
            ]
        );
    }

    #[test]
    fn removed_rows_and_repeated_keys_are_reported() {
        let old =
            "kind,iso3,year,measure,value,level,detail\nexcluded,AFG,,,,,a\nexcluded,AFG,,,,,b\n";
        let new = "kind,iso3,year,measure,value,level,detail\nexcluded,AFG,,,,,a\n";
        assert_eq!(
            changes("quality", old, new),
            ["quality excluded AFG #2: row removed"]
        );
    }

    #[test]
    fn changes_past_the_cap_are_counted_not_listed() {
        let dir = tempfile::tempdir().unwrap();
        let rows = |v: u32| {
            let mut s = String::from("year,USA\n");
            for y in 2001..2001 + 60 {
                s.push_str(&format!("{y},{v}\n"));
            }
            s
        };
        std::fs::create_dir_all(dir.path().join("tables")).unwrap();
        std::fs::write(dir.path().join("tables/figure1.csv"), rows(1)).unwrap();
        let drift = compare_tables(dir.path(), &[Artifact::text("tables/figure1.csv", rows(2))]);
        assert_eq!(drift.changes.len(), MAX_PER_TABLE);
        assert_eq!(drift.omitted.get("figure1"), Some(&10));
        assert_eq!(drift.changes[0].describe(), "figure1 2001 USA: 1 -> 2");
    }
}
