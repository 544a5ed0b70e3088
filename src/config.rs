//! The effective configuration: `egov-report.toml` merged with command-line overrides.
//!
//! Consumes the parsed command line (as plain [`Overrides`], never clap types) and the optional
//! TOML file; produces [`Config`], the only settings object stages see. Unknown keys and bad
//! values are errors naming the key. It reads nothing of the stages: measures and the level
//! rule are model types. The date written into outputs is fixed here, from
//! `SOURCE_DATE_EPOCH` or a constant, so that two runs give identical bytes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::levels::{DEFAULT_MARGIN, LevelRule};
use crate::model::{Measure, Year};

/// The name of the configuration file looked for in the current folder.
pub const CONFIG_FILE: &str = "egov-report.toml";

/// The date used in outputs when `SOURCE_DATE_EPOCH` is not set: 2026-01-01T00:00:00Z.
pub const DEFAULT_SOURCE_DATE_EPOCH: i64 = 1_767_225_600;

/// The report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// `en` or `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// The keys of `egov-report.toml`; every one optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// The input folder (default `input`).
    pub input: Option<PathBuf>,
    /// The output folder (default `output`).
    pub output: Option<PathBuf>,
    /// Report language, `en` or `zh` (default `en`).
    pub language: Option<Lang>,
    /// Report title (default: the paper's title in the report language).
    pub title: Option<String>,
    /// The focus country, ISO3 (default `CHN`).
    pub focus: Option<String>,
    /// The benchmark countries, ISO3, in column order (default USA, AUS, GBR, CAN).
    pub benchmarks: Option<Vec<String>>,
    /// Only these survey years (default: every year in the input).
    pub surveys: Option<Vec<i64>>,
    /// Measures a country needs in every survey to be in the panel (default EGDI, OSI, TII, HCI).
    pub required_measures: Option<Vec<String>>,
    /// The indices analysed: levels, Table 3 rows, figures, gaps (default EGDI, OSI, TII, HCI).
    pub analysed_measures: Option<Vec<String>>,
    /// A fixed panel: exactly these ISO3 codes (default: every complete country).
    pub panel_countries: Option<Vec<String>>,
    /// Country names shown per Table 1 row in the report (default 15).
    pub representatives: Option<usize>,
    /// Surveys whose OSI, TII and HCI are weighted contributions, to multiply by 3 (default none).
    pub rescale_surveys: Option<Vec<i64>>,
    /// The level rule (default thresholds 0.25, 0.50, 0.75; boundaries upper, upper, lower).
    pub levels: Option<LevelRule>,
    /// A CSV (`code,name,region`) of extra entities (e.g. sub-national units) to accept.
    pub entities: Option<PathBuf>,
    /// A published-tables JSON to compare with (`--reference`).
    pub reference: Option<PathBuf>,
    /// Surveys whose values are not comparable with the others, each with the reason.
    pub not_comparable: Option<Vec<NotComparable>>,
    /// Indicators of a declining technology (default: fixed-telephone subscriptions).
    pub declining_indicators: Option<Vec<String>>,
    /// A folder of templates overriding the embedded ones file by file (`--templates`).
    pub templates: Option<PathBuf>,
    /// Further header names mapped to the SPEC's keys (`"Negara" = "country"`).
    pub columns: Option<std::collections::BTreeMap<String, String>>,
    /// The margin around a level threshold of the robustness checks (default 0.01).
    pub sensitivity_margin: Option<f64>,
}

/// A survey declared not comparable with the others (e.g. after a method change).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NotComparable {
    /// The survey year.
    pub year: Year,
    /// Why, as the report's note says it.
    pub reason: String,
}

/// Settings given on the command line; they win over the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--input`.
    pub input: Option<PathBuf>,
    /// `--output`.
    pub output: Option<PathBuf>,
    /// `--lang`.
    pub lang: Option<Lang>,
    /// `--reference`.
    pub reference: Option<PathBuf>,
    /// `--templates`.
    pub templates: Option<PathBuf>,
    /// `--focus`.
    pub focus: Option<String>,
    /// `--benchmarks`.
    pub benchmarks: Option<Vec<String>>,
}

