//! Cell values: missing-value spellings, numbers stored as numbers or as text, survey years.
//!
//! Pure functions over [`Cell`]s; callers attach the cell's place to any error.

use crate::ingest::Cell;
use crate::model::Year;

/// Spellings of a missing value (compared after trimming, case-insensitively).
const MISSING: &[&str] = &[
    "", "..", "...", "-", "--", "\u{2013}", "\u{2014}", "n/a", "na", "n.a.", "null", "none",
];

/// Why a cell could not be read as a number.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueProblem {
    /// Not a number at all; the text found.
    NotNumeric(String),
}

/// Reads a measure cell: `Ok(None)` for a missing value, `Ok(Some(v))` for a finite number.
///
/// `inf` is returned as a number so that the range check reports it; `NaN` is not a number.
pub fn parse_value(cell: &Cell) -> Result<Option<f64>, ValueProblem> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) if n.is_nan() => Err(ValueProblem::NotNumeric("NaN".into())),
        Cell::Number(n) => Ok(Some(*n)),
        Cell::Text(t) => parse_text(t),
        Cell::Date(t) => Err(ValueProblem::NotNumeric(format!("{t} (a date)"))),
        Cell::Error(e) => Err(ValueProblem::NotNumeric(format!("{e} (a formula error)"))),
        Cell::Bool(b) => Err(ValueProblem::NotNumeric(b.to_string())),
    }
}

fn parse_text(text: &str) -> Result<Option<f64>, ValueProblem> {
    let t = text.trim();
    if MISSING.iter().any(|m| t.eq_ignore_ascii_case(m)) {
        return Ok(None);
    }
    let not_numeric = || ValueProblem::NotNumeric(text.to_string());
    // Only plain decimal notation: Rust's parser would also take `NaN`, `inf` and `infinity`.
    let plain = t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E' | b','));
    if !plain || !t.bytes().any(|b| b.is_ascii_digit()) {
        return Err(not_numeric());
    }
    // A decimal comma (`0,5`) as some European exports write it; never a thousands separator.
    let normalised = if t.contains(',') && !t.contains('.') && t.matches(',').count() == 1 {
        t.replace(',', ".")
    } else if t.contains(',') {
        return Err(not_numeric());
    } else {
        t.to_string()
    };
    normalised
        .parse::<f64>()
        .map(Some)
        .map_err(|_| not_numeric())
}

/// Reads a year cell. The error is the text found, for the caller's message.
pub fn parse_year(cell: &Cell) -> Result<Option<Year>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => {
            if n.fract() == 0.0 && n.is_finite() {
                #[allow(clippy::cast_possible_truncation)]
                Year::new(*n as i64).map(Some).ok_or_else(|| n.to_string())
            } else {
                Err(n.to_string())
            }
        }
        Cell::Text(t) => {
            let t = t.trim();
            if t.is_empty() {
                return Ok(None);
            }
            let as_int = t
                .parse::<i64>()
                .ok()
                .or_else(|| t.strip_suffix(".0").and_then(|s| s.parse::<i64>().ok()));
            as_int
                .and_then(Year::new)
                .map(Some)
                .ok_or_else(|| t.to_string())
        }
        Cell::Date(d) => Err(format!("{d} (a date, not a year)")),
        Cell::Error(e) => Err(format!("{e} (a formula error)")),
        Cell::Bool(b) => Err(b.to_string()),
    }
}

/// How many decimals a value was written with: from the text of a CSV cell (`0.52640` has 5),
/// from the shortest form of a number stored as a number.
pub fn decimals(cell: &Cell, value: f64) -> u8 {
    let count = |t: &str| {
        t.split_once(['.', ',']).map_or(0, |(_, frac)| {
            frac.bytes().take_while(u8::is_ascii_digit).count()
        })
    };
    let n = match cell {
        Cell::Text(t) if !t.contains(['e', 'E']) => count(t.trim()),
        _ => count(&value.to_string()),
    };
    u8::try_from(n).unwrap_or(u8::MAX)
}

/// The survey year written in a sheet or file name: the one 4-digit number in 2001-2099.
///
/// Several different such numbers give `None` (the name does not say which).
pub fn year_in_name(name: &str) -> Option<Year> {
    let mut found: Option<Year> = None;
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 {
                let year = name[start..i].parse::<i64>().ok().and_then(Year::new);
                if let Some(y) = year {
                    match found {
                        Some(f) if f != y => return None,
                        _ => found = Some(y),
                    }
                }
            }
        } else {
            i += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn decimals_come_from_the_text_as_written() {
        assert_eq!(decimals(&text("0.52640"), 0.5264), 5);
        assert_eq!(decimals(&text(" 1 "), 1.0), 0);
        assert_eq!(decimals(&Cell::Number(0.6811), 0.6811), 4);
        assert_eq!(decimals(&text("0,5"), 0.5), 1);
    }

    #[test]
    fn missing_spellings_are_missing() {
        for s in ["", " ", "..", "-", "n/a", "N/A", "NA"] {
            assert_eq!(parse_value(&text(s)), Ok(None), "`{s}`");
        }
        assert_eq!(parse_value(&Cell::Empty), Ok(None));
    }

    #[test]
    fn numbers_as_text_and_as_numbers_are_read() {
        assert_eq!(parse_value(&text(" 0.43830 ")), Ok(Some(0.4383)));
        assert_eq!(parse_value(&text("0,5")), Ok(Some(0.5)));
        assert_eq!(parse_value(&text("1e-3")), Ok(Some(0.001)));
        assert_eq!(
            parse_value(&Cell::Number(0.12857000000000002)),
            Ok(Some(0.12857000000000002))
        );
    }

    #[test]
    fn words_nan_and_errors_are_not_numbers() {
        for s in ["high", "NaN", "inf", "1,234.5", "0.5x"] {
            assert!(parse_value(&text(s)).is_err(), "`{s}`");
        }
        assert!(parse_value(&Cell::Error("#N/A".into())).is_err());
        assert!(parse_value(&Cell::Number(f64::NAN)).is_err());
        assert_eq!(
            parse_value(&Cell::Number(f64::INFINITY)),
            Ok(Some(f64::INFINITY))
        );
    }

    #[test]
    fn years_are_read_from_numbers_and_text_but_not_dates() {
        assert_eq!(
            parse_year(&Cell::Number(2018.0)).unwrap().map(Year::get),
            Some(2018)
        );
        assert_eq!(
            parse_year(&text("2018")).unwrap().map(Year::get),
            Some(2018)
        );
        assert_eq!(
            parse_year(&text("2018.0")).unwrap().map(Year::get),
            Some(2018)
        );
        assert!(parse_year(&text("2018-01-01")).is_err());
        assert!(parse_year(&Cell::Number(2018.5)).is_err());
        assert!(parse_year(&Cell::Date("2018-01-01".into())).is_err());
        assert!(parse_year(&Cell::Number(1999.0)).is_err());
    }

    #[test]
    fn a_year_is_found_in_names_only_when_unambiguous() {
        assert_eq!(year_in_name("egdi-2018.csv").map(Year::get), Some(2018));
        assert_eq!(year_in_name("EGOV_DATA_2010").map(Year::get), Some(2010));
        assert_eq!(year_in_name("2016").map(Year::get), Some(2016));
        assert_eq!(year_in_name("data 2016-2018"), None);
        assert_eq!(year_in_name("v20180"), None);
        assert_eq!(year_in_name("Sheet1"), None);
    }
}
