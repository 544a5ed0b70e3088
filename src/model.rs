//! Keys shared by every stage: survey years, measures and regions.
//!
//! These are plain value types validated at construction; they carry no I/O and no rules of any
//! one stage. Country keys live in `normalise::country` beside the concordance that defines them.

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

    /// The four indices every panel country must have.
    pub const INDICES: [Measure; 4] = [Measure::Egdi, Measure::Osi, Measure::Tii, Measure::Hci];

    /// The three sub-indices of Table 3.
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

    /// The key used in CSV outputs and the long input layout (`EGDI`, `internet_users_pct`).
    pub fn key(self) -> &'static str {
        match self {
            Measure::Egdi => "EGDI",
            Measure::Osi => "OSI",
            Measure::Tii => "TII",
            Measure::Hci => "HCI",
            Measure::Epi => "EPI",
            Measure::Rank => "RANK",
            Measure::InternetUsersPct => "internet_users_pct",
            Measure::FixedTelephonePer100 => "fixed_telephone_per100",
            Measure::MobileCellularPer100 => "mobile_cellular_per100",
            Measure::FixedBroadbandPer100 => "fixed_broadband_per100",
            Measure::WirelessBroadbandPer100 => "wireless_broadband_per100",
            Measure::AdultLiteracyPct => "adult_literacy_pct",
            Measure::GrossEnrolmentPct => "gross_enrolment_pct",
            Measure::ExpectedYearsSchooling => "expected_years_schooling",
            Measure::MeanYearsSchooling => "mean_years_schooling",
            Measure::Stage1Pct => "stage1_pct",
            Measure::Stage2Pct => "stage2_pct",
            Measure::Stage3Pct => "stage3_pct",
            Measure::Stage4Pct => "stage4_pct",
        }
    }

    /// The measure with this output key.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == key)
    }

    /// The inclusive range of valid values.
    pub fn range(self) -> (f64, f64) {
        match self {
            Measure::Egdi | Measure::Osi | Measure::Tii | Measure::Hci | Measure::Epi => (0.0, 1.0),
            Measure::Rank => (1.0, 1_000_000.0),
            Measure::InternetUsersPct
            | Measure::AdultLiteracyPct
            | Measure::Stage1Pct
            | Measure::Stage2Pct
            | Measure::Stage3Pct
            | Measure::Stage4Pct => (0.0, 100.0),
            // Gross enrolment ratios exceed 100 where pupils repeat or enrol early (~130 seen).
            Measure::GrossEnrolmentPct => (0.0, 200.0),
            // Subscriptions per 100 inhabitants exceed 100 (several SIMs per person; ~300 seen).
            Measure::FixedTelephonePer100
            | Measure::MobileCellularPer100
            | Measure::FixedBroadbandPer100
            | Measure::WirelessBroadbandPer100 => (0.0, 1000.0),
            Measure::ExpectedYearsSchooling | Measure::MeanYearsSchooling => (0.0, 30.0),
        }
    }

    /// Whether the measure is a percentage (divided by 100 before a level is assigned).
    pub fn is_percentage(self) -> bool {
        matches!(
            self,
            Measure::InternetUsersPct
                | Measure::AdultLiteracyPct
                | Measure::GrossEnrolmentPct
                | Measure::Stage1Pct
                | Measure::Stage2Pct
                | Measure::Stage3Pct
                | Measure::Stage4Pct
        )
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
    fn measure_keys_round_trip() {
        for m in Measure::ALL {
            assert_eq!(Measure::from_key(m.key()), Some(m));
        }
    }
}
