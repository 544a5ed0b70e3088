//! The surveys that do not compare with the others, and the stage periodisation of global
//! e-government that Tables 3 and 4 support (the paper's central finding, section 4).
//!
//! Consumes the computed tables and the weighted-components checks; produces plain evidence
//! (survey years and counts) for the renderers to put in words. Nothing here is fixed to the
//! paper's years: on another survey range the same rules find that range's boundaries, or
//! say that the tables do not show one.
//!
//! The rules, after the paper's reading of its tables:
//! - online information services stop being the focus at the first survey with stage data in
//!   which a majority of the panel is very high in stage 1 (paper: 0 in 2010, 122 in 2012);
//! - online interactive services give way to the integration of online and offline services
//!   at the first comparable survey from which on a majority of the panel has a high or very
//!   high OSI in every later comparable survey (paper: 81 in 2016, 103 in 2018);
//! - a survey describes the state of the year before its publication (the paper: "the 2012
//!   data reflect early 2011"), so a boundary found in survey `Y` dates to about `Y - 1`.

use serde::Serialize;

use super::levels::Level;
use super::quality::WeightedCheck;
use super::tables::{Table3Row, Table4Row};
use crate::model::{Measure, Year};

/// Why a survey does not compare with the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum BreakReason {
    /// OSI, TII and HCI are stored as weighted contributions (and not rescaled).
    Weighted,
    /// The configuration says so, with this reason.
    Declared(String),
}

/// A survey whose OSI, TII and HCI levels do not compare with the surveys around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyBreak {
    /// The survey.
    pub year: Year,
    /// Why.
    pub reason: BreakReason,
}

/// The surveys not comparable with the others: the weighted ones that are not rescaled, then
/// the declared ones, in year order (a year both weighted and declared is listed once, with
/// its declared reason).
pub fn breaks(weighted: &[WeightedCheck], declared: &[(Year, String)]) -> Vec<SurveyBreak> {
    let mut out: Vec<SurveyBreak> = declared
        .iter()
        .map(|(year, reason)| SurveyBreak {
            year: *year,
            reason: BreakReason::Declared(reason.clone()),
        })
        .collect();
    for w in weighted.iter().filter(|w| w.weighted && !w.rescaled) {
        if !out.iter().any(|b| b.year == w.year) {
            out.push(SurveyBreak {
                year: w.year,
                reason: BreakReason::Weighted,
            });
        }
    }
    out.sort_by_key(|b| b.year);
    out
}

/// A count of panel countries in one survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearCount {
    /// The survey.
    pub year: Year,
    /// The count.
    pub count: usize,
}

/// The end of the online-information stage, from Table 4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InformationEnd {
    /// Stage 1 very high in the first survey where a majority is.
    pub stage1_very_high: YearCount,
    /// The same count in the stage survey before it, if any.
    pub before: Option<YearCount>,
    /// Stage 2 high or very high in that survey.
    pub stage2_high: usize,
    /// Stage 3 (transactional) high or very high in that and every later stage survey.
    pub stage3_high: Vec<YearCount>,
}

/// The start of the integration stage, from Table 3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntegrationStart {
    /// OSI high or very high from the boundary survey on (comparable surveys only).
    pub osi_high: Vec<YearCount>,
    /// The same count in the comparable survey before it, if any.
    pub before: Option<YearCount>,
}

/// What the tables say about the stages; `None` where they do not place a boundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Periodisation {
    /// Panel size (the majority is more than half of it).
    pub panel_size: usize,
    /// Whether any survey has stage data.
    pub has_stages: bool,
    /// The highest stage-1 very high count and its survey, when no survey has a majority.
    pub stage1_max: Option<YearCount>,
    /// The end of the information stage.
    pub information: Option<InformationEnd>,
    /// The highest OSI high-or-above count and its survey, when no boundary is found.
    pub osi_max: Option<YearCount>,
    /// The start of the integration stage.
    pub integration: Option<IntegrationStart>,
}

impl Periodisation {
    /// The survey in which the information stage is seen to have ended.
    pub fn information_survey(&self) -> Option<Year> {
        self.information.as_ref().map(|i| i.stage1_very_high.year)
    }

    /// The survey in which the integration stage is seen to have begun.
    pub fn integration_survey(&self) -> Option<Year> {
        self.integration
            .as_ref()
            .and_then(|i| i.osi_high.first())
            .map(|c| c.year)
    }
}

/// Very high and high together.
fn high_or_above(counts: &[usize; 4]) -> usize {
    debug_assert_eq!(Level::DESCENDING[0], Level::VeryHigh);
    counts[0] + counts[1]
}