/// The effective configuration of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// The configuration file read, if any.
    pub config_file: Option<PathBuf>,
    /// The input folder or file.
    pub input: PathBuf,
    /// The output folder.
    pub output: PathBuf,
    /// The report language.
    pub lang: Lang,
    /// The report title, if configured.
    pub title: Option<String>,
    /// Focus country code.
    pub focus: String,
    /// Benchmark country codes.
    pub benchmarks: Vec<String>,
    /// The survey-year subset, if any.
    pub surveys: Option<Vec<Year>>,
    /// Measures required in every survey for the panel.
    pub required_measures: Vec<Measure>,
    /// The indices analysed, in registry order; EGDI always among them.
    pub analysed_measures: Vec<Measure>,
    /// A fixed panel, if any.
    pub panel_countries: Option<Vec<String>>,
    /// Names per Table 1 row in the report.
    pub representatives: usize,
    /// Surveys rescaled by 3.
    pub rescale_surveys: Vec<Year>,
    /// The level rule.
    pub levels: LevelRule,
    /// Extra entities file.
    pub entities: Option<PathBuf>,
    /// The reference JSON.
    pub reference: Option<PathBuf>,
    /// Template overrides.
    pub templates: Option<PathBuf>,
    /// Surveys declared not comparable, by year.
    pub not_comparable: Vec<NotComparable>,
    /// Indicators of a declining technology.
    pub declining_indicators: Vec<Measure>,
    /// Seconds since the epoch written as the outputs' creation date.
    pub source_date_epoch: i64,
    /// Header names mapped to the SPEC's keys by the `[columns]` table, as written.
    pub columns: std::collections::BTreeMap<String, String>,
    /// The margin around a level threshold of the robustness checks.
    pub sensitivity_margin: f64,
}

impl Config {
    /// Resolves the configuration: file (given or `egov-report.toml` in `cwd`), then overrides.
    ///
    /// `source_date_epoch` is the value of `SOURCE_DATE_EPOCH`, read by the caller.
    ///
    /// # Errors
    /// [`Error::Config`] naming the file and key; [`Error::Io`] if a given file cannot be read.
    pub fn resolve(cli: &Overrides, cwd: &Path, source_date_epoch: Option<&str>) -> Result<Self> {
        let (path, file) = match &cli.config {
            Some(p) => (Some(p.clone()), Some(read_file(p)?)),
            None => {
                let p = cwd.join(CONFIG_FILE);
                if p.is_file() {
                    (Some(p.clone()), Some(read_file(&p)?))
                } else {
                    (None, None)
                }
            }
        };
        let file = file.unwrap_or_default();
        let origin = Origin(
            path.clone()
                .unwrap_or_else(|| PathBuf::from("command line")),
        );
        // Paths in the file are relative to the file's folder.
        let base = path
            .as_ref()
            .and_then(|p| p.parent())
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
        let rel = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };

        let surveys = origin.years("surveys", file.surveys.clone())?;
        if surveys.as_ref().is_some_and(|s| s.len() < 2) {
            return Err(origin.bad("surveys", "at least two survey years are needed".into()));
        }
        let rescale_surveys = origin
            .years("rescale_surveys", file.rescale_surveys.clone())?
            .unwrap_or_default();
        let measures = origin.measures(&file)?;
        let mut not_comparable = file.not_comparable.clone().unwrap_or_default();
        not_comparable.sort_by_key(|n| n.year);
        let levels = file.levels.unwrap_or_default();
        levels
            .validate()
            .map_err(|m| origin.bad("levels.thresholds", m))?;
        let representatives = file.representatives.unwrap_or(15);
        if representatives == 0 {
            return Err(origin.bad("representatives", "must be at least 1".into()));
        }
        let (focus, benchmarks, panel_countries) = origin.countries(cli, &file)?;
        if file.title.as_ref().is_some_and(|t| t.trim().is_empty()) {
            return Err(origin.bad(
                "title",
                "must not be empty (leave it out for the default)".into(),
            ));
        }
        let sensitivity_margin = file.sensitivity_margin.unwrap_or(DEFAULT_MARGIN);
        if !(sensitivity_margin > 0.0 && sensitivity_margin < 0.25) {
            return Err(origin.bad(
                "sensitivity_margin",
                format!("{sensitivity_margin} is not a margin between 0 and 0.25 (exclusive)"),
            ));
        }
        Ok(Config {
            config_file: path,
            input: cli
                .input
                .clone()
                .or_else(|| file.input.map(&rel))
                .unwrap_or_else(|| cwd.join("input")),
            output: cli
                .output
                .clone()
                .or_else(|| file.output.map(&rel))
                .unwrap_or_else(|| cwd.join("output")),
            lang: cli.lang.or(file.language).unwrap_or_default(),
            title: file.title,
            focus,
            benchmarks,
            surveys,
            required_measures: measures.required,
            analysed_measures: measures.analysed,
            panel_countries,
            representatives,
            rescale_surveys,
            levels,
            entities: file.entities.map(&rel),
            reference: cli.reference.clone().or_else(|| file.reference.map(&rel)),
            templates: cli.templates.clone().or_else(|| file.templates.map(&rel)),
            not_comparable,
            declining_indicators: measures.declining,
            source_date_epoch: parse_source_date_epoch(source_date_epoch)?,
            columns: file.columns.unwrap_or_default(),
            sensitivity_margin,
        })
    }

    /// The configuration with every default and the given input and output folders.
    pub fn with_defaults(input: PathBuf, output: PathBuf) -> Self {
        let overrides = Overrides {
            input: Some(input),
            output: Some(output),
            ..Overrides::default()
        };
        // An empty folder holds no `egov-report.toml`, so only the defaults apply.
        Self::resolve(
            &overrides,
            Path::new("/nonexistent-egov-report-defaults"),
            None,
        )
        .expect("the defaults are valid")
    }
}

