//! The rules for real data that look past one cell: values above their range that the UN
//! computed with, sub-indices of 0 beside an assessed EGDI, rounded copies of a source.
//!
//! Pure functions over the merged [`FactTable`]; they keep what the UN published and report the
//! oddity, and turn into errors only what no published file explains.

use super::{Fact, FactKey, FactTable, Oddity, OddityKind};
use crate::error::Error;
use crate::model::Measure;

/// The row's EGDI must equal the mean of its OSI, TII and HCI within this for a value above its
/// range to be taken as the one the UN computed with (the exports round to 4-5 decimals).
pub(super) const EGDI_MEAN_TOLERANCE: f64 = 0.005;

/// Whether two values of one key differ only by rounding: the coarser one (fewer decimals)
/// equals the other rounded to its decimals. `Some(true)` when `later` is the precise one,
/// `Some(false)` when `earlier` is, `None` when the difference is not a rounding.
pub(super) fn rounded_pair(earlier: &Fact, later: &Fact) -> Option<bool> {
    if earlier.decimals == later.decimals {
        return None;
    }
    let (precise, coarse, later_is_precise) = if later.decimals > earlier.decimals {
        (later, earlier, true)
    } else {
        (earlier, later, false)
    };
    // Half a unit of the coarse value's last decimal, with room for binary noise.
    let half_unit = 0.5 * 10f64.powi(-i32::from(coarse.decimals));
    ((precise.value - coarse.value).abs() <= half_unit * (1.0 + 1e-9)).then_some(later_is_precise)
}

/// Keeps each value above its range when its row's EGDI is 0 (not assessed) or the mean of its
/// OSI, TII and HCI (the UN computed EGDI from it), reporting it; otherwise it is an error.
pub(super) fn check_above_range(
    facts: &FactTable,
    above: &[FactKey],
    errors: &mut Vec<Error>,
    oddities: &mut Vec<Oddity>,
) {
    let mut above = above.to_vec();
    above.sort_unstable();
    above.dedup();
    for key in above {
        let Some(fact) = facts.get(key.0, key.1, key.2) else {
            continue;
        };
        let (min, max) = key.2.range();
        if fact.value <= max {
            // A more precise copy in range replaced it.
            continue;
        }
        let value = |m| facts.value(key.0, key.1, m);
        let egdi = value(Measure::Egdi);
        let mean = Measure::SUB_INDICES
            .iter()
            .map(|&m| value(m))
            .sum::<Option<f64>>()
            .map(|sum| sum / 3.0);
        let explained = match (egdi, mean) {
            (Some(0.0), _) => true,
            (Some(e), Some(mean)) => (e - mean).abs() <= EGDI_MEAN_TOLERANCE,
            _ => false,
        };
        if explained {
            oddities.push(Oddity {
                kind: OddityKind::AboveRange { max },
                key,
                value: fact.value,
                source: fact.source.to_string(),
            });
        } else {
            errors.push(Error::ValueOutOfRange {
                at: fact.source.clone(),
                value: fact.value,
                measure: key.2.key().to_string(),
                min,
                max,
            });
        }
    }
}

/// Reports every OSI, TII or HCI of 0 beside an EGDI above 0 (probably not assessed for that
/// sub-index; the UN computed the EGDI with the 0).
pub(super) fn find_zero_sub_indices(facts: &FactTable, oddities: &mut Vec<Oddity>) {
    for (key, fact) in facts.iter() {
        if Measure::SUB_INDICES.contains(&key.2)
            && fact.value == 0.0
            && facts
                .value(key.0, key.1, Measure::Egdi)
                .is_some_and(|e| e > 0.0)
        {
            oddities.push(Oddity {
                kind: OddityKind::ZeroSubIndex,
                key: *key,
                value: 0.0,
                source: fact.source.to_string(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceRef, TableColumns, TableRef};
    use std::sync::Arc;

    fn fact(value: f64, decimals: u8) -> Fact {
        let table = Arc::new(TableRef {
            file: "a.csv".into(),
            sheet: None,
        });
        Fact {
            value,
            decimals,
            source: SourceRef::row(&TableColumns::new(&table, Vec::new()), 2),
            order: 0,
        }
    }

    #[test]
    fn a_rounded_copy_is_told_from_a_different_value() {
        assert_eq!(
            rounded_pair(&fact(0.68107, 5), &fact(0.6811, 4)),
            Some(false)
        );
        assert_eq!(
            rounded_pair(&fact(0.6811, 4), &fact(0.68107, 5)),
            Some(true)
        );
        assert_eq!(
            rounded_pair(&fact(0.68105, 5), &fact(0.6811, 4)),
            Some(false)
        );
        assert_eq!(rounded_pair(&fact(0.68104, 5), &fact(0.6811, 4)), None);
        assert_eq!(rounded_pair(&fact(0.6811, 4), &fact(0.6812, 4)), None);
    }
}