/// The periodisation the tables support.
pub fn periodise(
    panel_size: usize,
    table3: &[Table3Row],
    table4: &[Table4Row],
    breaks: &[SurveyBreak],
) -> Periodisation {
    let majority = |n: usize| 2 * n > panel_size;
    let stage = |s: u8| -> Vec<(Year, [usize; 4])> {
        table4
            .iter()
            .filter(|r| r.stage == s)
            .map(|r| (r.year, r.counts))
            .collect()
    };
    let stage1 = stage(1);
    let found = stage1.iter().position(|(_, c)| majority(c[0]));
    let information = found.map(|i| {
        let year = stage1[i].0;
        let at = |s: u8, y: Year| {
            stage(s)
                .iter()
                .find(|(sy, _)| *sy == y)
                .map_or(0, |(_, c)| high_or_above(c))
        };
        InformationEnd {
            stage1_very_high: YearCount {
                year,
                count: stage1[i].1[0],
            },
            before: i.checked_sub(1).map(|b| YearCount {
                year: stage1[b].0,
                count: stage1[b].1[0],
            }),
            stage2_high: at(2, year),
            stage3_high: stage(3)
                .iter()
                .filter(|(y, _)| *y >= year)
                .map(|(y, c)| YearCount {
                    year: *y,
                    count: high_or_above(c),
                })
                .collect(),
        }
    });
    let stage1_max = if information.is_none() {
        stage1
            .iter()
            .max_by(|a, b| a.1[0].cmp(&b.1[0]).then(b.0.cmp(&a.0)))
            .map(|(y, c)| YearCount {
                year: *y,
                count: c[0],
            })
    } else {
        None
    };

    // OSI high or above in the comparable surveys, in year order.
    let osi: Vec<YearCount> = table3
        .iter()
        .filter(|r| r.index == Measure::Osi && !breaks.iter().any(|b| b.year == r.year))
        .map(|r| YearCount {
            year: r.year,
            count: high_or_above(&r.counts),
        })
        .collect();
    let after_information = |y: Year| {
        information
            .as_ref()
            .is_none_or(|i| y > i.stage1_very_high.year)
    };
    // The first survey from which on every comparable survey has a majority.
    let mut start = None;
    for i in (0..osi.len()).rev() {
        if !majority(osi[i].count) {
            break;
        }
        if after_information(osi[i].year) {
            start = Some(i);
        }
    }
    let integration = start.map(|i| IntegrationStart {
        osi_high: osi[i..].to_vec(),
        before: i.checked_sub(1).map(|b| osi[b]),
    });
    let osi_max = if integration.is_none() {
        osi.iter()
            .copied()
            .max_by(|a, b| a.count.cmp(&b.count).then(b.year.cmp(&a.year)))
    } else {
        None
    };
    Periodisation {
        panel_size,
        has_stages: !table4.is_empty(),
        stage1_max,
        information,
        osi_max,
        integration,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(n: i64) -> Year {
        Year::new(n).unwrap()
    }

    fn osi(year: i64, very_high: usize, high: usize) -> Table3Row {
        Table3Row {
            year: y(year),
            index: Measure::Osi,
            counts: [very_high, high, 0, 0],
            missing: 0,
        }
    }

    fn stage(year: i64, stage: u8, counts: [usize; 4]) -> Table4Row {
        Table4Row {
            year: y(year),
            stage,
            counts,
            missing: 0,
        }
    }

    #[test]
    fn the_paper_tables_give_the_paper_boundaries() {
        // Counts of the paper's Tables 3 (OSI) and 4 (stages 1-3).
        let table3 = [
            osi(2008, 9, 41),
            osi(2010, 0, 0),
            osi(2012, 24, 40),
            osi(2014, 22, 41),
            osi(2016, 30, 51),
            osi(2018, 56, 47),
        ];
        let table4 = [
            stage(2010, 1, [0, 49, 71, 30]),
            stage(2010, 2, [13, 14, 66, 57]),
            stage(2010, 3, [5, 18, 24, 103]),
            stage(2012, 1, [122, 20, 8, 0]),
            stage(2012, 2, [16, 79, 39, 16]),
            stage(2012, 3, [15, 18, 39, 78]),
            stage(2014, 1, [87, 36, 17, 10]),
            stage(2014, 2, [11, 60, 42, 37]),
            stage(2014, 3, [10, 14, 39, 87]),
        ];
        let weighted = [WeightedCheck {
            year: y(2010),
            median_ratio: 1.0,
            weighted: true,
            rescaled: false,
        }];
        let b = breaks(&weighted, &[]);
        let p = periodise(150, &table3, &table4, &b);
        let info = p.information.as_ref().unwrap();
        assert_eq!(
            info.stage1_very_high,
            YearCount {
                year: y(2012),
                count: 122
            }
        );
        assert_eq!(
            info.before,
            Some(YearCount {
                year: y(2010),
                count: 0
            })
        );
        assert_eq!(info.stage2_high, 95);
        assert_eq!(
            info.stage3_high.iter().map(|c| c.count).collect::<Vec<_>>(),
            [33, 24]
        );
        let integration = p.integration.as_ref().unwrap();
        let counts: Vec<(u16, usize)> = integration
            .osi_high
            .iter()
            .map(|c| (c.year.get(), c.count))
            .collect();
        assert_eq!(counts, [(2016, 81), (2018, 103)]);
        assert_eq!(
            integration.before,
            Some(YearCount {
                year: y(2014),
                count: 63
            })
        );
    }

    #[test]
    fn a_range_without_a_majority_places_no_boundary() {
        let table3 = [
            osi(2003, 6, 28),
            osi(2004, 13, 32),
            osi(2005, 50, 30),
            osi(2008, 9, 41),
        ];
        let p = periodise(150, &table3, &[], &[]);
        assert!(!p.has_stages && p.information.is_none() && p.integration.is_none());
        assert_eq!(
            p.osi_max,
            Some(YearCount {
                year: y(2005),
                count: 80
            })
        );
    }

    #[test]
    fn declared_breaks_win_over_weighted_ones_and_are_skipped() {
        let weighted = [WeightedCheck {
            year: y(2016),
            median_ratio: 1.0,
            weighted: true,
            rescaled: false,
        }];
        let b = breaks(&weighted, &[(y(2016), "method change".into())]);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].reason, BreakReason::Declared("method change".into()));
        let table3 = [osi(2014, 22, 41), osi(2016, 30, 51), osi(2018, 56, 47)];
        let p = periodise(150, &table3, &[], &b);
        let first = p.integration.unwrap().osi_high[0];
        assert_eq!(first.year, y(2018));
    }
}
