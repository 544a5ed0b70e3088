//! Stage 4: every table and figure series, each an independent job over the immutable panel.
//!
//! Consumes [`Normalised`], [`Panel`] and the analysis settings; produces [`Results`]. Jobs run
//! in parallel with rayon and are collected in plan order, so the result is identical whatever
//! the thread count. Counts are integers; the few float sums (benchmark means) run in a fixed
//! order inside one job. Nothing here draws or writes (that is `render`).

pub mod beyond;
pub mod groups;
pub mod latest;
/// The level rule lives in the model (the configuration reads it too).
pub use crate::model::levels;
pub mod periods;
pub mod profile;
pub mod quality;
pub mod ranks;
pub mod reproduction;
pub mod sensitivity;
mod stats;
pub mod tables;

use rayon::prelude::*;
use serde::Serialize;

use self::beyond::{FigureSeries, Gap, RegionRow, Transition};
use self::levels::LevelRule;
use self::quality::{Finding, WeightedCheck};
use self::reproduction::Difference;
use self::tables::{ComponentTable, Table1Row, Table2Row, Table3Row, Table4Row};
use crate::model::{Measure, Year};
use crate::normalise::Normalised;
use crate::normalise::country::{CountryId, Named};
use crate::panel::Panel;

/// What the analysis needs to know beyond the data.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The level rule.
    pub levels: LevelRule,
    /// The focus country.
    pub focus: CountryId,
    /// The benchmark countries, in column order.
    pub benchmarks: Vec<CountryId>,
    /// Surveys declared not comparable, with the reason.
    pub not_comparable: Vec<(Year, String)>,
    /// The margin around a threshold of the robustness checks.
    pub margin: f64,
}

impl Settings {
    /// Benchmarks in order, then the focus country: the columns of Tables 5-6 and the figures.
    pub fn compared(&self) -> Vec<CountryId> {
        let mut c = self.benchmarks.clone();
        c.push(self.focus);
        c
    }
}

/// Everything the renderers show.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// The survey years.
    pub years: Vec<Year>,
    /// Panel size.
    pub panel_size: usize,
    /// The analysed indices, in registry order (EGDI first).
    pub measures: Vec<Measure>,
    /// The level rule used.
    pub levels: LevelRule,
    /// The focus country.
    pub focus: CountryId,
    /// The benchmarks.
    pub benchmarks: Vec<CountryId>,
    /// Table 1.
    pub table1: Vec<Table1Row>,
    /// Table 2.
    pub table2: Vec<Table2Row>,
    /// Table 3.
    pub table3: Vec<Table3Row>,
    /// Table 4.
    pub table4: Vec<Table4Row>,
    /// Table 5 (TII components).
    pub table5: ComponentTable,
    /// Table 6 (HCI components).
    pub table6: ComponentTable,
    /// One figure per analysed index, in the order of `measures`.
    pub figures: Vec<FigureSeries>,
    /// Level transition matrices.
    pub transitions: Vec<Transition>,
    /// Gaps of the focus country.
    pub gaps: Vec<Gap>,
    /// Panel composition by region.
    pub regions: Vec<RegionRow>,
    /// The weighted-components check per survey.
    pub weighted: Vec<WeightedCheck>,
    /// Data-quality findings.
    pub findings: Vec<Finding>,
    /// Surveys not comparable with the others.
    pub breaks: Vec<periods::SurveyBreak>,
    /// The stage periodisation the tables support.
    pub periods: periods::Periodisation,
    /// Reproduction differences, when a reference was given.
    pub reproduction: Option<Vec<Difference>>,
    /// The reproduction check in full (explanations, cells compared), when a reference was given.
    #[serde(skip)]
    pub comparison: Option<reproduction::Comparison>,
    /// Ranks and rank changes of every country.
    pub ranks: Vec<ranks::RankRow>,
    /// What the last survey changed (none with a single survey).
    pub latest: Option<latest::Latest>,
    /// The robustness of the levels.
    pub sensitivity: Option<sensitivity::Sensitivity>,
    /// Per country group and survey: countries, mean, median and level counts of each index.
    pub groups: Vec<groups::GroupRow>,
    /// Table 1 by country group.
    pub groups_table1: Vec<groups::GroupTable1Row>,
}

/// One independent unit of analysis.
#[derive(Debug, Clone, Copy)]
enum Job {
    Table1,
    Table2,
    Table3,
    Table4,
    Table5,
    Table6,
    Figure(Measure),
    Transitions,
    Gaps,
    Regions,
    Findings,
    Ranks,
    Latest,
    Sensitivity,
    Groups,
}

/// The jobs of a run: the tables, one figure per analysed index, then the rest.
fn plan(measures: &[Measure]) -> Vec<Job> {
    let tables = [
        Job::Table1,
        Job::Table2,
        Job::Table3,
        Job::Table4,
        Job::Table5,
        Job::Table6,
    ];
    let rest = [
        Job::Transitions,
        Job::Gaps,
        Job::Regions,
        Job::Findings,
        Job::Ranks,
        Job::Latest,
        Job::Sensitivity,
        Job::Groups,
    ];
    tables
        .into_iter()
        .chain(measures.iter().map(|&m| Job::Figure(m)))
        .chain(rest)
        .collect()
}