/// Where settings come from (the file, or the command line), for errors naming the key.
struct Origin(PathBuf);

/// The measure settings.
struct Measures {
    required: Vec<Measure>,
    analysed: Vec<Measure>,
    declining: Vec<Measure>,
}

impl Origin {
    fn bad(&self, key: &str, message: String) -> Error {
        Error::Config {
            path: self.0.clone(),
            message: format!("`{key}`: {message}"),
        }
    }

    /// A list of survey years, sorted and without repeats.
    fn years(&self, key: &str, list: Option<Vec<i64>>) -> Result<Option<Vec<Year>>> {
        list.map(|l| {
            let mut out: Vec<Year> = l
                .into_iter()
                .map(|y| {
                    Year::new(y).ok_or_else(|| {
                        self.bad(key, format!("{y} is not a survey year (2001-2099)"))
                    })
                })
                .collect::<Result<_>>()?;
            out.sort();
            out.dedup();
            Ok(out)
        })
        .transpose()
    }

    /// A list of measure names.
    fn measure_list(&self, key: &str, names: &[String]) -> Result<Vec<Measure>> {
        names
            .iter()
            .map(|name| {
                Measure::parse(name)
                    .ok_or_else(|| self.bad(key, format!("`{name}` is not a measure")))
            })
            .collect()
    }

    /// The analysed, required and declining measures; EGDI analysed and required always.
    fn measures(&self, file: &FileConfig) -> Result<Measures> {
        let analysed = match &file.analysed_measures {
            None => Measure::DEFAULT_ANALYSED.to_vec(),
            Some(list) => {
                let out =
                    Measure::parse_indices(list).map_err(|m| self.bad("analysed_measures", m))?;
                if !out.contains(&Measure::Egdi) {
                    return Err(self.bad(
                        "analysed_measures",
                        "must include EGDI (Tables 1 and 2 follow the EGDI levels)".into(),
                    ));
                }
                out
            }
        };
        let required = match &file.required_measures {
            None => Measure::DEFAULT_ANALYSED.to_vec(),
            Some(list) => {
                let out = self.measure_list("required_measures", list)?;
                if !out.contains(&Measure::Egdi) {
                    return Err(self.bad(
                        "required_measures",
                        "must include EGDI (the panel rule needs EGDI > 0)".into(),
                    ));
                }
                out
            }
        };
        let declining = match &file.declining_indicators {
            None => vec![Measure::FixedTelephonePer100],
            Some(list) => self.measure_list("declining_indicators", list)?,
        };
        Ok(Measures {
            required,
            analysed,
            declining,
        })
    }

    /// The focus, benchmark and fixed-panel country codes, upper-cased and checked.
    #[allow(clippy::type_complexity)]
    fn countries(
        &self,
        cli: &Overrides,
        file: &FileConfig,
    ) -> Result<(String, Vec<String>, Option<Vec<String>>)> {
        let code = |key: &str, c: String| -> Result<String> {
            let c = c.trim().to_ascii_uppercase();
            if c.is_empty() || !c.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                return Err(self.bad(key, format!("`{c}` is not a country code")));
            }
            Ok(c)
        };
        let focus = code(
            "focus",
            cli.focus
                .clone()
                .or_else(|| file.focus.clone())
                .unwrap_or_else(|| "CHN".into()),
        )?;
        let benchmarks: Vec<String> = cli
            .benchmarks
            .clone()
            .or_else(|| file.benchmarks.clone())
            .unwrap_or_else(|| ["USA", "AUS", "GBR", "CAN"].map(String::from).to_vec())
            .into_iter()
            .map(|c| code("benchmarks", c))
            .collect::<Result<_>>()?;
        if benchmarks.is_empty() {
            return Err(self.bad(
                "benchmarks",
                "at least one benchmark country is needed".into(),
            ));
        }
        if let Some(twice) = benchmarks
            .iter()
            .enumerate()
            .find(|(i, b)| benchmarks[..*i].contains(b))
            .map(|(_, b)| b)
        {
            return Err(self.bad("benchmarks", format!("{twice} is listed twice")));
        }
        if benchmarks.contains(&focus) {
            return Err(self.bad(
                "benchmarks",
                format!("the focus country {focus} cannot also be a benchmark"),
            ));
        }
        let panel_countries = file
            .panel_countries
            .clone()
            .map(|l| {
                l.into_iter()
                    .map(|c| code("panel_countries", c))
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?;
        Ok((focus, benchmarks, panel_countries))
    }
}

/// The outputs' creation date: `SOURCE_DATE_EPOCH` (an empty value counts as unset, as in
/// other tools that read the variable), else [`DEFAULT_SOURCE_DATE_EPOCH`].
fn parse_source_date_epoch(value: Option<&str>) -> Result<i64> {
    match value.filter(|s| !s.trim().is_empty()) {
        None => Ok(DEFAULT_SOURCE_DATE_EPOCH),
        Some(s) => s
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|v| (0..=253_402_300_799).contains(v))
            .ok_or_else(|| Error::Config {
                path: PathBuf::from("environment"),
                message: format!(
                    "`SOURCE_DATE_EPOCH`: `{s}` is not a number of seconds since 1970"
                ),
            }),
    }
}

