//! Keys shared by every stage: survey years, measures (and their one registry), regions, and
//! the level rule.
//!
//! These are plain value types validated at construction; they carry no I/O and no rules of any
//! one stage. Country keys live in `normalise::country` beside the concordance that defines them.

pub mod levels;

use std::fmt;

use serde::{Deserialize, Serialize};

/// A survey year (2001-2099).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Year(u16);

impl Year {
    /// The first and last year accepted as a survey year.
    pub const RANGE: std::ops::RangeInclusive<i64> = 2001..=2099;

    /// A year, if it lies in [`Year::RANGE`].
    pub fn new(year: i64) -> Option<Self> {
        if Self::RANGE.contains(&year) {
            u16::try_from(year).ok().map(Self)
        } else {
            None
        }
    }

    /// The year as a number.
    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<i64> for Year {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::new(value).ok_or_else(|| format!("{value} is not a survey year (2001-2099)"))
    }
}

impl From<Year> for i64 {
    fn from(year: Year) -> Self {
        i64::from(year.0)
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The five UN M49 regions used by the survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Region {
    /// Africa.
    Africa,
    /// The Americas.
    Americas,
    /// Asia (including Cyprus and Türkiye, as in M49).
    Asia,
    /// Europe (including the Russian Federation).
    Europe,
    /// Oceania.
    Oceania,
}

impl Region {
    /// All regions in the order the reports list them.
    pub const ALL: [Region; 5] = [
        Region::Europe,
        Region::Americas,
        Region::Asia,
        Region::Africa,
        Region::Oceania,
    ];

    /// The English name.
    pub fn name(self) -> &'static str {
        match self {
            Region::Africa => "Africa",
            Region::Americas => "Americas",
            Region::Asia => "Asia",
            Region::Europe => "Europe",
            Region::Oceania => "Oceania",
        }
    }

    /// Parses a region name as input files spell it (`America`, `Americas`, `asia`, ...).
    pub fn parse(text: &str) -> Option<Self> {
        let key: String = text
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase();
        match key.as_str() {
            "africa" => Some(Region::Africa),
            "america"
            | "americas"
            | "northamerica"
            | "southamerica"
            | "latinamericaandthecaribbean" => Some(Region::Americas),
            "asia" => Some(Region::Asia),
            "europe" => Some(Region::Europe),
            "oceania" => Some(Region::Oceania),
            _ => None,
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A measure of the survey data (SPEC section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Measure {
    Egdi,
    Osi,
    Tii,
    Hci,
    Epi,
    Rank,
    InternetUsersPct,
    FixedTelephonePer100,
    MobileCellularPer100,
    FixedBroadbandPer100,
    WirelessBroadbandPer100,
    AdultLiteracyPct,
    GrossEnrolmentPct,
    ExpectedYearsSchooling,
    MeanYearsSchooling,
    Stage1Pct,
    Stage2Pct,
    Stage3Pct,
    Stage4Pct,
}

/// What a measure is, and so which tables it feeds (SPEC section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An index on 0-1, classified into levels: EGDI, OSI, TII, HCI, EPI (Tables 1-3, figures).
    Index,
    /// The published E-Government rank.
    Rank,
    /// A component of the TII (Table 5).
    TiiComponent,
    /// A component of the HCI (Table 6).
    HciComponent,
    /// An OSI stage completion share (Table 4).
    Stage,
}

/// One description of a measure: every renderer and rule reads its key, names, scale and
/// precision from here.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeasureInfo {
    /// The key used in CSV outputs and the long input layout (`EGDI`, `internet_users_pct`).
    pub key: &'static str,
    /// The acronym indices are known by (`OSI`); none for components.
    pub acronym: Option<&'static str>,
    /// The full name in English and Chinese.
    pub name: [&'static str; 2],
    /// What the measure is.
    pub kind: Kind,
    /// The inclusive range of valid values.
    pub range: (f64, f64),
    /// Whether the measure is a percentage (divided by 100 before a level is assigned).
    pub percentage: bool,
    /// Decimals shown in reports and the workbook.
    pub decimals: usize,
}

const fn info(
    key: &'static str,
    acronym: Option<&'static str>,
    name: [&'static str; 2],
    kind: Kind,
    range: (f64, f64),
    percentage: bool,
) -> MeasureInfo {
    MeasureInfo {
        key,
        acronym,
        name,
        kind,
        range,
        percentage,
        decimals: match kind {
            Kind::Index => 4,
            Kind::Rank => 0,
            _ => 2,
        },
    }
}

const UNIT: (f64, f64) = (0.0, 1.0);
const PERCENT: (f64, f64) = (0.0, 100.0);
// Subscriptions per 100 inhabitants exceed 100 (several SIMs per person; ~300 seen).
const PER_100: (f64, f64) = (0.0, 1000.0);
const YEARS: (f64, f64) = (0.0, 30.0);

/// The registry, in [`Measure`] order (the order of the SPEC's table).
const REGISTRY: [MeasureInfo; 19] = [
    info(
        "EGDI",
        Some("EGDI"),
        ["E-Government Development Index", "电子政务发展指数"],
        Kind::Index,
        UNIT,
        false,
    ),
    info(
        "OSI",
        Some("OSI"),
        ["Online Service Index", "在线服务指数"],
        Kind::Index,
        UNIT,
        false,
    ),
    info(
        "TII",
        Some("TII"),
        ["Telecommunication Infrastructure Index", "电信基础设施指数"],
        Kind::Index,
        UNIT,
        false,
    ),
    info(
        "HCI",
        Some("HCI"),
        ["Human Capital Index", "人力资本指数"],
        Kind::Index,
        UNIT,
        false,
    ),
    info(
        "EPI",
        Some("EPI"),
        ["E-Participation Index", "电子参与指数"],
        Kind::Index,
        UNIT,
        false,
    ),
    info(
        "RANK",
        None,
        ["E-Government rank", "电子政务排名"],
        Kind::Rank,
        (1.0, 1_000_000.0),
        false,
    ),
    info(
        "internet_users_pct",
        None,
        [
            "Individuals using the Internet (%)",
            "个人使用网络百分比（%）",
        ],
        Kind::TiiComponent,
        PERCENT,
        true,
    ),
    info(
        "fixed_telephone_per100",
        None,
        [
            "Fixed-telephone subscriptions per 100 inhabitants",
            "固定电话用户/100人",
        ],
        Kind::TiiComponent,
        PER_100,
        false,
    ),
    info(
        "mobile_cellular_per100",
        None,
        [
            "Mobile-cellular subscriptions per 100 inhabitants",
            "移动电话用户/100人",
        ],
        Kind::TiiComponent,
        PER_100,
        false,
    ),
    info(
        "fixed_broadband_per100",
        None,
        [
            "Fixed (wired) broadband subscriptions per 100 inhabitants",
            "有线宽带用户/100人",
        ],
        Kind::TiiComponent,
        PER_100,
        false,
    ),
    info(
        "wireless_broadband_per100",
        None,
        [
            "Active mobile (wireless) broadband subscriptions per 100 inhabitants",
            "无线宽带用户/100人",
        ],
        Kind::TiiComponent,
        PER_100,
        false,
    ),
    info(
        "adult_literacy_pct",
        None,
        ["Adult literacy rate (%)", "成人识字率（%）"],
        Kind::HciComponent,
        PERCENT,
        true,
    ),
    info(
        "gross_enrolment_pct",
        None,
        ["Gross enrolment ratio (%)", "毛入学率（%）"],
        Kind::HciComponent,
        // Gross enrolment ratios exceed 100 where pupils repeat or enrol early (~130 seen).
        (0.0, 200.0),
        true,
    ),
    info(
        "expected_years_schooling",
        None,
        ["Expected years of schooling", "预计受教育年限"],
        Kind::HciComponent,
        YEARS,
        false,
    ),
    info(
        "mean_years_schooling",
        None,
        ["Mean years of schooling", "平均受教育年限"],
        Kind::HciComponent,
        YEARS,
        false,
    ),
    info(
        "stage1_pct",
        None,
        ["Stage 1 completion (%)", "第一阶段满足比例（%）"],
        Kind::Stage,
        PERCENT,
        true,
    ),
    info(
        "stage2_pct",
        None,
        ["Stage 2 completion (%)", "第二阶段满足比例（%）"],
        Kind::Stage,
        PERCENT,
        true,
    ),
    info(
        "stage3_pct",
        None,
        ["Stage 3 completion (%)", "第三阶段满足比例（%）"],
        Kind::Stage,
        PERCENT,
        true,
    ),
    info(
        "stage4_pct",
        None,
        ["Stage 4 completion (%)", "第四阶段满足比例（%）"],
        Kind::Stage,
        PERCENT,
        true,
    ),
];

impl Measure {
    /// Every measure, in the order of the SPEC's table.
    pub const ALL: [Measure; 19] = [
        Measure::Egdi,
        Measure::Osi,
        Measure::Tii,
        Measure::Hci,
        Measure::Epi,
        Measure::Rank,
        Measure::InternetUsersPct,
        Measure::FixedTelephonePer100,
        Measure::MobileCellularPer100,
        Measure::FixedBroadbandPer100,
        Measure::WirelessBroadbandPer100,
        Measure::AdultLiteracyPct,
        Measure::GrossEnrolmentPct,
        Measure::ExpectedYearsSchooling,
        Measure::MeanYearsSchooling,
        Measure::Stage1Pct,
        Measure::Stage2Pct,
        Measure::Stage3Pct,
        Measure::Stage4Pct,
    ];

    /// The indices analysed by default: the paper's EGDI, OSI, TII and HCI
    /// (`analysed_measures`, `required_measures`).
    pub const DEFAULT_ANALYSED: [Measure; 4] =
        [Measure::Egdi, Measure::Osi, Measure::Tii, Measure::Hci];

    /// The three sub-indices the EGDI is the mean of.
    pub const SUB_INDICES: [Measure; 3] = [Measure::Osi, Measure::Tii, Measure::Hci];

    /// Table 5: the telecommunication infrastructure components.
    pub const TII_COMPONENTS: [Measure; 5] = [
        Measure::InternetUsersPct,
        Measure::FixedTelephonePer100,
        Measure::MobileCellularPer100,
        Measure::FixedBroadbandPer100,
        Measure::WirelessBroadbandPer100,
    ];

    /// Table 6: the human capital components.
    pub const HCI_COMPONENTS: [Measure; 4] = [
        Measure::AdultLiteracyPct,
        Measure::GrossEnrolmentPct,
        Measure::ExpectedYearsSchooling,
        Measure::MeanYearsSchooling,
    ];

    /// Table 4: the OSI stages 1-4.
    pub const STAGES: [Measure; 4] = [
        Measure::Stage1Pct,
        Measure::Stage2Pct,
        Measure::Stage3Pct,
        Measure::Stage4Pct,
    ];

    /// The measure's description.
    pub fn info(self) -> &'static MeasureInfo {
        &REGISTRY[self as usize]
    }

    /// The key used in CSV outputs and the long input layout (`EGDI`, `internet_users_pct`).
    pub fn key(self) -> &'static str {
        self.info().key
    }

    /// The measure with this output key.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == key)
    }

    /// The inclusive range of valid values.
    pub fn range(self) -> (f64, f64) {
        self.info().range
    }

    /// Whether the measure is a percentage (divided by 100 before a level is assigned).
    pub fn is_percentage(self) -> bool {
        self.info().percentage
    }

    /// Whether the measure is an index on 0-1 that can be analysed (classified into levels).
    pub fn is_index(self) -> bool {
        self.info().kind == Kind::Index
    }

    /// The full name in a language (`0` English, `1` Chinese).
    pub fn name(self, zh: bool) -> &'static str {
        self.info().name[usize::from(zh)]
    }

    /// The acronym of an index, else the full name: how a table cell names the measure.
    pub fn short(self, zh: bool) -> &'static str {
        self.info().acronym.unwrap_or_else(|| self.name(zh))
    }