enum Output {
    Table1(Vec<Table1Row>),
    Table2(Vec<Table2Row>),
    Table3(Vec<Table3Row>),
    Table4(Vec<Table4Row>),
    Components(ComponentTable),
    Figure(FigureSeries),
    Transitions(Vec<Transition>),
    Gaps(Vec<Gap>),
    Regions(Vec<RegionRow>),
    Findings(Vec<Finding>, Vec<WeightedCheck>),
    Ranks(Vec<ranks::RankRow>),
    Latest(Option<latest::Latest>),
    Sensitivity(Option<sensitivity::Sensitivity>),
    Groups(Vec<groups::GroupRow>, Vec<groups::GroupTable1Row>),
}

fn run_job(job: Job, normalised: &Normalised, panel: &Panel, settings: &Settings) -> Output {
    let rule = &settings.levels;
    match job {
        Job::Table1 => Output::Table1(tables::table1(panel, rule)),
        Job::Table2 => Output::Table2(tables::table2(panel, rule)),
        Job::Table3 => Output::Table3(tables::table3(panel, rule)),
        Job::Table4 => Output::Table4(tables::table4(normalised, panel, rule)),
        Job::Table5 => Output::Components(tables::component_table(
            normalised,
            panel,
            &settings.compared(),
            &Measure::TII_COMPONENTS,
        )),
        Job::Table6 => Output::Components(tables::component_table(
            normalised,
            panel,
            &settings.compared(),
            &Measure::HCI_COMPONENTS,
        )),
        Job::Figure(m) => {
            Output::Figure(beyond::figure(normalised, panel, m, &settings.compared()))
        }
        Job::Transitions => Output::Transitions(beyond::transitions(panel, rule)),
        Job::Gaps => Output::Gaps(beyond::gaps(
            normalised,
            panel,
            settings.focus,
            &settings.benchmarks,
        )),
        Job::Regions => Output::Regions(beyond::regions(normalised, panel)),
        Job::Findings => {
            // The findings name the weighted surveys, so both come from one job.
            let weighted = quality::weighted_checks(panel);
            let findings = quality::findings(normalised, panel, rule, &weighted);
            Output::Findings(findings, weighted)
        }
        Job::Ranks => Output::Ranks(ranks::ranks(normalised, &panel.years)),
        Job::Latest => Output::Latest(latest::latest(normalised, panel, rule)),
        Job::Sensitivity => {
            Output::Sensitivity(sensitivity::sensitivity(panel, rule, settings.margin))
        }
        Job::Groups => {
            let (rows, table1) = groups::groups(normalised, panel, rule);
            Output::Groups(rows, table1)
        }
    }
}

/// Computes every table and figure series in parallel.
pub fn analyse(normalised: &Normalised, panel: &Panel, settings: &Settings) -> Results {
    let outputs: Vec<Output> = plan(&panel.measures)
        .par_iter()
        .map(|&job| run_job(job, normalised, panel, settings))
        .collect();
    let mut results = Results {
        years: panel.years.clone(),
        panel_size: panel.len(),
        measures: panel.measures.clone(),
        levels: settings.levels,
        focus: settings.focus,
        benchmarks: settings.benchmarks.clone(),
        table1: Vec::new(),
        table2: Vec::new(),
        table3: Vec::new(),
        table4: Vec::new(),
        table5: ComponentTable {
            countries: Vec::new(),
            rows: Vec::new(),
        },
        table6: ComponentTable {
            countries: Vec::new(),
            rows: Vec::new(),
        },
        figures: Vec::new(),
        transitions: Vec::new(),
        gaps: Vec::new(),
        regions: Vec::new(),
        weighted: Vec::new(),
        findings: Vec::new(),
        breaks: Vec::new(),
        periods: periods::periodise(0, &[], &[], &[]),
        reproduction: None,
        comparison: None,
        ranks: Vec::new(),
        latest: None,
        sensitivity: None,
        groups: Vec::new(),
        groups_table1: Vec::new(),
    };
    let mut components = 0;
    for output in outputs {
        match output {
            Output::Table1(t) => results.table1 = t,
            Output::Table2(t) => results.table2 = t,
            Output::Table3(t) => results.table3 = t,
            Output::Table4(t) => results.table4 = t,
            Output::Components(t) => {
                if components == 0 {
                    results.table5 = t;
                } else {
                    results.table6 = t;
                }
                components += 1;
            }
            Output::Figure(f) => results.figures.push(f),
            Output::Transitions(t) => results.transitions = t,
            Output::Gaps(g) => results.gaps = g,
            Output::Regions(r) => results.regions = r,
            Output::Findings(f, w) => {
                results.findings = f;
                results.weighted = w;
            }
            Output::Ranks(r) => results.ranks = r,
            Output::Latest(l) => results.latest = l,
            Output::Sensitivity(s) => results.sensitivity = s,
            Output::Groups(rows, table1) => {
                results.groups = rows;
                results.groups_table1 = table1;
            }
        }
    }
    results.breaks = periods::breaks(&results.weighted, &settings.not_comparable);
    results.periods = periods::periodise(
        results.panel_size,
        &results.table3,
        &results.table4,
        &results.breaks,
    );
    results
}

/// The analysis settings of the named countries, with the default comparability and margin.
pub fn settings(levels: LevelRule, named: &Named) -> Settings {
    Settings {
        levels,
        focus: named.focus,
        benchmarks: named.benchmarks.clone(),
        not_comparable: Vec::new(),
        margin: sensitivity::DEFAULT_MARGIN,
    }
}