fn read_file(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
    toml::from_str(&text).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_text(text: &str) -> Result<Config> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(CONFIG_FILE);
        std::fs::write(&p, text).unwrap();
        Config::resolve(&Overrides::default(), dir.path(), None)
    }

    #[test]
    fn defaults_follow_the_spec() {
        let c = resolve_text("").unwrap();
        assert_eq!(c.focus, "CHN");
        assert_eq!(c.benchmarks, ["USA", "AUS", "GBR", "CAN"]);
        assert_eq!(c.representatives, 15);
        assert_eq!(c.levels, LevelRule::default());
        assert_eq!(c.required_measures, Measure::DEFAULT_ANALYSED);
        assert_eq!(c.analysed_measures, Measure::DEFAULT_ANALYSED);
        assert_eq!(c.source_date_epoch, DEFAULT_SOURCE_DATE_EPOCH);
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_key() {
        let err = resolve_text("focal = \"CHN\"\n").unwrap_err().to_string();
        assert!(err.contains("focal"), "{err}");
    }

    #[test]
    fn bad_values_are_errors_naming_the_key() {
        let err = resolve_text("surveys = [1999, 2003]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`surveys`") && err.contains("1999"), "{err}");
        let err = resolve_text("[levels]\nthresholds = [0.5, 0.25, 0.75]\nboundaries = [\"upper\", \"upper\", \"lower\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("levels.thresholds"), "{err}");
        let err = resolve_text("required_measures = [\"OSI\", \"GDP\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("GDP"), "{err}");
        let err = resolve_text("representatives = \"many\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("representatives"), "{err}");
    }

    #[test]
    fn comparability_and_declining_indicators_are_read_and_checked() {
        let c = resolve_text("").unwrap();
        assert_eq!(c.declining_indicators, [Measure::FixedTelephonePer100]);
        assert!(c.not_comparable.is_empty());
        let c = resolve_text(
            "not_comparable = [{ year = 2016, reason = \"method\" }]\n\
             declining_indicators = [\"mobile_cellular_per100\"]\n",
        )
        .unwrap();
        assert_eq!(c.not_comparable[0].year.get(), 2016);
        assert_eq!(c.declining_indicators, [Measure::MobileCellularPer100]);
        let err = resolve_text("declining_indicators = [\"telegraph\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`declining_indicators`") && err.contains("telegraph"),
            "{err}"
        );
        let err = resolve_text("not_comparable = [{ year = 2016 }]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("reason"), "{err}");
    }

    #[test]
    fn the_command_line_wins_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "focus = \"IND\"\nlanguage = \"zh\"\n",
        )
        .unwrap();
        let cli = Overrides {
            focus: Some("bra".into()),
            ..Overrides::default()
        };
        let c = Config::resolve(&cli, dir.path(), Some("86400")).unwrap();
        assert_eq!(c.focus, "BRA");
        assert_eq!(c.lang, Lang::Zh);
        assert_eq!(c.source_date_epoch, 86_400);
    }

    #[test]
    fn an_empty_source_date_epoch_counts_as_unset() {
        let dir = tempfile::tempdir().unwrap();
        for empty in ["", " "] {
            let c = Config::resolve(&Overrides::default(), dir.path(), Some(empty)).unwrap();
            assert_eq!(c.source_date_epoch, DEFAULT_SOURCE_DATE_EPOCH);
        }
        let err = Config::resolve(&Overrides::default(), dir.path(), Some("soon")).unwrap_err();
        assert!(err.to_string().contains("`SOURCE_DATE_EPOCH`"), "{err}");
    }
}