    /// `Online Service Index (OSI)`, or the full name of a component.
    pub fn titled(self, zh: bool) -> String {
        match self.info().acronym {
            Some(a) if zh => format!("{}（{a}）", self.name(zh)),
            Some(a) => format!("{} ({a})", self.name(zh)),
            None => self.name(zh).to_string(),
        }
    }

    /// `OSI (Online Service Index)`, or the full name of a component.
    pub fn headed(self, zh: bool) -> String {
        match self.info().acronym {
            Some(a) if zh => format!("{a}（{}）", self.name(zh)),
            Some(a) => format!("{a} ({})", self.name(zh)),
            None => self.name(zh).to_string(),
        }
    }

    /// A value in the precision the measure is shown with.
    pub fn format(self, v: f64) -> String {
        format!("{v:.*}", self.info().decimals)
    }

    /// The rows of Table 3 among analysed indices: all but EGDI (whose levels are Tables 1-2).
    pub fn table3_indices(analysed: &[Measure]) -> impl Iterator<Item = Measure> + '_ {
        analysed.iter().copied().filter(|&m| m != Measure::Egdi)
    }

    /// The measure a configuration names: its key, acronym or English name, in any case.
    pub fn parse(name: &str) -> Option<Self> {
        let plain = |s: &str| -> String {
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        let wanted = plain(name);
        Self::ALL.into_iter().find(|m| {
            let info = m.info();
            plain(info.key) == wanted
                || info.acronym.is_some_and(|a| plain(a) == wanted)
                || plain(info.name[0]) == wanted
        })
    }

    /// Parses an analysed-measure list from configuration, in registry order without repeats.
    ///
    /// # Errors
    /// A message naming the entry that is no index.
    pub fn parse_indices(names: &[String]) -> Result<Vec<Measure>, String> {
        let mut out = Vec::new();
        for name in names {
            let m = Self::from_key(&name.trim().to_ascii_uppercase())
                .filter(|m| m.is_index())
                .ok_or_else(|| {
                    format!("`{name}` is not an index (one of EGDI, OSI, TII, HCI, EPI)")
                })?;
            out.push(m);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_accepts_only_survey_years() {
        assert!(Year::new(2000).is_none());
        assert_eq!(Year::new(2001).map(Year::get), Some(2001));
        assert_eq!(Year::new(2099).map(Year::get), Some(2099));
        assert!(Year::new(2100).is_none());
    }

    #[test]
    fn region_names_are_normalised() {
        assert_eq!(Region::parse("America"), Some(Region::Americas));
        assert_eq!(Region::parse(" europe "), Some(Region::Europe));
        assert_eq!(Region::parse("Antarctica"), None);
    }

    #[test]
    fn measure_discriminants_follow_the_spec_order() {
        for (i, m) in Measure::ALL.into_iter().enumerate() {
            assert_eq!(m as usize, i);
        }
    }

    #[test]
    fn the_registry_describes_every_measure_once_in_enum_order() {
        let keys: std::collections::BTreeSet<&str> = Measure::ALL.iter().map(|m| m.key()).collect();
        assert_eq!(keys.len(), Measure::ALL.len());
        for m in Measure::ALL {
            // The registry row of a measure is the one whose key the enum's position gives.
            assert_eq!(REGISTRY[m as usize].key, m.key());
            assert_eq!(m.info().acronym.is_some(), m.is_index(), "{m}");
        }
        for m in Measure::DEFAULT_ANALYSED
            .into_iter()
            .chain(Measure::SUB_INDICES)
        {
            assert!(m.is_index());
        }
        assert!(
            Measure::TII_COMPONENTS
                .iter()
                .all(|m| m.info().kind == Kind::TiiComponent)
        );
        assert!(
            Measure::HCI_COMPONENTS
                .iter()
                .all(|m| m.info().kind == Kind::HciComponent)
        );
        assert!(Measure::STAGES.iter().all(|m| m.info().kind == Kind::Stage));
    }

    #[test]
    fn index_lists_parse_in_registry_order() {
        let names = ["epi", "EGDI", "OSI", "EGDI"].map(String::from);
        assert_eq!(
            Measure::parse_indices(&names),
            Ok(vec![Measure::Egdi, Measure::Osi, Measure::Epi])
        );
        let err = Measure::parse_indices(&["internet_users_pct".to_string()]).unwrap_err();
        assert!(
            err.contains("`internet_users_pct` is not an index"),
            "{err}"
        );
    }

    #[test]
    fn measure_keys_round_trip() {
        for m in Measure::ALL {
            assert_eq!(Measure::from_key(m.key()), Some(m));
        }
    }
}
